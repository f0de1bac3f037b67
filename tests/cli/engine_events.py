"""What the engine reports through the Automation API's event stream (``on_event``), read the way
a test asserts on it: the step of each resource, the policy violations, the diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi.automation import EngineEvent

from pulumi_bedrock_inference.testing.stack import Steps


def run_with_steps(operation: Callable[..., Any], **options: Any) -> tuple[Any, dict[str, str]]:
    """Run ``operation`` (``stack.preview``, ``stack.up``, ...) with ``options``: its result, and the
    step of each resource (:meth:`Steps.kinds`, a replacement's steps all ``replace``)."""
    steps = Steps()
    return operation(on_event=steps, **options), steps.kinds()


class EventLog(Steps):
    """Pass as ``on_event=`` to ``preview``/``up``/``refresh``/``destroy``; it keeps every event,
    also of a run that fails, and (as :class:`Steps`) the step of each resource."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[EngineEvent] = []

    def __call__(self, event: EngineEvent) -> None:
        self.events.append(event)
        super().__call__(event)

    def steps(self) -> dict[str, str]:
        """The step of each resource (its last, as the engine names it), by resource name."""
        return {name: step for step, name in self.log}

    def policy_violations(self) -> set[tuple[str, str, str]]:
        """``(policy, enforcement level, resource name)`` of every policy event."""
        return {
            (e.policy_event.policy_name, e.policy_event.enforcement_level, (e.policy_event.resource_urn or "").rsplit("::", 1)[-1])
            for e in self.events
            if e.policy_event
        }

    def diagnostics(self, severity: str) -> list[str]:
        """The messages of the diagnostics of this severity (``warning``, ``error``, ...)."""
        return [e.diagnostic_event.message for e in self.events if e.diagnostic_event and e.diagnostic_event.severity == severity]
