"""Request-level fault injection: throttling, random server errors, latency, scripted errors and
lost responses.

A fault strikes either *before* the operation runs (the backend is unchanged, as with a
throttled or refused request) or *after* it ran (the backend changed, then the response was lost:
the client sees a 5xx or a reset connection). The second kind is what client tokens exist for.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Mapping

from moto.core.exceptions import JsonRESTError

from .exceptions import InternalServerException, ThrottlingException, error_for_code

#: Key of :meth:`FaultInjector.throttle` / latency maps that applies to every operation.
ALL_OPERATIONS = "*"
#: Clocks a throttle's token bucket can refill by (see :meth:`FaultInjector.throttle`).
ThrottleClock = Literal["real", "emulator"]
THROTTLE_CLOCKS: tuple[str, ...] = ("real", "emulator")


@dataclass(frozen=True)
class Fault:
    """What one request gets instead of its normal response."""

    #: The error response the client gets; None: the connection is reset, no response at all.
    error: JsonRESTError | None
    #: True: the operation runs first (the backend changes), then its response is lost.
    after: bool = False

    @property
    def reset(self) -> bool:
        return self.error is None

    @property
    def stage(self) -> str:
        """``"before"`` or ``"after"`` the operation, as the request log records it."""
        return "after" if self.after else "before"


@dataclass
class ScriptedError:
    """A fault the next ``remaining`` calls of an operation get."""

    #: Bedrock error code; None for a reset connection.
    code: str | None
    message: str
    status: int | None
    remaining: int
    after: bool = False

    def fault(self) -> Fault:
        if self.code is None:
            return Fault(None, self.after)
        return Fault(error_for_code(self.code, self.message, self.status), self.after)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "status": self.status,
            "count": self.remaining,
            "after": self.after,
            "reset": self.code is None,
        }


class TokenBucket:
    """``rate`` requests per second with a burst of ``burst`` (default ``max(1, rate)``),
    refilled by the seconds ``now`` reports (default: the monotonic clock)."""

    def __init__(self, rate: float, burst: float | None = None, now: Callable[[], float] = time.monotonic,
                 clock: str = "real") -> None:
        self.rate = rate
        self.capacity = float(burst) if burst is not None else max(1.0, rate)
        self.clock = clock
        self._now = now
        self.tokens = self.capacity
        self.updated = now()

    def take(self) -> bool:
        now = self._now()
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = max(now, self.updated)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"rate": self.rate, "burst": self.capacity, "clock": self.clock}


class FaultInjector:
    """The fault configuration of one emulator. Thread-safe; all knobs off by default.

    ``emulator_time``: seconds on the emulator's clock (e.g. ``clock.now().timestamp()``), for
    throttles that refill on that clock; without it only real-time throttles are available.
    """

    def __init__(self, emulator_time: Callable[[], float] | None = None) -> None:
        self._lock = threading.Lock()
        self._emulator_time = emulator_time
        self.reset()

    def reset(self) -> None:
        """Turn every fault off."""
        with self._lock:
            self._buckets: dict[str, TokenBucket] = {}
            self._error_rate = 0.0
            self._error_seed = 0
            self._error_operations: frozenset[str] | None = None
            self._error_after = False
            self._error_reset = False
            self._random = random.Random(0)
            self._latency: dict[str, float] = {}
            self._scripted: dict[str, deque[ScriptedError]] = defaultdict(deque)

    def throttle(self, rates: Mapping[str, float | None], clock: ThrottleClock = "real",
                 burst: float | None = None) -> None:
        """Throttle operations above ``rates[operation]`` requests per second (key ``"*"``: each
        operation without its own rate). A rate of ``None`` or 0 removes the limit.

        ``clock``: ``"real"`` (default) refills the token bucket with real (monotonic) time;
        ``"emulator"`` with the emulator's clock (real time plus every ``advance``), so a rate of
        one request per hour is exhausted at once and refilled by advancing the clock an hour.
        ``burst``: bucket size, i.e. requests accepted at once (default ``max(1, rate)``; >= 1).
        """
        if clock not in THROTTLE_CLOCKS:
            raise ValueError(f"clock must be one of {', '.join(THROTTLE_CLOCKS)}, not {clock!r}")
        if burst is not None and burst < 1:
            raise ValueError("burst must be at least 1")
        now = time.monotonic
        if clock == "emulator":
            if self._emulator_time is None:
                raise ValueError("this fault injector has no emulator clock")
            now = self._emulator_time
        negative = sorted(operation for operation, rate in rates.items() if rate is not None and rate < 0)
        if negative:
            raise ValueError(f"the rate of {', '.join(negative)} must be >= 0")
        with self._lock:
            for operation, rate in rates.items():
                if rate:
                    self._buckets[operation] = TokenBucket(float(rate), burst, now, clock)
                else:
                    self._buckets.pop(operation, None)

    def inject_errors(self, rate: float, seed: int = 0, operations: Iterable[str] | None = None,
                      after: bool = False, reset: bool = False) -> None:
        """Fail a fraction ``rate`` (0..1) of requests with InternalServerException (HTTP 500),
        drawn from a ``random.Random(seed)`` sequence; only ``operations`` if given.

        ``after``: the operation runs first, then its response is replaced (the backend changed).
        ``reset``: the connection is reset without any response instead of a 500.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        with self._lock:
            self._error_rate = float(rate)
            self._error_seed = seed
            self._random = random.Random(seed)
            self._error_operations = frozenset(operations) if operations is not None else None
            self._error_after = bool(after)
            self._error_reset = bool(reset)

    def set_latency(self, seconds: float = 0.0, per_operation: Mapping[str, float] | None = None) -> None:
        """Delay every request by ``seconds``, or by ``per_operation[operation]`` where given."""
        with self._lock:
            self._latency = {ALL_OPERATIONS: float(seconds), **{k: float(v) for k, v in (per_operation or {}).items()}}

    def error_next(self, operation: str, code: str, message: str | None = None, status: int | None = None,
                   count: int = 1, after: bool = False) -> None:
        """Make the next ``count`` calls of ``operation`` fail with error ``code`` (HTTP status
        from Bedrock's error, or ``status``; unknown codes get 400). ``after``: the operation runs
        first and its response is replaced by the error."""
        self._script(operation, ScriptedError(
            code, message or f"Error {code} injected by the Bedrock emulator.", status, count, after
        ))

    def drop_response_next(self, operation: str, count: int = 1, after: bool = True) -> None:
        """Reset the connection of the next ``count`` calls of ``operation`` without a response:
        after the operation ran (default; the backend changed) or, ``after=False``, before."""
        self._script(operation, ScriptedError(None, "connection reset by the Bedrock emulator", None, count, after))

    def _script(self, operation: str, entry: ScriptedError) -> None:
        if entry.remaining < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._scripted[operation].append(entry)

    def latency_for(self, operation: str) -> float:
        with self._lock:
            return self._latency.get(operation, self._latency.get(ALL_OPERATIONS, 0.0))

    def next_fault(self, operation: str) -> Fault | None:
        """The fault this request gets, if any: scripted faults first, then throttling (always
        before the operation), then random errors. Called once per request, before the operation."""
        with self._lock:
            queue = self._scripted.get(operation)
            if queue:
                scripted = queue[0]
                scripted.remaining -= 1
                if scripted.remaining <= 0:
                    queue.popleft()
                return scripted.fault()
            bucket = self._buckets.get(operation) or self._buckets.get(ALL_OPERATIONS)
            if bucket is not None and not bucket.take():
                return Fault(ThrottlingException("Too many requests, please wait before trying again."))
            if self._error_rate and (self._error_operations is None or operation in self._error_operations):
                if self._random.random() < self._error_rate:
                    error = None if self._error_reset else InternalServerException(
                        "An internal error occurred (injected by the Bedrock emulator)."
                    )
                    return Fault(error, self._error_after)
            return None

    def fault_for(self, operation: str) -> JsonRESTError | None:
        """The error response this request gets before the operation runs, if any.

        Kept for callers that only handle errors before the operation: a fault after the
        operation or a reset connection is consumed here but not applied. Use :meth:`next_fault`.
        """
        fault = self.next_fault(operation)
        return fault.error if fault is not None and not fault.after else None

    def to_dict(self) -> dict[str, Any]:
        """The current configuration, as the ``/_emulator/faults`` endpoint returns it."""
        with self._lock:
            return {
                "throttle": {op: bucket.rate for op, bucket in self._buckets.items()},
                "throttleSettings": {op: bucket.to_dict() for op, bucket in self._buckets.items()},
                "errors": {
                    "rate": self._error_rate,
                    "seed": self._error_seed,
                    "operations": sorted(self._error_operations) if self._error_operations is not None else None,
                    "after": self._error_after,
                    "reset": self._error_reset,
                },
                "latency": dict(self._latency),
                "nextErrors": {op: [e.to_dict() for e in q] for op, q in self._scripted.items() if q},
            }
