"""The project's one polling engine, data-driven like botocore's waiters.

A :class:`Waiter` is data: which status values mean keep waiting, done, or failed, and where the
status and the failure reason are in a describe response. :func:`wait` runs it with exponential
backoff up to a cap and an overall timeout, printing a progress line per poll (the engine shows a
dynamic provider's stderr in the CLI), and keeps the last response for its errors.

A wait never holds the provider process open: when the process is told to stop
(:data:`provider_process.stop_requested`), the wait ends at once with an error saying that the
resource keeps existing and the next ``pulumi up`` resumes it. A status poll that AWS throttles
is retried for the rest of the wait's timeout (``client.call_deadline``), not a fixed count.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import provider_process
from .client import call_deadline
from .clock import SYSTEM_CLOCK, Clock
from .errors import NotStabilizedError

Response = Mapping[str, Any]

MIN_POLL_RETRY_SECONDS = 60.0
"""A status poll retries throttling for the rest of the wait's timeout, but at least this long."""


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
    clock: Clock = SYSTEM_CLOCK,
    log: Callable[[str], None] | None = None,
) -> Response:
    """Poll ``describe`` until the status is a target; return that last response.

    Raises :class:`NotStabilizedError` on a failure status (with the resource's failure reason),
    on a status the waiter does not know, on timeout and when the provider process is told to
    stop (both with ``timeout_hint``: how to resume). ``clock`` sleeps between polls and measures
    the elapsed time; the real one's sleep ends early when the process is told to stop.
    """
    with provider_process.wait_in_progress():
        return _poll(waiter, describe, name=name, timeout=timeout, timeout_hint=timeout_hint, clock=clock, log=log or _stderr)


def _poll(
    waiter: Waiter,
    describe: Callable[[], Response],
    *,
    name: str,
    timeout: float,
    timeout_hint: str,
    clock: Clock,
    log: Callable[[str], None],
) -> Response:
    label = f'{waiter.kind} "{name}"'
    start = clock.monotonic()
    delay = waiter.delay
    while True:
        _stop_if_requested(label, waiter, clock.monotonic() - start, timeout_hint, log)
        with call_deadline(max(timeout - (clock.monotonic() - start), MIN_POLL_RETRY_SECONDS)):
            response = describe()
        status = waiter.status(response)
        elapsed = clock.monotonic() - start
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
        clock.sleep(min(delay, remaining))
        delay = min(delay * waiter.backoff, waiter.max_delay)


def _stop_if_requested(label: str, waiter: Waiter, elapsed: float, timeout_hint: str, log: Callable[[str], None]) -> None:
    if not provider_process.stop_requested.is_set():
        return
    error = NotStabilizedError(
        "waiting for",
        f"{label} to become {_either(waiter.target)}",
        "Interrupted",
        f"stopped after {format_elapsed(elapsed)}: the provider process was told to stop (Ctrl-C, or the "
        f"deployment ending) and AWS goes on without it. {timeout_hint}",
    )
    log(str(error))
    raise error


def _either(states: frozenset[str]) -> str:
    return " or ".join(sorted(states))


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
