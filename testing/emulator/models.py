"""Backend state of the emulated Bedrock control plane, following moto's models/responses/urls split.

:class:`BedrockEmulatorBackend` extends moto's own Bedrock backend (model customization jobs,
custom models, tagging, logging configuration) with application inference profiles,
custom model deployments, provisioned throughput and the foundation-model catalogue.
Asynchronous life cycles are computed lazily from :data:`emulator_runtime`'s clock each time
a resource is read, so advancing the clock is enough to move resources along.
"""

from __future__ import annotations

import json
import string
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, TypeVar

from moto.bedrock.models import BedrockBackend, CustomModel, ModelCustomizationJob
from moto.core.base_backend import BackendDict
from moto.moto_api._internal import mock_random
from moto.utilities.paginator import paginate

from pulumi_bedrock_inference.identifiers import COMMITMENT_MONTHS, bedrock_arn, parse_arn, partition_of

from .catalogue import (
    FOUNDATION_MODELS,
    SYSTEM_PROFILE_CREATED_AT,
    FoundationModel,
    SystemInferenceProfile,
    system_inference_profiles_in,
)
from .clock import Durations, EmulatorClock, add_months
from .exceptions import (
    ConflictException,
    ResourceNotFoundException,
    TooManyTagsException,
    ValidationException,
)

# Service rules the backend enforces beyond botocore's shapes, each with its source.
#: Bedrock's per-resource tag limit, although the API's tag list allows 200 (TagResource API reference).
MAX_TAGS_PER_RESOURCE = 50
#: Tag keys may not start with ``aws:`` in any letter case. The Bedrock User Guide ("Tagging Amazon
#: Bedrock resources") defers to "Tagging your AWS resources" for tag restrictions; AWS's tag
#: references word the rule "Don't use aws:, AWS:, or any upper or lowercase combination of such
#: as a prefix for either keys or values, as it is reserved for AWS use" (AWS Batch User Guide,
#: "Tag restrictions"; ECS API reference, Tag). Bedrock's control-plane TagKey shape does not encode
#: it (pattern ``[a-zA-Z0-9\s._:/=+@-]*``), so it is a server-side check. Bedrock documents no
#: dedicated error for it; TagResource and the Create operations report invalid input as
#: ValidationException. Values are not checked: services differ there and Bedrock says nothing.
RESERVED_TAG_KEY_PREFIX = "aws:"
#: Operations whose outcome :meth:`EmulatorRuntime.fail_next` can force to fail.
FAILABLE_OPERATIONS = (
    "CreateCustomModelDeployment",
    "UpdateCustomModelDeployment",
    "CreateProvisionedModelThroughput",
    "UpdateProvisionedModelThroughput",
)
DEFAULT_FAILURE_MESSAGE = "Internal failure injected by the Bedrock emulator."
IDEMPOTENCY_MISMATCH_MESSAGE = "The request's clientRequestToken was already used with different parameters."
TOKEN_SEMANTICS = ("ec2", "ignore")
"""The two readings of clientRequestToken the emulator can follow (see :attr:`EmulatorRuntime.token_semantics`)."""
TOKEN_WINDOW = timedelta(hours=24)
"""Under ``"ec2"``, how long after its resource is deleted a token still replays the original response."""


class TagKeyObservations:
    """Which tag keys AWS billing has seen, per account, on the emulator's clock.

    AWS: "After you create and apply user-defined tags to your resources, it can take up to 24 hours
    for the tag keys to appear on your cost allocation tags page for activation"
    (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html). Here a key
    is seen once a resource has carried it for ``Durations.cost_allocation_tag_seen`` (a resource
    removed or untagged earlier does not count), or once :meth:`mark_seen` says so. Billing keeps
    listing a key it has seen.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._applied: dict[tuple[str, str, str], datetime] = {}
        self._seen: dict[tuple[str, str], datetime] = {}

    def applied(self, account: str, arn: str, keys: Iterable[str], now: datetime) -> None:
        with self._lock:
            for key in keys:
                self._applied.setdefault((account, arn, key), now)

    def removed(self, account: str, arn: str, keys: Iterable[str], now: datetime, delay: timedelta) -> None:
        with self._lock:
            for key in keys:
                since = self._applied.pop((account, arn, key), None)
                if since is not None and now - since >= delay:
                    self._seen.setdefault((account, key), since + delay)

    def mark_seen(self, account: str, keys: Iterable[str], now: datetime) -> None:
        with self._lock:
            for key in keys:
                self._seen.setdefault((account, key), now)

    def seen(self, account: str, now: datetime, delay: timedelta) -> dict[str, datetime]:
        """Tag key → when billing saw it, for ``account``."""
        with self._lock:
            seen = {key: at for (owner, key), at in self._seen.items() if owner == account}
            for (owner, _arn, key), since in self._applied.items():
                if owner == account and now - since >= delay:
                    seen[key] = min(seen.get(key, since + delay), since + delay)
            return seen

    def reset(self) -> None:
        with self._lock:
            self._applied.clear()
            self._seen.clear()


class EmulatorRuntime:
    """Process-wide emulator settings the backends read: the clock, transition durations and
    forced failures of the next asynchronous create/update.

    Like moto's backends, there is one emulated Bedrock per process.
    """

    def __init__(self) -> None:
        self.clock = EmulatorClock()
        self.durations = Durations()
        self._forced_failures: dict[str, deque[str]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.tag_keys = TagKeyObservations()
        """Which tag keys billing has seen (Cost Explorer's cost allocation tags, :mod:`.cost_explorer`)."""
        self.token_semantics = "ec2"
        """How a repeated clientRequestToken (same parameters) is answered; :meth:`reset` keeps it.

        ``"ec2"`` (default), EC2's "Ensuring idempotency" that Bedrock's API reference links to: the
        original response, the ARN of the resource it created, even after that resource was
        deleted, until :data:`TOKEN_WINDOW` of emulator clock after the deletion.
        ``"ignore"``, Bedrock's own wording ("ignores the request, but does not return an error"):
        the resource the token created while it exists; once it is deleted the token is forgotten
        and the request creates a new resource.
        Under both, a repeated token with different parameters is a ValidationException."""

    def fail_next(self, operation: str, failure_message: str = DEFAULT_FAILURE_MESSAGE) -> None:
        """Make the resource created/updated by the next call of ``operation`` end failed."""
        if operation not in FAILABLE_OPERATIONS:
            raise ValueError(f"fail_next supports {', '.join(FAILABLE_OPERATIONS)}, not {operation!r}")
        with self._lock:
            self._forced_failures[operation].append(failure_message)

    def take_forced_failure(self, operation: str) -> str | None:
        with self._lock:
            queue = self._forced_failures.get(operation)
            return queue.popleft() if queue else None

    def pending_failures(self) -> dict[str, list[str]]:
        with self._lock:
            return {op: list(q) for op, q in self._forced_failures.items() if q}

    def set_token_semantics(self, semantics: str) -> None:
        if semantics not in TOKEN_SEMANTICS:
            raise ValueError(f"token semantics must be one of {', '.join(TOKEN_SEMANTICS)}, not {semantics!r}")
        self.token_semantics = semantics

    def reset(self, durations: Durations | None = None) -> None:
        """Clock back to wall time, durations to ``durations`` (default: 3 s each), no forced failures
        (the token semantics stay as set)."""
        self.clock.reset()
        self.durations = durations if durations is not None else Durations()
        self.tag_keys.reset()
        with self._lock:
            self._forced_failures.clear()


emulator_runtime = EmulatorRuntime()


def resource_id() -> str:
    """A 12-character lowercase alphanumeric resource ID, as in Bedrock's ARNs."""
    return "".join(mock_random.choice(string.ascii_lowercase + string.digits) for _ in range(12))


def _timestamps_iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class ApplicationInferenceProfile:
    """An ``APPLICATION`` inference profile created with CreateInferenceProfile."""

    inference_profile_id: str
    arn: str
    name: str
    description: str | None
    model_arns: list[str]
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "inferenceProfileName": self.name,
            "description": self.description,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "inferenceProfileArn": self.arn,
            "models": [{"modelArn": arn} for arn in self.model_arns],
            "inferenceProfileId": self.inference_profile_id,
            "status": "ACTIVE",
            "type": "APPLICATION",
        }


@dataclass
class SystemInferenceProfileView:
    """A system-defined profile as seen from one region and account."""

    profile: SystemInferenceProfile
    arn: str

    @property
    def model_arns(self) -> list[str]:
        """The profile's ``models`` as seen from its region (a global profile's depend on it)."""
        return self.profile.model_arns(parse_arn(self.arn).region)  # type: ignore[union-attr]

    def to_dict(self) -> dict[str, Any]:
        return {
            "inferenceProfileName": self.profile.inference_profile_name,
            "description": self.profile.description,
            "createdAt": SYSTEM_PROFILE_CREATED_AT,
            "updatedAt": SYSTEM_PROFILE_CREATED_AT,
            "inferenceProfileArn": self.arn,
            "models": [{"modelArn": arn} for arn in self.model_arns],
            "inferenceProfileId": self.profile.inference_profile_id,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }


@dataclass
class PendingTransition:
    """An asynchronous change that completes at ``due`` (failing with ``failure_message`` if set)."""

    due: datetime
    failure_message: str | None = None
    target_model_arn: str | None = None


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


@dataclass
class ClientRequest:
    """What a clientRequestToken was first used for: the request and the resource it created."""

    fingerprint: str
    resource: Any
    deleted_at: datetime | None = None


Resource = TypeVar("Resource")


def _sorted_by_creation(
    items: Iterable[Resource], key: Callable[[Resource], datetime], sort_order: str | None
) -> list[Resource]:
    return sorted(items, key=key, reverse=(sort_order or "Descending") == "Descending")


class BedrockEmulatorBackend(BedrockBackend):
    """moto's Bedrock backend plus the inference-infrastructure resources this library manages."""

    PAGINATION_MODEL = {
        **BedrockBackend.PAGINATION_MODEL,
        "list_inference_profiles": {
            "input_token": "next_token",
            "limit_key": "max_results",
            "limit_default": 1000,
            "unique_attribute": "arn",
        },
        "list_custom_model_deployments": {
            "input_token": "next_token",
            "limit_key": "max_results",
            "limit_default": 1000,
            "unique_attribute": "arn",
        },
        "list_provisioned_model_throughputs": {
            "input_token": "next_token",
            "limit_key": "max_results",
            "limit_default": 1000,
            "unique_attribute": "arn",
        },
        "list_emulated_custom_models": {
            "input_token": "next_token",
            "limit_key": "max_results",
            "limit_default": 1000,
            "unique_attribute": "model_arn",
        },
    }

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.inference_profiles: dict[str, ApplicationInferenceProfile] = {}
        self.custom_model_deployments: dict[str, CustomModelDeployment] = {}
        self.provisioned_model_throughputs: dict[str, ProvisionedModelThroughput] = {}
        self.client_requests: dict[tuple[str, str], ClientRequest] = {}
        self._requests_by_arn: dict[str, ClientRequest] = {}

    @property
    def runtime(self) -> EmulatorRuntime:
        return emulator_runtime

    def _now(self) -> datetime:
        return self.runtime.clock.now()

    def _arn(self, resource: str) -> str:
        resource_type, _, resource_id = resource.partition("/")
        return bedrock_arn(partition_of(self.region_name), self.region_name, self.account_id, resource_type, resource_id)

    # ----------------------------------------------------------------- idempotency, tags

    def _replay(self, operation: str, token: str | None, request: dict[str, Any]) -> Any:
        """What a repeated clientRequestToken answers under the runtime's token semantics: the
        resource the token created (possibly deleted, under ``"ec2"``), or None to create anew.

        Reusing a token with different parameters raises ValidationException
        (:data:`IDEMPOTENCY_MISMATCH_MESSAGE`) while the token is remembered.
        """
        if token is None:
            return None
        earlier = self.client_requests.get((operation, token))
        if earlier is None:
            return None
        deleted_at = earlier.deleted_at
        expired = deleted_at is not None and (
            self.runtime.token_semantics == "ignore" or self._now() >= deleted_at + TOKEN_WINDOW
        )
        if expired:
            del self.client_requests[(operation, token)]
            return None
        if earlier.fingerprint != self._fingerprint(request):
            raise ValidationException(IDEMPOTENCY_MISMATCH_MESSAGE)
        return earlier.resource

    def _remember(self, operation: str, token: str | None, request: dict[str, Any], resource: Any) -> None:
        if token is not None:
            remembered = ClientRequest(self._fingerprint(request), resource)
            self.client_requests[(operation, token)] = remembered
            self._requests_by_arn[resource.arn] = remembered

    def _forget_resource(self, arn: str) -> None:
        """Record that the resource ``arn`` was deleted, for the token that created it."""
        remembered = self._requests_by_arn.pop(arn, None)
        if remembered is not None:
            remembered.deleted_at = self._now()

    @staticmethod
    def _fingerprint(request: dict[str, Any]) -> str:
        return json.dumps(request, sort_keys=True, default=str)

    def _check_tags(self, arn: str, tags: list[dict[str, str]] | None) -> None:
        """The checks a create with ``tags`` gets: reserved keys, then the tag limit."""
        _check_reserved_tag_keys(tags)
        self._check_tag_count(arn, len(tags or []))

    @staticmethod
    def _check_tag_count(arn: str, count: int) -> None:
        if count > MAX_TAGS_PER_RESOURCE:
            raise TooManyTagsException(
                f"The number of tags ({count}) for resource {arn} exceeds the maximum of {MAX_TAGS_PER_RESOURCE}."
            )

    def _apply_tags(self, arn: str, tags: list[dict[str, str]] | None) -> None:
        if tags:
            self.tagger.tag_resource(arn, [{"Key": t["key"], "Value": t["value"]} for t in tags])
            self.runtime.tag_keys.applied(self.account_id, arn, [t["key"] for t in tags], self._now())

    def _remove_tags(self, arn: str, keys: Iterable[str] | None = None) -> None:
        """Untag ``keys`` of ``arn`` (all of them by default), telling billing's observations."""
        present = [t["Key"] for t in self.tagger.list_tags_for_resource(arn)["Tags"]]
        removed = present if keys is None else [k for k in keys if k in present]
        delay = timedelta(seconds=self.runtime.durations.cost_allocation_tag_seen)
        self.runtime.tag_keys.removed(self.account_id, arn, removed, self._now(), delay)
        if keys is None:
            self.tagger.delete_all_tags_for_resource(arn)
        else:
            self.tagger.untag_resource_using_names(arn, list(keys))

    def _list_arns(self) -> list[str]:
        return (
            super()._list_arns()
            + list(self.inference_profiles)
            + list(self.custom_model_deployments)
            + list(self.provisioned_model_throughputs)
        )

    def _check_taggable(self, resource_arn: str) -> None:
        if self._find_system_profile(resource_arn) is not None:
            raise ValidationException(
                f"The resource {resource_arn} is a system-defined inference profile and does not support tags."
            )
        if resource_arn not in self._list_arns():
            raise ResourceNotFoundException(f"The resource {resource_arn} was not found.")

    def tag_resource(self, resource_arn: str, tags: list[dict[str, str]]) -> None:
        self._check_taggable(resource_arn)
        _check_reserved_tag_keys(tags)
        existing = {t["key"] for t in self.list_tags_for_resource(resource_arn)}
        self._check_tag_count(resource_arn, len(existing | {t["key"] for t in tags}))
        self._apply_tags(resource_arn, tags)

    def untag_resource(self, resource_arn: str, tag_keys: list[str]) -> None:
        self._check_taggable(resource_arn)
        self._remove_tags(resource_arn, tag_keys)

    def list_tags_for_resource(self, resource_arn: str) -> list[dict[str, str]]:
        self._check_taggable(resource_arn)
        tags = self.tagger.list_tags_for_resource(resource_arn)["Tags"]
        return [{"key": t["Key"], "value": t["Value"]} for t in tags]

    # ----------------------------------------------------------------- foundation models

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

    def _find_foundation_model(self, identifier: str) -> FoundationModel | None:
        model_id = identifier
        if identifier.startswith(f"arn:{partition_of(self.region_name)}:bedrock:"):
            arn = parse_arn(identifier)
            if arn is None or arn.resource_type != "foundation-model" or arn.account or arn.region != self.region_name:
                return None
            model_id = arn.resource_id
        return FOUNDATION_MODELS.get(model_id)

    def get_foundation_model(self, model_identifier: str) -> dict[str, Any]:
        model = self._find_foundation_model(model_identifier)
        if model is None:
            raise ResourceNotFoundException(f"The model {model_identifier} was not found.")
        return model.details(self.region_name)

    # ----------------------------------------------------------------- custom models

    def seed_custom_model(
        self, model_name: str, base_model_id: str, status: str = "Active", customization_type: str = "FINE_TUNING"
    ) -> CustomModel:
        """Register a custom model as if a customization job had produced it."""
        base = self._find_foundation_model(base_model_id)
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
        base = self._find_foundation_model(kwargs["base_model_identifier"])
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
            and (model_status is None or getattr(m, "model_status", "Active") == model_status)
        ]
        return _sorted_by_creation(found, lambda m: m.creation_time, sort_order)

    def get_custom_model(self, model_identifier: str) -> CustomModel:
        for model in self.custom_models.values():
            if model_identifier in (model.model_arn, model.model_name):
                return model
        raise ResourceNotFoundException(f"The custom model {model_identifier} was not found.")

    def delete_custom_model(self, model_identifier: str) -> None:
        model = self.get_custom_model(model_identifier)
        del self.custom_models[model.model_name]
        self.tagger.delete_all_tags_for_resource(model.model_arn)

    def _find_custom_model(self, identifier: str) -> CustomModel | None:
        try:
            return self.get_custom_model(identifier)
        except ResourceNotFoundException:
            return None

    # ----------------------------------------------------------------- inference profiles

    def _find_system_profile(self, identifier: str) -> SystemInferenceProfileView | None:
        profile_id = identifier
        if identifier.startswith("arn:"):
            prefix = self._arn("inference-profile/")
            if not identifier.startswith(prefix):
                return None
            profile_id = identifier[len(prefix) :]
        for profile in system_inference_profiles_in(self.region_name):
            if profile.inference_profile_id == profile_id:
                return SystemInferenceProfileView(profile, profile.arn(self.region_name, self.account_id))
        return None

    def _find_application_profile(self, identifier: str) -> ApplicationInferenceProfile | None:
        if identifier in self.inference_profiles:
            return self.inference_profiles[identifier]
        for profile in self.inference_profiles.values():
            if profile.inference_profile_id == identifier:
                return profile
        return None

    def create_inference_profile(
        self,
        inference_profile_name: str,
        model_source: dict[str, str],
        description: str | None = None,
        client_request_token: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> ApplicationInferenceProfile:
        request = {"name": inference_profile_name, "source": model_source, "description": description, "tags": tags}
        replayed = self._replay("CreateInferenceProfile", client_request_token, request)
        if replayed is not None:
            return replayed
        copy_from = model_source["copyFrom"]
        model_arns = self._models_to_copy(copy_from)
        if any(p.name == inference_profile_name for p in self.inference_profiles.values()):
            raise ConflictException(f"An inference profile named {inference_profile_name} already exists.")
        arn_placeholder = self._arn("application-inference-profile/")
        self._check_tags(arn_placeholder, tags)
        profile_id = resource_id()
        now = self._now()
        profile = ApplicationInferenceProfile(
            inference_profile_id=profile_id,
            arn=arn_placeholder + profile_id,
            name=inference_profile_name,
            description=description,
            model_arns=model_arns,
            created_at=now,
            updated_at=now,
        )
        self.inference_profiles[profile.arn] = profile
        self._apply_tags(profile.arn, tags)
        self._remember("CreateInferenceProfile", client_request_token, request, profile)
        return profile

    def _models_to_copy(self, copy_from: str) -> list[str]:
        """The model ARNs a new application profile gets from ``modelSource.copyFrom``."""
        if ":foundation-model/" in copy_from:
            model = self._find_foundation_model(copy_from)
            if model is not None:
                return [model.arn(self.region_name)]
        else:
            system = self._find_system_profile(copy_from)
            if system is not None:
                return system.model_arns
        raise ValidationException(
            f"The provided modelSource.copyFrom {copy_from} is not a foundation model ARN or a "
            f"system-defined inference profile ARN available in {self.region_name}."
        )

    def get_inference_profile(self, identifier: str) -> ApplicationInferenceProfile | SystemInferenceProfileView:
        profile = self._find_application_profile(identifier) or self._find_system_profile(identifier)
        if profile is None:
            raise ResourceNotFoundException(f"The inference profile {identifier} was not found.")
        return profile

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_inference_profiles(
        self, type_equals: str = "SYSTEM_DEFINED"
    ) -> list[ApplicationInferenceProfile | SystemInferenceProfileView]:
        """Profiles of one type; like the service, SYSTEM_DEFINED unless asked otherwise."""
        if type_equals == "APPLICATION":
            return sorted(self.inference_profiles.values(), key=lambda p: p.created_at)
        return [
            SystemInferenceProfileView(profile, profile.arn(self.region_name, self.account_id))
            for profile in system_inference_profiles_in(self.region_name)
        ]

    def delete_inference_profile(self, identifier: str) -> None:
        profile = self._find_application_profile(identifier)
        if profile is None:
            if self._find_system_profile(identifier) is not None:
                raise ValidationException(f"The system-defined inference profile {identifier} cannot be deleted.")
            raise ResourceNotFoundException(f"The inference profile {identifier} was not found.")
        del self.inference_profiles[profile.arn]
        self._remove_tags(profile.arn)
        self._forget_resource(profile.arn)

    # ----------------------------------------------------------------- custom model deployments

    def _active_custom_model_arn(self, model_arn: str) -> str:
        model = self._find_custom_model(model_arn)
        if model is None or not model_arn.startswith("arn:"):
            raise ValidationException(f"The model {model_arn} is not a custom model in {self.region_name}.")
        status = getattr(model, "model_status", "Active")
        if status != "Active":
            raise ValidationException(f"The custom model {model_arn} is in status {status}; it must be Active.")
        return model.model_arn

    def _find_deployment(self, identifier: str) -> CustomModelDeployment:
        deployment = self.custom_model_deployments.get(identifier)
        if deployment is None:
            deployment = next((d for d in self.custom_model_deployments.values() if d.name == identifier), None)
        if deployment is None:
            raise ResourceNotFoundException(f"The custom model deployment {identifier} was not found.")
        deployment.refresh(self._now())
        return deployment

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
            creation=PendingTransition(
                due=now + _seconds(self.runtime.durations.custom_model_deployment_create),
                failure_message=self.runtime.take_forced_failure("CreateCustomModelDeployment"),
            ),
        )
        self.custom_model_deployments[arn] = deployment
        self._apply_tags(arn, tags)
        self._remember("CreateCustomModelDeployment", client_request_token, request, deployment)
        deployment.refresh(now)
        return deployment

    def get_custom_model_deployment(self, identifier: str) -> CustomModelDeployment:
        return self._find_deployment(identifier)

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
        now = self._now()
        for deployment in self.custom_model_deployments.values():
            deployment.refresh(now)
        found = [
            d
            for d in self.custom_model_deployments.values()
            if (created_before is None or d.created_at < created_before)
            and (created_after is None or d.created_at > created_after)
            and (name_contains is None or name_contains in d.name)
            and (status_equals is None or d.status == status_equals)
            and (model_arn_equals is None or d.model_arn == model_arn_equals)
        ]
        return _sorted_by_creation(found, lambda d: d.created_at, sort_order)

    def update_custom_model_deployment(self, identifier: str, model_arn: str) -> CustomModelDeployment:
        deployment = self._find_deployment(identifier)
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
        deployment.update = PendingTransition(
            due=now + _seconds(self.runtime.durations.custom_model_deployment_update),
            failure_message=self.runtime.take_forced_failure("UpdateCustomModelDeployment"),
            target_model_arn=model_arn,
        )
        deployment.refresh(now)
        return deployment

    def delete_custom_model_deployment(self, identifier: str) -> None:
        deployment = self._find_deployment(identifier)
        del self.custom_model_deployments[deployment.arn]
        self._remove_tags(deployment.arn)
        self._forget_resource(deployment.arn)

    # ----------------------------------------------------------------- provisioned throughput

    def _resolve_provisionable_model(self, model_id: str) -> tuple[str, str]:
        """(model ARN, foundation model ARN) for a foundation or custom model ID/name/ARN."""
        foundation = self._find_foundation_model(model_id)
        if foundation is not None:
            if "PROVISIONED" not in foundation.inference_types_supported:
                raise ValidationException(f"The model {model_id} does not support Provisioned Throughput.")
            arn = foundation.arn(self.region_name)
            return arn, arn
        custom = self._find_custom_model(model_id)
        if custom is None:
            raise ResourceNotFoundException(f"The model {model_id} was not found.")
        status = getattr(custom, "model_status", "Active")
        if status != "Active":
            raise ValidationException(f"The custom model {model_id} is in status {status}; it must be Active.")
        return custom.model_arn, custom.base_model_arn

    def _find_provisioned(self, identifier: str) -> ProvisionedModelThroughput:
        throughput = self.provisioned_model_throughputs.get(identifier)
        if throughput is None:
            throughput = next((p for p in self.provisioned_model_throughputs.values() if p.name == identifier), None)
        if throughput is None:
            raise ResourceNotFoundException(f"The provisioned model {identifier} was not found.")
        throughput.refresh(self._now())
        return throughput

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
            transition=PendingTransition(
                due=now + _seconds(self.runtime.durations.provisioned_throughput_create),
                failure_message=self.runtime.take_forced_failure("CreateProvisionedModelThroughput"),
            ),
        )
        self.provisioned_model_throughputs[arn] = throughput
        self._apply_tags(arn, tags)
        self._remember("CreateProvisionedModelThroughput", client_request_token, request, throughput)
        throughput.refresh(now)
        return throughput

    def get_provisioned_model_throughput(self, identifier: str) -> ProvisionedModelThroughput:
        return self._find_provisioned(identifier)

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
        now = self._now()
        for throughput in self.provisioned_model_throughputs.values():
            throughput.refresh(now)
        found = [
            p
            for p in self.provisioned_model_throughputs.values()
            if (creation_time_after is None or p.creation_time > creation_time_after)
            and (creation_time_before is None or p.creation_time < creation_time_before)
            and (status_equals is None or p.status == status_equals)
            and (model_arn_equals is None or p.model_arn == model_arn_equals)
            and (name_contains is None or name_contains in p.name)
        ]
        return _sorted_by_creation(found, lambda p: p.creation_time, sort_order)

    def update_provisioned_model_throughput(
        self, identifier: str, desired_provisioned_model_name: str | None = None, desired_model_id: str | None = None
    ) -> None:
        throughput = self._find_provisioned(identifier)
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
            throughput.transition = PendingTransition(
                due=now + _seconds(self.runtime.durations.provisioned_throughput_update),
                failure_message=self.runtime.take_forced_failure("UpdateProvisionedModelThroughput"),
            )
            throughput.refresh(now)

    def delete_provisioned_model_throughput(self, identifier: str) -> None:
        throughput = self._find_provisioned(identifier)
        expires = throughput.commitment_expiration_time
        if expires is not None and self._now() < expires:
            raise ValidationException(commitment_refusal_message(throughput.name, expires))
        del self.provisioned_model_throughputs[throughput.arn]
        self._remove_tags(throughput.arn)
        self._forget_resource(throughput.arn)


def _check_reserved_tag_keys(tags: list[dict[str, str]] | None) -> None:
    """ValidationException naming the first tag whose key starts with ``aws:`` (any case)."""
    for index, tag in enumerate(tags or [], start=1):
        if tag["key"][: len(RESERVED_TAG_KEY_PREFIX)].lower() == RESERVED_TAG_KEY_PREFIX:
            raise ValidationException(
                f"Value '{tag['key']}' at 'tags.{index}.member.key' failed to satisfy constraint: "
                f"tag keys starting with '{RESERVED_TAG_KEY_PREFIX}' (in any letter case) are reserved for AWS use."
            )


def commitment_refusal_message(name: str, expires: datetime) -> str:
    """The ValidationException message for deleting a Provisioned Throughput before its commitment ends."""
    return (
        f"The Provisioned Throughput {name} has a commitment term that expires at "
        f"{_timestamps_iso(expires)}; it cannot be deleted before the commitment expiration time."
    )


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


bedrock_emulator_backends = BackendDict(BedrockEmulatorBackend, "bedrock")
