"""The one clock the providers read: how a wait sleeps, how it measures elapsed time, and this
machine's wall time. Providers read it as ``self.clock`` (:class:`.base.BedrockProvider`); tests
inject a fake one there, for every provider at once."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Callable

from . import provider_process


def interruptible_sleep(seconds: float) -> None:
    """Sleep ``seconds``, ending early when the provider process is told to stop (Ctrl-C, shutdown)."""
    provider_process.stop_requested.wait(seconds)


def wall_time() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Clock:
    """Every field defaults to the real one; a test replaces what it fakes
    (``dataclasses.replace(BedrockProvider.clock, now=...)``)."""

    sleep: Callable[[float], None] = interruptible_sleep
    """How a wait sleeps between polls; the real one ends early when the process is told to stop."""
    monotonic: Callable[[], float] = time.monotonic
    """How a wait measures elapsed time."""
    now: Callable[[], dt.datetime] = wall_time
    """This machine's time (UTC): what a commitment expiration is compared with when no AWS response says AWS's."""


SYSTEM_CLOCK = Clock()
