"""What the engine reports through the Automation API's event stream (``on_event``), read the way
a test asserts on it: the step of each resource, the policy violations, the diagnostics."""

from __future__ import annotations

from pulumi.automation import EngineEvent


class EventLog:
    """Pass as ``on_event=`` to ``preview``/``up``/``refresh``/``destroy``; it keeps every event,
    also of a run that fails."""

    def __init__(self) -> None:
        self.events: list[EngineEvent] = []

    def __call__(self, event: EngineEvent) -> None:
        self.events.append(event)

    def resources(self) -> list[tuple[str, str, str]]:
        """``(type, name, step)`` of each resource the engine stepped (``create``, ``same``, ``update``,
        ``delete``, ...), in order; the stack and providers left out."""
        metadata = [e.resource_pre_event.metadata for e in self.events if e.resource_pre_event]
        return [
            (m.type, m.urn.rsplit("::", 1)[-1], m.op.value)
            for m in metadata
            if m.type != "pulumi:pulumi:Stack" and not m.type.startswith("pulumi:providers:")
        ]

    def steps(self) -> dict[str, str]:
        """The step of each resource, by resource name."""
        return {name: step for _, name, step in self.resources()}

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
