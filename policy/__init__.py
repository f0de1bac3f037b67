"""A Pulumi policy pack for Amazon Bedrock inference (``pulumi_policy``).

Its rules apply to this package's resources (``pulumi-python:dynamic/bedrock:*``) and to
pulumi-aws's equivalents (``aws:bedrock/inferenceProfile:InferenceProfile``,
``aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput``), and to IAM policies
(``aws:iam/rolePolicy:RolePolicy``, ``aws:iam/policy:Policy``, user/group policies and role
inline policies). Run it with ``pulumi preview --policy-pack <path to policy-pack/>``; each rule
is configured with ``--policy-pack-config`` (see README "Policy pack").

Needs ``pulumi-policy`` (``pip install "pulumi-bedrock-inference[policy]"``).
"""

from .rules import (
    POLICIES,
    allowed_models_and_regions,
    commitments_only_in_allowed_stacks,
    committed_throughput_protected,
    model_units_cap,
    no_invoke_on_wildcard,
    required_cost_allocation_tags,
)

PACK_NAME = "bedrock-inference"

__all__ = [
    "PACK_NAME",
    "POLICIES",
    "allowed_models_and_regions",
    "commitments_only_in_allowed_stacks",
    "committed_throughput_protected",
    "model_units_cap",
    "no_invoke_on_wildcard",
    "required_cost_allocation_tags",
]
