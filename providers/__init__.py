"""Pulumi dynamic resources for Amazon Bedrock, one module per cloud resource.

The module paths, provider class names and type tokens below are stored in users' state files:
they are a public API and do not move.
"""

from .inference_profile import (
    ApplicationInferenceProfile,
    ApplicationInferenceProfileArgs,
    ApplicationInferenceProfileProvider,
    ModelSourceArgs,
)

__all__ = [
    "ApplicationInferenceProfile",
    "ApplicationInferenceProfileArgs",
    "ApplicationInferenceProfileProvider",
    "ModelSourceArgs",
]
