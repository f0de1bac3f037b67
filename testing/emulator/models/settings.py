"""Process-wide emulator settings every backend reads: the clock, transition durations, forced
failures, the reading of client tokens, and which tag keys billing has seen.

Like moto's backends, there is one emulated Bedrock per process: :data:`emulator_runtime`.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta
from typing import Iterable

from ..clock import Durations, EmulatorClock

#: Operations whose outcome :meth:`EmulatorRuntime.fail_next` can force to fail.
FAILABLE_OPERATIONS = (
    "CreateCustomModelDeployment",
    "UpdateCustomModelDeployment",
    "CreateProvisionedModelThroughput",
    "UpdateProvisionedModelThroughput",
)
DEFAULT_FAILURE_MESSAGE = "Internal failure injected by the Bedrock emulator."
TOKEN_SEMANTICS = ("ec2", "ignore")
"""The two readings of clientRequestToken the emulator can follow (see :attr:`EmulatorRuntime.token_semantics`)."""


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
        """Which tag keys billing has seen (Cost Explorer's cost allocation tags, :mod:`..cost_explorer`)."""
        self.token_semantics = "ec2"
        """How a repeated clientRequestToken (same parameters) is answered; :meth:`reset` keeps it.

        ``"ec2"`` (default), EC2's "Ensuring idempotency" that Bedrock's API reference links to: the
        original response, the ARN of the resource it created, even after that resource was
        deleted, until :data:`.idempotency.TOKEN_WINDOW` of emulator clock after the deletion.
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

    # Billing's view of tag keys (:attr:`tag_keys`), on this runtime's clock and durations.

    def tags_applied(self, account: str, arn: str, keys: Iterable[str]) -> None:
        """``arn`` carries ``keys`` from now on."""
        self.tag_keys.applied(account, arn, keys, self.clock.now())

    def tags_removed(self, account: str, arn: str, keys: Iterable[str]) -> None:
        """``arn`` no longer carries ``keys``: billing has seen those it carried long enough."""
        self.tag_keys.removed(account, arn, keys, self.clock.now(), self._tag_seen_delay())

    def mark_tag_keys_seen(self, account: str, keys: Iterable[str]) -> None:
        """Billing has seen ``keys`` of ``account`` now."""
        self.tag_keys.mark_seen(account, keys, self.clock.now())

    def tag_keys_seen(self, account: str) -> dict[str, datetime]:
        """Tag key → when billing saw it, for ``account``, as of now."""
        return self.tag_keys.seen(account, self.clock.now(), self._tag_seen_delay())

    def _tag_seen_delay(self) -> timedelta:
        return timedelta(seconds=self.durations.cost_allocation_tag_seen)

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
