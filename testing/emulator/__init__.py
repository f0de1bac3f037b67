"""Local emulator of the Amazon Bedrock control plane, built on moto.

Run it with ``python -m pulumi_bedrock_inference.testing.emulator --port 0`` or in-process::

    from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

    with BedrockEmulator(durations=0) as emulator:
        bedrock = emulator.client()
        bedrock.list_inference_profiles()

It also serves ``bedrock-runtime`` (``emulator.runtime_client()``): InvokeModel, Converse and
their streaming forms, routed across a profile's regions (``route_to``) and authorized against
an IAM identity policy (``set_identity_policy``); see :mod:`.runtime`.

In pytest use the ``bedrock_emulator`` fixture (see :mod:`pulumi_bedrock_inference.testing.pytest_plugin`).
"""

from .catalogue import (
    FOUNDATION_MODELS,
    INFERENCE_PROFILE_ARN_CONDITION_KEY,
    INFERENCE_PROFILE_GEOGRAPHIES,
    INVOKE_ACTIONS,
    SYSTEM_INFERENCE_PROFILES,
    FoundationModel,
    InferenceProfileGeography,
    SystemInferenceProfile,
)
from .clock import Durations
from .control import BedrockEmulator, EmulatorControlError
from .models import IDEMPOTENCY_MISMATCH_MESSAGE, MAX_TAGS_PER_RESOURCE

__all__ = [
    "BedrockEmulator",
    "Durations",
    "EmulatorControlError",
    "FOUNDATION_MODELS",
    "FoundationModel",
    "IDEMPOTENCY_MISMATCH_MESSAGE",
    "INFERENCE_PROFILE_ARN_CONDITION_KEY",
    "INFERENCE_PROFILE_GEOGRAPHIES",
    "INVOKE_ACTIONS",
    "InferenceProfileGeography",
    "MAX_TAGS_PER_RESOURCE",
    "SYSTEM_INFERENCE_PROFILES",
    "SystemInferenceProfile",
]
