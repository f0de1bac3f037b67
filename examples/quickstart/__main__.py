"""Quickstart: a tracked, taggable inference profile for a chat assistant.

Run it with `make up` from the repository root: a real `pulumi up` against the local Bedrock
emulator, which stands in for AWS when no AWS account is at hand (`TARGET=aws make up` for yours).
"""

import pulumi

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile

chat = ApplicationInferenceProfile(
    "support-chat",
    model_source={"copy_from": "us.anthropic.claude-3-5-sonnet-20241022-v2:0"},
    description="Support assistant chat",
    tags={"team": "support", "app": "chat"},
)

pulumi.export("profile_arn", chat.arn)
pulumi.export("profile_name", chat.name)
pulumi.export("routes_to", chat.models.apply(lambda models: [m["model_arn"] for m in models]))
