"""Backend state of the emulated Bedrock control plane, following moto's models/responses/urls
split, one module per resource family as in moto's larger backends:

- :mod:`.settings`: the process-wide :data:`emulator_runtime` (clock, durations, forced failures,
  token semantics, tag keys billing has seen);
- :mod:`.base`, :mod:`.idempotency`, :mod:`.tagging`, :mod:`.managed`: what the families share
  (ARNs, transitions and listing; client tokens; tags; what a create or delete keeps or drops);
- :mod:`.foundation_models`, :mod:`.custom_models`, :mod:`.inference_profiles`,
  :mod:`.custom_model_deployments`, :mod:`.provisioned_throughput`: one family each;
- :mod:`.backend`: :class:`BedrockEmulatorBackend`, moto's Bedrock backend composed with them.
"""

from .backend import BedrockEmulatorBackend, bedrock_emulator_backends
from .base import PendingTransition, resource_id
from .custom_model_deployments import CustomModelDeployment
from .idempotency import IDEMPOTENCY_MISMATCH_MESSAGE, TOKEN_WINDOW, ClientRequest
from .inference_profiles import ApplicationInferenceProfile, SystemInferenceProfileView
from .provisioned_throughput import ProvisionedModelThroughput, commitment_refusal_message
from .settings import (
    DEFAULT_FAILURE_MESSAGE,
    FAILABLE_OPERATIONS,
    TOKEN_SEMANTICS,
    EmulatorRuntime,
    TagKeyObservations,
    emulator_runtime,
)
from .tagging import MAX_TAGS_PER_RESOURCE, RESERVED_TAG_KEY_PREFIX

__all__ = [
    "ApplicationInferenceProfile",
    "BedrockEmulatorBackend",
    "ClientRequest",
    "CustomModelDeployment",
    "DEFAULT_FAILURE_MESSAGE",
    "EmulatorRuntime",
    "FAILABLE_OPERATIONS",
    "IDEMPOTENCY_MISMATCH_MESSAGE",
    "MAX_TAGS_PER_RESOURCE",
    "PendingTransition",
    "ProvisionedModelThroughput",
    "RESERVED_TAG_KEY_PREFIX",
    "SystemInferenceProfileView",
    "TOKEN_SEMANTICS",
    "TOKEN_WINDOW",
    "TagKeyObservations",
    "bedrock_emulator_backends",
    "commitment_refusal_message",
    "emulator_runtime",
    "resource_id",
]
