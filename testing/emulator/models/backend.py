"""The emulated Bedrock control plane of one region and account: moto's Bedrock backend (model
customization jobs, custom models, tagging, logging configuration) composed with one mixin per
resource family this library manages, as moto's larger backends (EC2's) are."""

from __future__ import annotations

from moto.bedrock.models import BedrockBackend
from moto.core.base_backend import BackendDict

from . import custom_model_deployments, custom_models, inference_profiles, provisioned_throughput
from .custom_model_deployments import CustomModelDeployments
from .idempotency import ClientTokens
from .inference_profiles import InferenceProfiles
from .provisioned_throughput import ProvisionedThroughputs


class BedrockEmulatorBackend(InferenceProfiles, CustomModelDeployments, ProvisionedThroughputs, BedrockBackend):
    """moto's Bedrock backend plus the inference-infrastructure resources this library manages.

    Asynchronous life cycles are computed lazily from :data:`.settings.emulator_runtime`'s clock
    each time a resource is read, so advancing the clock is enough to move resources along.
    """

    PAGINATION_MODEL = {
        **BedrockBackend.PAGINATION_MODEL,
        **inference_profiles.PAGINATION_MODEL,
        **custom_model_deployments.PAGINATION_MODEL,
        **provisioned_throughput.PAGINATION_MODEL,
        **custom_models.PAGINATION_MODEL,
    }

    def __init__(self, region_name: str, account_id: str) -> None:
        BedrockBackend.__init__(self, region_name, account_id)
        ClientTokens.__init__(self)
        InferenceProfiles.__init__(self)
        CustomModelDeployments.__init__(self)
        ProvisionedThroughputs.__init__(self)

    def _list_arns(self) -> list[str]:
        return (
            BedrockBackend._list_arns(self)
            + list(self.inference_profiles)
            + list(self.custom_model_deployments)
            + list(self.provisioned_model_throughputs)
        )


bedrock_emulator_backends = BackendDict(BedrockEmulatorBackend, "bedrock")
