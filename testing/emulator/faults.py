"""Request-level fault injection: throttling, random server errors, latency and scripted errors."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from moto.core.exceptions import JsonRESTError

from .exceptions import InternalServerException, ThrottlingException, error_for_code

#: Key of :meth:`FaultInjector.throttle` / latency maps that applies to every operation.
ALL_OPERATIONS = "*"


@dataclass
class ScriptedError:
    """An error the next ``remaining`` calls of an operation return."""

    code: str
    message: str
    status: int | None
    remaining: int

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "status": self.status, "count": self.remaining}


class TokenBucket:
    """``rate`` requests per second with a burst of ``max(1, rate)``, on the monotonic clock."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class FaultInjector:
    """The fault configuration of one emulator. Thread-safe; all knobs off by default."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Turn every fault off."""
        with self._lock:
            self._buckets: dict[str, TokenBucket] = {}
            self._error_rate = 0.0
            self._error_seed = 0
            self._error_operations: frozenset[str] | None = None
            self._random = random.Random(0)
            self._latency: dict[str, float] = {}
            self._scripted: dict[str, deque[ScriptedError]] = defaultdict(deque)

    def throttle(self, rates: Mapping[str, float | None]) -> None:
        """Throttle operations above ``rates[operation]`` requests per second (key ``"*"``: each
        operation without its own rate). A rate of ``None`` or 0 removes the limit."""
        with self._lock:
            for operation, rate in rates.items():
                if rate:
                    self._buckets[operation] = TokenBucket(float(rate))
                else:
                    self._buckets.pop(operation, None)

    def inject_errors(self, rate: float, seed: int = 0, operations: Iterable[str] | None = None) -> None:
        """Fail a fraction ``rate`` (0..1) of requests with InternalServerException (HTTP 500),
        drawn from a ``random.Random(seed)`` sequence; only ``operations`` if given."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        with self._lock:
            self._error_rate = float(rate)
            self._error_seed = seed
            self._random = random.Random(seed)
            self._error_operations = frozenset(operations) if operations is not None else None

    def set_latency(self, seconds: float = 0.0, per_operation: Mapping[str, float] | None = None) -> None:
        """Delay every request by ``seconds``, or by ``per_operation[operation]`` where given."""
        with self._lock:
            self._latency = {ALL_OPERATIONS: float(seconds), **{k: float(v) for k, v in (per_operation or {}).items()}}

    def error_next(self, operation: str, code: str, message: str | None = None, status: int | None = None,
                   count: int = 1) -> None:
        """Make the next ``count`` calls of ``operation`` fail with error ``code`` (HTTP status
        from Bedrock's error, or ``status``; unknown codes get 400)."""
        with self._lock:
            self._scripted[operation].append(
                ScriptedError(code, message or f"Error {code} injected by the Bedrock emulator.", status, count)
            )

    def latency_for(self, operation: str) -> float:
        with self._lock:
            return self._latency.get(operation, self._latency.get(ALL_OPERATIONS, 0.0))

    def fault_for(self, operation: str) -> JsonRESTError | None:
        """The error this request gets, if any: scripted errors first, then throttling, then random errors."""
        with self._lock:
            queue = self._scripted.get(operation)
            if queue:
                scripted = queue[0]
                scripted.remaining -= 1
                if scripted.remaining <= 0:
                    queue.popleft()
                return error_for_code(scripted.code, scripted.message, scripted.status)
            bucket = self._buckets.get(operation) or self._buckets.get(ALL_OPERATIONS)
            if bucket is not None and not bucket.take():
                return ThrottlingException("Too many requests, please wait before trying again.")
            if self._error_rate and (self._error_operations is None or operation in self._error_operations):
                if self._random.random() < self._error_rate:
                    return InternalServerException("An internal error occurred (injected by the Bedrock emulator).")
            return None

    def to_dict(self) -> dict[str, Any]:
        """The current configuration, as the ``/_emulator/faults`` endpoint returns it."""
        with self._lock:
            return {
                "throttle": {op: bucket.rate for op, bucket in self._buckets.items()},
                "errors": {
                    "rate": self._error_rate,
                    "seed": self._error_seed,
                    "operations": sorted(self._error_operations) if self._error_operations is not None else None,
                },
                "latency": dict(self._latency),
                "nextErrors": {op: [e.to_dict() for e in q] for op, q in self._scripted.items() if q},
            }
