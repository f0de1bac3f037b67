"""The log of Bedrock requests an emulator has served (faulted ones included)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One Bedrock request: the operation, where it went and how it ended."""

    operation: str
    method: str
    path: str
    #: The HTTP status the client received; 0 when the connection was reset without a response.
    status: int
    region: str | None
    #: The Bedrock error code (``__type``) for error responses, else None.
    error_code: str | None = None
    #: Parsed input members (uri, querystring and body) as far as parsing got.
    params: dict[str, Any] = field(default_factory=dict)
    #: When the request was served, on the emulator's clock (the response's ``Date``), ISO 8601.
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    #: An injected fault: ``"before"`` the operation ran (backend unchanged) or ``"after"`` it ran
    #: (backend changed, response lost); None when the request was served normally.
    fault: str | None = None
    #: True when the client got no response at all (connection reset).
    connection_reset: bool = False
    #: The HTTP status the operation itself produced, None if it did not run (a fault before it).
    #: Differs from ``status`` when a fault after the operation replaced the response.
    operation_status: int | None = None
    #: bedrock-runtime requests: the region that served the request (a profile's destination
    #: region; otherwise the request's region). None for control-plane requests.
    served_region: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """Thread-safe append-only request log with per-operation counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, operation: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [e for e in self._entries if operation is None or e.operation == operation]

    def counts(self) -> dict[str, int]:
        """Requests per operation name."""
        with self._lock:
            return dict(Counter(e.operation for e in self._entries))

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
