"""Component resources bundling Bedrock inference resources with tags and IAM access.

Type tokens (public API, they are in URNs): ``bedrock-inference:index:InferenceEndpoint`` and
``bedrock-inference:index:InferenceProfileSet``.
"""

from .iam import invoke_policy_document
from .inference_endpoint import InferenceEndpoint, InferenceEndpointArgs, ProvisionedThroughputArgs
from .inference_profile_set import InferenceProfileSet, InferenceProfileSetArgs, TenantArgs
from .validation import InvalidArgumentError

__all__ = [
    "InferenceEndpoint",
    "InferenceEndpointArgs",
    "InferenceProfileSet",
    "InferenceProfileSetArgs",
    "InvalidArgumentError",
    "ProvisionedThroughputArgs",
    "TenantArgs",
    "invoke_policy_document",
]
