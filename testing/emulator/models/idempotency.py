"""Client request tokens: what a repeated ``clientRequestToken`` answers, under either reading
(:attr:`.settings.EmulatorRuntime.token_semantics`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..exceptions import ValidationException
from .base import RegionalBackend

IDEMPOTENCY_MISMATCH_MESSAGE = "The request's clientRequestToken was already used with different parameters."
TOKEN_WINDOW = timedelta(hours=24)
"""Under ``"ec2"``, how long after its resource is deleted a token still replays the original response."""


@dataclass
class ClientRequest:
    """What a clientRequestToken was first used for: the request and the resource it created."""

    fingerprint: str
    resource: Any
    deleted_at: datetime | None = None


class ClientTokens(RegionalBackend):
    """The creates' memory of their client tokens, per region and account."""

    def __init__(self) -> None:
        self.client_requests: dict[tuple[str, str], ClientRequest] = {}
        self._requests_by_arn: dict[str, ClientRequest] = {}

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
        if earlier.fingerprint != _fingerprint(request):
            raise ValidationException(IDEMPOTENCY_MISMATCH_MESSAGE)
        return earlier.resource

    def _remember(self, operation: str, token: str | None, request: dict[str, Any], resource: Any) -> None:
        if token is not None:
            remembered = ClientRequest(_fingerprint(request), resource)
            self.client_requests[(operation, token)] = remembered
            self._requests_by_arn[resource.arn] = remembered

    def _forget_resource(self, arn: str) -> None:
        """Record that the resource ``arn`` was deleted, for the token that created it."""
        remembered = self._requests_by_arn.pop(arn, None)
        if remembered is not None:
            remembered.deleted_at = self._now()


def _fingerprint(request: dict[str, Any]) -> str:
    return json.dumps(request, sort_keys=True, default=str)
