"""Pulumi dynamic resources for Amazon Bedrock (and the cost allocation tags that split its cost), one module per cloud resource.

The module paths, provider class names and type tokens below are stored in users' state files:
they are a public API and do not move.
"""

from .cost_allocation_tags import CostAllocationTags, CostAllocationTagsArgs, CostAllocationTagsProvider
from .custom_model_deployment import (
    CustomModelDeployment,
    CustomModelDeploymentArgs,
    CustomModelDeploymentProvider,
    CustomModelDeploymentTimeoutsArgs,
)
from .inference_profile import (
    ApplicationInferenceProfile,
    ApplicationInferenceProfileArgs,
    ApplicationInferenceProfileProvider,
    ModelSourceArgs,
)
from .provisioned_throughput import (
    ProvisionedModelThroughput,
    ProvisionedModelThroughputArgs,
    ProvisionedModelThroughputProvider,
)

__all__ = [
    "ApplicationInferenceProfile",
    "ApplicationInferenceProfileArgs",
    "ApplicationInferenceProfileProvider",
    "CostAllocationTags",
    "CostAllocationTagsArgs",
    "CostAllocationTagsProvider",
    "CustomModelDeployment",
    "CustomModelDeploymentArgs",
    "CustomModelDeploymentProvider",
    "CustomModelDeploymentTimeoutsArgs",
    "ModelSourceArgs",
    "ProvisionedModelThroughput",
    "ProvisionedModelThroughputArgs",
    "ProvisionedModelThroughputProvider",
]
