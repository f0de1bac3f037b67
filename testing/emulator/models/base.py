"""What every resource family of the emulated backend shares: the region's ARNs, the runtime's
clock, resource IDs, pending transitions and list ordering."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping, Protocol, TypeVar

from moto.moto_api._internal import mock_random
from moto.utilities.tagging_service import TaggingService

from pulumi_bedrock_inference.identifiers import bedrock_arn, partition_of

from ..exceptions import ResourceNotFoundException
from .settings import EmulatorRuntime, emulator_runtime

def list_pagination(unique_attribute: str) -> dict[str, object]:
    """moto's pagination settings of an emulated List operation whose items are told apart by ``unique_attribute``."""
    return {"input_token": "next_token", "limit_key": "max_results", "limit_default": 1000, "unique_attribute": unique_attribute}


class RegionalBackend:
    """The region and account plumbing the resource families' mixins build on; moto's
    ``BaseBackend`` (through :class:`~.backend.BedrockEmulatorBackend`) sets ``region_name``, ``account_id`` and ``tagger``."""

    region_name: str
    account_id: str
    tagger: TaggingService

    @property
    def runtime(self) -> EmulatorRuntime:
        return emulator_runtime

    def _now(self) -> datetime:
        return self.runtime.clock.now()

    def _arn(self, resource: str) -> str:
        resource_type, _, resource_id = resource.partition("/")
        return bedrock_arn(partition_of(self.region_name), self.region_name, self.account_id, resource_type, resource_id)

    def _current(self, resources: Mapping[str, TrackedResource], identifier: str, missing: str) -> TrackedResource:
        """The resource an ARN or name names, brought up to the emulator's clock; ResourceNotFoundException
        with ``missing`` if there is none."""
        found = resources.get(identifier)
        if found is None:
            found = next((r for r in resources.values() if r.name == identifier), None)
        if found is None:
            raise ResourceNotFoundException(missing)
        found.refresh(self._now())
        return found

    def _all_current(self, resources: Mapping[str, TrackedResource]) -> list[TrackedResource]:
        """Every resource, brought up to the emulator's clock."""
        now = self._now()
        for resource in resources.values():
            resource.refresh(now)
        return list(resources.values())

    def _filtered(
        self,
        resources: Mapping[str, ListedResource],
        created: Callable[[ListedResource], datetime],
        created_after: datetime | None,
        created_before: datetime | None,
        name_contains: str | None,
        status_equals: str | None,
        model_arn_equals: str | None,
        sort_order: str | None,
    ) -> list[ListedResource]:
        """What a List operation with the creation-time, name, status and model filters answers
        (ListCustomModelDeployments, ListProvisionedModelThroughputs): every resource brought up
        to the emulator's clock, the given filters applied, sorted by ``created``."""
        found = [
            r
            for r in self._all_current(resources)
            if (created_after is None or created(r) > created_after)
            and (created_before is None or created(r) < created_before)
            and (name_contains is None or name_contains in r.name)
            and (status_equals is None or r.status == status_equals)
            and (model_arn_equals is None or r.model_arn == model_arn_equals)
        ]
        return sorted_by_creation(found, created, sort_order)

    def _transition(
        self, now: datetime, seconds: float, failing_operation: str, target_model_arn: str | None = None
    ) -> PendingTransition:
        """A transition due ``seconds`` of emulator clock after ``now``, failing if ``failing_operation``
        has a forced failure queued (:meth:`.settings.EmulatorRuntime.fail_next`)."""
        return PendingTransition(
            due=now + timedelta(seconds=seconds),
            failure_message=self.runtime.take_forced_failure(failing_operation),
            target_model_arn=target_model_arn,
        )


class Tracked(Protocol):
    """A resource whose asynchronous life cycle is computed when it is read (:meth:`RegionalBackend._current`)."""

    arn: str
    name: str

    def refresh(self, now: datetime) -> None: ...


TrackedResource = TypeVar("TrackedResource", bound=Tracked)


class Listed(Tracked, Protocol):
    """A tracked resource that List operations filter by status and model (:meth:`RegionalBackend._filtered`)."""

    status: str
    model_arn: str


ListedResource = TypeVar("ListedResource", bound=Listed)


def resource_id() -> str:
    """A 12-character lowercase alphanumeric resource ID, as in Bedrock's ARNs."""
    return "".join(mock_random.choice(string.ascii_lowercase + string.digits) for _ in range(12))


@dataclass
class PendingTransition:
    """An asynchronous change that completes at ``due`` (failing with ``failure_message`` if set)."""

    due: datetime
    failure_message: str | None = None
    target_model_arn: str | None = None


Resource = TypeVar("Resource")


def sorted_by_creation(
    items: Iterable[Resource], key: Callable[[Resource], datetime], sort_order: str | None
) -> list[Resource]:
    return sorted(items, key=key, reverse=(sort_order or "Descending") == "Descending")
