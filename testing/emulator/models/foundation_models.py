"""The foundation-model catalogue (:mod:`..catalogue`) as one region sees it: ListFoundationModels,
GetFoundationModel."""

from __future__ import annotations

from typing import Any

from pulumi_bedrock_inference.identifiers import parse_arn, partition_of

from ..catalogue import FOUNDATION_MODELS, FoundationModel
from ..exceptions import ResourceNotFoundException
from .base import RegionalBackend


class FoundationModels(RegionalBackend):
    def list_foundation_models(
        self,
        by_provider: str | None = None,
        by_customization_type: str | None = None,
        by_output_modality: str | None = None,
        by_inference_type: str | None = None,
    ) -> list[dict[str, Any]]:
        models = [
            m
            for m in FOUNDATION_MODELS.values()
            if (by_provider is None or m.provider_name.lower() == by_provider.lower())
            and (by_customization_type is None or by_customization_type in m.customizations_supported)
            and (by_output_modality is None or by_output_modality in m.output_modalities)
            and (by_inference_type is None or by_inference_type in m.inference_types_supported)
        ]
        return [m.details(self.region_name) for m in models]

    def find_foundation_model(self, identifier: str) -> FoundationModel | None:
        """The foundation model a model ID, or a foundation-model ARN of this region, names; None otherwise."""
        model_id = identifier
        if identifier.startswith(f"arn:{partition_of(self.region_name)}:bedrock:"):
            arn = parse_arn(identifier)
            if arn is None or arn.resource_type != "foundation-model" or arn.account or arn.region != self.region_name:
                return None
            model_id = arn.resource_id
        return FOUNDATION_MODELS.get(model_id)

    def get_foundation_model(self, model_identifier: str) -> dict[str, Any]:
        model = self.find_foundation_model(model_identifier)
        if model is None:
            raise ResourceNotFoundException(f"The model {model_identifier} was not found.")
        return model.details(self.region_name)
