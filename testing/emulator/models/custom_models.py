"""Custom models and model customization jobs: moto's, given the service's ARN formats, datetimes
and statuses, plus :meth:`CustomModels.seed_custom_model` to register one without a job."""

from __future__ import annotations

from typing import Any

from moto.bedrock.models import CustomModel, ModelCustomizationJob
from moto.utilities.paginator import paginate

from ..exceptions import ConflictException, ResourceNotFoundException, ValidationException
from .base import list_pagination, resource_id, sorted_by_creation
from .foundation_models import FoundationModels

PAGINATION_MODEL = {"list_emulated_custom_models": list_pagination("model_arn")}


class CustomModels(FoundationModels):
    """Works on moto's ``custom_models`` and ``model_customization_jobs``."""

    custom_models: dict[str, CustomModel]
    model_customization_jobs: dict[str, ModelCustomizationJob]

    def seed_custom_model(
        self, model_name: str, base_model_id: str, status: str = "Active", customization_type: str = "FINE_TUNING"
    ) -> CustomModel:
        """Register a custom model as if a customization job had produced it."""
        base = self.find_foundation_model(base_model_id)
        if base is None:
            raise ValidationException(f"The base model {base_model_id} is not a foundation model.")
        if model_name in self.custom_models:
            raise ConflictException(f"A custom model named {model_name} already exists.")
        model = CustomModel(
            model_name=model_name,
            job_name="",
            job_arn="",
            base_model_arn=base.arn(self.region_name),
            hyper_parameters={},
            output_data_config={},
            training_data_config={},
            training_metrics={},
            base_model_name=base.model_name,
            region_name=self.region_name,
            account_id=self.account_id,
            customization_type=customization_type,
            model_kms_key_arn=None,
            validation_data_config=None,
            validation_metrics=None,
        )
        self._make_realistic(model, base.model_id, status)
        self.custom_models[model_name] = model
        return model

    def _make_realistic(self, model: CustomModel, base_model_id: str, status: str) -> None:
        """Give a moto custom model the service's ARN format, a datetime creationTime and a status."""
        model.model_arn = self._arn(f"custom-model/{base_model_id}/{resource_id()}")
        model.creation_time = self._now()
        model.model_status = status
        # botocore's ModelName pattern for baseModelName: the model ID without its version suffix
        model.base_model_name = base_model_id.split(":")[0]

    def create_model_customization_job(self, **kwargs: Any) -> str:  # type: ignore[override]
        base = self.find_foundation_model(kwargs["base_model_identifier"])
        if base is None:
            raise ValidationException(f"The base model {kwargs['base_model_identifier']} is not a foundation model.")
        kwargs["base_model_identifier"] = base.model_id
        moto_job_arn = super().create_model_customization_job(**kwargs)
        job: ModelCustomizationJob = self.model_customization_jobs[kwargs["job_name"]]
        job.job_arn = self._arn(f"model-customization-job/{base.model_id}/{resource_id()}")
        self._move_tags(moto_job_arn, job.job_arn)
        model = self.custom_models[kwargs["custom_model_name"]]
        moto_model_arn = model.model_arn
        self._make_realistic(model, base.model_id, "Active")
        model.job_arn = job.job_arn
        self._move_tags(moto_model_arn, model.model_arn)
        job.output_model_arn = model.model_arn
        job.output_model_name = model.model_name
        job.status = "Completed"
        job.failure_message = None
        if not kwargs.get("custom_model_kms_key_id"):
            job.output_model_kms_key_arn = None
            model.model_kms_key_arn = None
        job.creation_time = job.last_modified_time = job.end_time = model.creation_time
        return job.job_arn

    def _move_tags(self, old_arn: str, new_arn: str) -> None:
        moved = self.tagger.list_tags_for_resource(old_arn)["Tags"]
        self.tagger.delete_all_tags_for_resource(old_arn)
        if moved:
            self.tagger.tag_resource(new_arn, moved)

    def get_model_customization_job(self, job_identifier: str) -> ModelCustomizationJob:
        for job in self.model_customization_jobs.values():
            if job_identifier in (job.job_arn, job.job_name):
                return job
        raise ResourceNotFoundException(f"The model customization job {job_identifier} was not found.")

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_emulated_custom_models(
        self,
        name_contains: str | None = None,
        base_model_arn_equals: str | None = None,
        model_status: str | None = None,
        sort_order: str | None = None,
    ) -> list[CustomModel]:
        found = [
            m
            for m in self.custom_models.values()
            if (name_contains is None or name_contains in m.model_name)
            and (base_model_arn_equals is None or m.base_model_arn == base_model_arn_equals)
            and (model_status is None or custom_model_status(m) == model_status)
        ]
        return sorted_by_creation(found, lambda m: m.creation_time, sort_order)

    def get_custom_model(self, model_identifier: str) -> CustomModel:
        for model in self.custom_models.values():
            if model_identifier in (model.model_arn, model.model_name):
                return model
        raise ResourceNotFoundException(f"The custom model {model_identifier} was not found.")

    def delete_custom_model(self, model_identifier: str) -> None:
        model = self.get_custom_model(model_identifier)
        del self.custom_models[model.model_name]
        self.tagger.delete_all_tags_for_resource(model.model_arn)

    def find_custom_model(self, identifier: str) -> CustomModel | None:
        """The custom model an ARN or name names; None if there is none."""
        try:
            return self.get_custom_model(identifier)
        except ResourceNotFoundException:
            return None

    def _check_custom_model_active(self, model: CustomModel, identifier: str) -> None:
        """ValidationException unless the custom model ``identifier`` names is Active, as a
        deployment or a provisioned throughput of it needs."""
        status = custom_model_status(model)
        if status != "Active":
            raise ValidationException(f"The custom model {identifier} is in status {status}; it must be Active.")


def custom_model_status(model: CustomModel) -> str:
    """The ``modelStatus`` of a custom model: the one :meth:`CustomModels._make_realistic` gave it,
    else Active."""
    return getattr(model, "model_status", "Active")
