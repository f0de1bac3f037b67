"""The project's one polling engine, data-driven like botocore's waiters.

A :class:`Waiter` is data: which status values mean keep waiting, done, or failed, and where the
status and the failure reason are in a describe response. :func:`wait` runs it with exponential
backoff up to a cap and an overall timeout, printing a progress line per poll (the engine shows a
dynamic provider's stderr in the CLI), and keeps the last response for its errors.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import NotStabilizedError

Response = Mapping[str, Any]


@dataclass(frozen=True)
class Waiter:
    """What to wait for, e.g. a custom model deployment going from Creating to Active."""

    kind: str
    """The resource's name in messages, e.g. ``custom model deployment``."""
    status: Callable[[Response], str | None]
    target: frozenset[str]
    pending: frozenset[str]
    failure: frozenset[str] = frozenset()
    reason: Callable[[Response], str | None] = lambda response: None
    delay: float = 5.0
    max_delay: float = 60.0
    backoff: float = 1.5
    extra: Mapping[str, Any] = field(default_factory=dict)


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def wait(
    waiter: Waiter,
    describe: Callable[[], Response],
    *,
    name: str,
    timeout: float,
    timeout_hint: str,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] | None = None,
) -> Response:
    """Poll ``describe`` until the status is a target; return that last response.

    Raises :class:`NotStabilizedError` on a failure status (with the resource's failure reason),
    on a status the waiter does not know, and on timeout (with ``timeout_hint``: how to resume).
    """
    log = log or _stderr
    label = f'{waiter.kind} "{name}"'
    start = clock()
    delay = waiter.delay
    while True:
        response = describe()
        status = waiter.status(response)
        elapsed = clock() - start
        if status in waiter.target:
            if elapsed >= 1:
                log(f"{label} is {status} after {format_elapsed(elapsed)}")
            return response
        if status in waiter.failure:
            reason = waiter.reason(response) or "no failure message was given"
            raise NotStabilizedError("waiting for", f"{label} to become {_either(waiter.target)}", status or "", reason)
        if status not in waiter.pending:
            raise NotStabilizedError(
                "waiting for", f"{label} to become {_either(waiter.target)}", "UnexpectedStatus", f"status is {status!r}"
            )
        remaining = timeout - elapsed
        if remaining <= 0:
            raise NotStabilizedError(
                "waiting for",
                f"{label} to become {_either(waiter.target)}",
                "Timeout",
                f"still {status} after {format_elapsed(elapsed)} (timeout {format_elapsed(timeout)}). {timeout_hint}",
            )
        log(f"waiting for {label}: {status}, {format_elapsed(elapsed)}")
        sleep(min(delay, remaining))
        delay = min(delay * waiter.backoff, waiter.max_delay)


def _either(states: frozenset[str]) -> str:
    return " or ".join(sorted(states))


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
