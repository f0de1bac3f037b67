"""Provisioned model throughput: ``Creating`` → ``InService`` | ``Failed``; a model change goes
through ``Updating``; a commitment blocks deletion until it expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from moto.utilities.paginator import paginate

from pulumi_bedrock_inference.identifiers import COMMITMENT_MONTHS

from ..clock import add_months
from ..exceptions import ConflictException, ResourceNotFoundException, ValidationException
from .base import PendingTransition, list_pagination, resource_id
from .custom_models import CustomModels
from .managed import ManagedResources

PAGINATION_MODEL = {"list_provisioned_model_throughputs": list_pagination("arn")}


@dataclass
class ProvisionedModelThroughput:
    """Provisioned throughput: ``Creating`` → ``InService`` | ``Failed``; a model change goes through ``Updating``."""

    arn: str
    name: str
    model_arn: str
    desired_model_arn: str
    foundation_model_arn: str
    model_units: int
    creation_time: datetime
    last_modified_time: datetime
    commitment_duration: str | None = None
    commitment_expiration_time: datetime | None = None
    status: str = "Creating"
    failure_message: str | None = None
    transition: PendingTransition | None = None

    def refresh(self, now: datetime) -> None:
        if self.transition is None or now < self.transition.due:
            return
        if self.transition.failure_message:
            self.status = "Failed"
            self.failure_message = self.transition.failure_message
        else:
            self.status = "InService"
            self.model_arn = self.desired_model_arn
        self.last_modified_time = self.transition.due
        self.transition = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "modelUnits": self.model_units,
            "desiredModelUnits": self.model_units,
            "provisionedModelName": self.name,
            "provisionedModelArn": self.arn,
            "modelArn": self.model_arn,
            "desiredModelArn": self.desired_model_arn,
            "foundationModelArn": self.foundation_model_arn,
            "status": self.status,
            "creationTime": self.creation_time,
            "lastModifiedTime": self.last_modified_time,
            "failureMessage": self.failure_message,
            "commitmentDuration": self.commitment_duration,
            "commitmentExpirationTime": self.commitment_expiration_time,
        }

    summary = to_dict


class ProvisionedThroughputs(CustomModels, ManagedResources):
    def __init__(self) -> None:
        self.provisioned_model_throughputs: dict[str, ProvisionedModelThroughput] = {}

    def _resolve_provisionable_model(self, model_id: str) -> tuple[str, str]:
        """(model ARN, foundation model ARN) for a foundation or custom model ID/name/ARN."""
        foundation = self.find_foundation_model(model_id)
        if foundation is not None:
            if "PROVISIONED" not in foundation.inference_types_supported:
                raise ValidationException(f"The model {model_id} does not support Provisioned Throughput.")
            arn = foundation.arn(self.region_name)
            return arn, arn
        custom = self.find_custom_model(model_id)
        if custom is None:
            raise ResourceNotFoundException(f"The model {model_id} was not found.")
        self._check_custom_model_active(custom, model_id)
        return custom.model_arn, custom.base_model_arn

    def create_provisioned_model_throughput(
        self,
        model_units: int,
        provisioned_model_name: str,
        model_id: str,
        commitment_duration: str | None = None,
        tags: list[dict[str, str]] | None = None,
        client_request_token: str | None = None,
    ) -> ProvisionedModelThroughput:
        request = {
            "units": model_units,
            "name": provisioned_model_name,
            "model": model_id,
            "commitment": commitment_duration,
            "tags": tags,
        }
        replayed = self._replay("CreateProvisionedModelThroughput", client_request_token, request)
        if replayed is not None:
            return replayed
        model_arn, foundation_arn = self._resolve_provisionable_model(model_id)
        if any(p.name == provisioned_model_name for p in self.provisioned_model_throughputs.values()):
            raise ConflictException(f"A provisioned model named {provisioned_model_name} already exists.")
        arn = self._arn(f"provisioned-model/{resource_id()}")
        self._check_tags(arn, tags)
        now = self._now()
        throughput = ProvisionedModelThroughput(
            arn=arn,
            name=provisioned_model_name,
            model_arn=model_arn,
            desired_model_arn=model_arn,
            foundation_model_arn=foundation_arn,
            model_units=model_units,
            creation_time=now,
            last_modified_time=now,
            commitment_duration=commitment_duration,
            commitment_expiration_time=(
                add_months(now, COMMITMENT_MONTHS[commitment_duration]) if commitment_duration else None
            ),
            transition=self._transition(
                now, self.runtime.durations.provisioned_throughput_create, "CreateProvisionedModelThroughput"
            ),
        )
        self._add(self.provisioned_model_throughputs, throughput, tags, "CreateProvisionedModelThroughput", client_request_token, request)
        throughput.refresh(now)
        return throughput

    def get_provisioned_model_throughput(self, identifier: str) -> ProvisionedModelThroughput:
        """The throughput an ARN or name names, its status brought up to the emulator's clock;
        ResourceNotFoundException if there is none."""
        missing = f"The provisioned model {identifier} was not found."
        return self._current(self.provisioned_model_throughputs, identifier, missing)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_provisioned_model_throughputs(
        self,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        status_equals: str | None = None,
        model_arn_equals: str | None = None,
        name_contains: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> list[ProvisionedModelThroughput]:
        return self._filtered(
            self.provisioned_model_throughputs, lambda p: p.creation_time,
            creation_time_after, creation_time_before, name_contains, status_equals, model_arn_equals, sort_order,
        )

    def update_provisioned_model_throughput(
        self, identifier: str, desired_provisioned_model_name: str | None = None, desired_model_id: str | None = None
    ) -> None:
        throughput = self.get_provisioned_model_throughput(identifier)
        if throughput.status != "InService":
            raise ValidationException(
                f"The provisioned model {throughput.name} is in status {throughput.status}; "
                "only an InService provisioned model can be updated."
            )
        new_model_arn = None
        if desired_model_id is not None:
            if throughput.model_arn == throughput.foundation_model_arn:
                raise ValidationException(
                    "desiredModelId can't be specified for a Provisioned Throughput associated with a base model."
                )
            new_model_arn, new_foundation_arn = self._resolve_provisionable_model(desired_model_id)
            if new_foundation_arn != throughput.foundation_model_arn:
                raise ValidationException(
                    f"The model {desired_model_id} is not customized from {throughput.foundation_model_arn}, "
                    "the base model of this Provisioned Throughput."
                )
        if desired_provisioned_model_name is not None and desired_provisioned_model_name != throughput.name:
            if any(p.name == desired_provisioned_model_name for p in self.provisioned_model_throughputs.values()):
                raise ConflictException(f"A provisioned model named {desired_provisioned_model_name} already exists.")
            throughput.name = desired_provisioned_model_name
        now = self._now()
        throughput.last_modified_time = now
        if new_model_arn is not None and new_model_arn != throughput.model_arn:
            throughput.status = "Updating"
            throughput.failure_message = None
            throughput.desired_model_arn = new_model_arn
            throughput.transition = self._transition(
                now, self.runtime.durations.provisioned_throughput_update, "UpdateProvisionedModelThroughput"
            )
            throughput.refresh(now)

    def delete_provisioned_model_throughput(self, identifier: str) -> None:
        throughput = self.get_provisioned_model_throughput(identifier)
        expires = throughput.commitment_expiration_time
        if expires is not None and self._now() < expires:
            raise ValidationException(commitment_refusal_message(throughput.name, expires))
        self._delete(self.provisioned_model_throughputs, throughput)


def commitment_refusal_message(name: str, expires: datetime) -> str:
    """The ValidationException message for deleting a Provisioned Throughput before its commitment ends."""
    return (
        f"The Provisioned Throughput {name} has a commitment term that expires at "
        f"{_iso_milliseconds(expires)}; it cannot be deleted before the commitment expiration time."
    )


def _iso_milliseconds(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
