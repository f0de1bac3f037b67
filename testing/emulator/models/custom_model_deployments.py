"""Custom model deployments (on-demand inference for custom models): ``Creating`` → ``Active`` |
``Failed``; UpdateCustomModelDeployment swaps the model through ``Updating``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.utilities.paginator import paginate

from ..exceptions import ConflictException, ValidationException
from .base import PendingTransition, list_pagination, resource_id
from .custom_models import CustomModels
from .managed import ManagedResources

PAGINATION_MODEL = {"list_custom_model_deployments": list_pagination("arn")}


@dataclass
class CustomModelDeployment:
    """A custom model deployment: ``Creating`` → ``Active`` | ``Failed``; updates swap the model."""

    arn: str
    name: str
    model_arn: str
    description: str | None
    created_at: datetime
    last_updated_at: datetime
    status: str = "Creating"
    failure_message: str | None = None
    update_status: str | None = None
    update_model_arn: str | None = None
    creation: PendingTransition | None = None
    update: PendingTransition | None = None

    def refresh(self, now: datetime) -> None:
        if self.creation is not None and now >= self.creation.due:
            self.status = "Failed" if self.creation.failure_message else "Active"
            self.failure_message = self.creation.failure_message
            self.last_updated_at = self.creation.due
            self.creation = None
        if self.update is not None and now >= self.update.due:
            if self.update.failure_message:
                self.update_status = "UpdateFailed"
                self.failure_message = self.update.failure_message
            else:
                self.update_status = "UpdateCompleted"
                self.model_arn = self.update.target_model_arn or self.model_arn
            self.last_updated_at = self.update.due
            self.update = None

    def to_dict(self) -> dict[str, Any]:
        details = None
        if self.update_status is not None:
            details = {"modelArn": self.update_model_arn, "updateStatus": self.update_status}
        return {
            "customModelDeploymentArn": self.arn,
            "modelDeploymentName": self.name,
            "modelArn": self.model_arn,
            "createdAt": self.created_at,
            "status": self.status,
            "description": self.description,
            "updateDetails": details,
            "failureMessage": self.failure_message,
            "lastUpdatedAt": self.last_updated_at,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "customModelDeploymentArn": self.arn,
            "customModelDeploymentName": self.name,
            "modelArn": self.model_arn,
            "createdAt": self.created_at,
            "status": self.status,
            "lastUpdatedAt": self.last_updated_at,
            "failureMessage": self.failure_message,
        }


class CustomModelDeployments(CustomModels, ManagedResources):
    def __init__(self) -> None:
        self.custom_model_deployments: dict[str, CustomModelDeployment] = {}

    def _active_custom_model_arn(self, model_arn: str) -> str:
        model = self.find_custom_model(model_arn)
        if model is None or not model_arn.startswith("arn:"):
            raise ValidationException(f"The model {model_arn} is not a custom model in {self.region_name}.")
        self._check_custom_model_active(model, model_arn)
        return model.model_arn

    def create_custom_model_deployment(
        self,
        model_deployment_name: str,
        model_arn: str,
        description: str | None = None,
        tags: list[dict[str, str]] | None = None,
        client_request_token: str | None = None,
    ) -> CustomModelDeployment:
        request = {"name": model_deployment_name, "model": model_arn, "description": description, "tags": tags}
        replayed = self._replay("CreateCustomModelDeployment", client_request_token, request)
        if replayed is not None:
            return replayed
        model_arn = self._active_custom_model_arn(model_arn)
        if any(d.name == model_deployment_name for d in self.custom_model_deployments.values()):
            raise ConflictException(f"A custom model deployment named {model_deployment_name} already exists.")
        arn = self._arn(f"custom-model-deployment/{resource_id()}")
        self._check_tags(arn, tags)
        now = self._now()
        deployment = CustomModelDeployment(
            arn=arn,
            name=model_deployment_name,
            model_arn=model_arn,
            description=description,
            created_at=now,
            last_updated_at=now,
            creation=self._transition(
                now, self.runtime.durations.custom_model_deployment_create, "CreateCustomModelDeployment"
            ),
        )
        self._add(self.custom_model_deployments, deployment, tags, "CreateCustomModelDeployment", client_request_token, request)
        deployment.refresh(now)
        return deployment

    def get_custom_model_deployment(self, identifier: str) -> CustomModelDeployment:
        """The deployment an ARN or name names, its status brought up to the emulator's clock;
        ResourceNotFoundException if there is none."""
        missing = f"The custom model deployment {identifier} was not found."
        return self._current(self.custom_model_deployments, identifier, missing)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_custom_model_deployments(
        self,
        created_before: datetime | None = None,
        created_after: datetime | None = None,
        name_contains: str | None = None,
        status_equals: str | None = None,
        model_arn_equals: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> list[CustomModelDeployment]:
        return self._filtered(
            self.custom_model_deployments, lambda d: d.created_at,
            created_after, created_before, name_contains, status_equals, model_arn_equals, sort_order,
        )

    def update_custom_model_deployment(self, identifier: str, model_arn: str) -> CustomModelDeployment:
        deployment = self.get_custom_model_deployment(identifier)
        if deployment.status != "Active" or deployment.update is not None:
            state = "an update in progress" if deployment.update is not None else f"status {deployment.status}"
            raise ValidationException(
                f"The custom model deployment {deployment.name} has {state}; only an Active deployment "
                "without a pending update can be updated."
            )
        model_arn = self._active_custom_model_arn(model_arn)
        now = self._now()
        deployment.update_status = "Updating"
        deployment.update_model_arn = model_arn
        deployment.failure_message = None
        deployment.last_updated_at = now
        deployment.update = self._transition(
            now, self.runtime.durations.custom_model_deployment_update, "UpdateCustomModelDeployment", model_arn
        )
        deployment.refresh(now)
        return deployment

    def delete_custom_model_deployment(self, identifier: str) -> None:
        self._delete(self.custom_model_deployments, self.get_custom_model_deployment(identifier))
