"""The Bedrock inference policy pack (pulumi_bedrock_inference.policy) as a pack folder."""

from pulumi_policy import PolicyPack

from pulumi_bedrock_inference.policy import PACK_NAME, POLICIES

PolicyPack(name=PACK_NAME, policies=POLICIES)
