"""What the resource families this library manages (inference profiles, custom model deployments,
provisioned throughput) do alike when one of their resources is created or deleted: its tags and
the client token that created it go with it."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from .idempotency import ClientTokens
from .tagging import Tagging


class Managed(Protocol):
    """A resource kept under its ARN."""

    arn: str


ManagedResource = TypeVar("ManagedResource", bound=Managed)


class ManagedResources(Tagging, ClientTokens):
    """Base of the families whose resources carry tags and are created with client tokens."""

    def _add(
        self,
        resources: dict[str, ManagedResource],
        resource: ManagedResource,
        tags: list[dict[str, str]] | None,
        operation: str,
        token: str | None,
        request: dict[str, Any],
    ) -> None:
        """Keep a resource ``operation`` created under its ARN, with its tags, and remember the
        client token that created it (:meth:`_replay` answers it from now on)."""
        resources[resource.arn] = resource
        self._apply_tags(resource.arn, tags)
        self._remember(operation, token, request, resource)

    def _delete(self, resources: dict[str, ManagedResource], resource: ManagedResource) -> None:
        """Remove a resource and its tags; the client token that created it learns of the deletion."""
        del resources[resource.arn]
        self._remove_tags(resource.arn)
        self._forget_resource(resource.arn)
