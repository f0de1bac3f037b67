"""The emulator's controllable clock and the durations of resource life cycles."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping


class EmulatorClock:
    """Wall-clock time plus an offset that tests move forward with :meth:`advance`.

    Status transitions and commitment expiry are computed from :meth:`now`, so advancing
    the clock by 31 days lets a one-month commitment expire without waiting.
    """

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The emulated current time (UTC, timezone-aware)."""
        with self._lock:
            return datetime.now(timezone.utc) + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by ``seconds`` (must be >= 0); returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    @property
    def offset_seconds(self) -> float:
        """How far the clock has been advanced in total."""
        with self._lock:
            return self._offset.total_seconds()

    def reset(self) -> None:
        """Return to wall-clock time."""
        with self._lock:
            self._offset = timedelta()


DEFAULT_TRANSITION_SECONDS = 3.0


@dataclass
class Durations:
    """Seconds each asynchronous transition takes on the emulator clock (0: immediate).

    Defaults are :data:`DEFAULT_TRANSITION_SECONDS` (3 s) for every transition.
    """

    #: CreateCustomModelDeployment: ``Creating`` → ``Active`` / ``Failed``.
    custom_model_deployment_create: float = DEFAULT_TRANSITION_SECONDS
    #: UpdateCustomModelDeployment: ``updateDetails.updateStatus`` ``Updating`` → ``UpdateCompleted`` / ``UpdateFailed``.
    custom_model_deployment_update: float = DEFAULT_TRANSITION_SECONDS
    #: CreateProvisionedModelThroughput: ``Creating`` → ``InService`` / ``Failed``.
    provisioned_throughput_create: float = DEFAULT_TRANSITION_SECONDS
    #: UpdateProvisionedModelThroughput with a new model: ``Updating`` → ``InService`` / ``Failed``.
    provisioned_throughput_update: float = DEFAULT_TRANSITION_SECONDS
    #: A tag key on a resource → seen by billing (listed by ListCostAllocationTags, activatable).
    #: AWS documents "up to 24 hours" (86400 s).
    cost_allocation_tag_seen: float = DEFAULT_TRANSITION_SECONDS

    @classmethod
    def uniform(cls, seconds: float) -> Durations:
        """Every transition takes ``seconds``."""
        return cls(**{f.name: float(seconds) for f in fields(cls)})

    def update(self, values: Mapping[str, float]) -> None:
        """Set some durations by field name; unknown names raise ``ValueError``."""
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown durations {sorted(unknown)}; known: {sorted(known)}")
        for name, seconds in values.items():
            if float(seconds) < 0:
                raise ValueError(f"duration {name} must be >= 0")
            setattr(self, name, float(seconds))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    next_month_first = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (next_month_first - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))
