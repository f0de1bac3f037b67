"""Component resources bundling Bedrock inference resources with tags and IAM access."""

from .iam import invoke_policy_document

__all__ = [
    "invoke_policy_document",
]
