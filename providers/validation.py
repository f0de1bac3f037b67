"""Input validation for ``check``: every rule names the field, and no AWS call is made.

Limits and patterns are read from botocore's Bedrock service model, the same source the service's
own request validation is generated from, so they cannot drift from what AWS accepts. The model is
loaded on the first validation that needs it, not at import: a Pulumi program imports the
providers but never validates (only the provider process does).

Every pattern, from botocore or written here, is matched by RE2 (google-re2), whose automata run in
time linear in the input whatever the pattern: a near-miss such as a model ID with a trailing
space cannot make ``check`` backtrack for minutes. A pattern RE2 cannot compile is an error at its
first use, never a silent fallback to Python's backtracking ``re``.

A pattern must match the whole value, as AWS's request validation applies it (the service answers
``Member must satisfy regular expression pattern`` for a name with one bad character), although
Smithy declares patterns unanchored. RE2 reads these patterns as Java (AWS's validators) does (``\\s``
is spelled out as Java's six ASCII spaces), with one edge apart: Java's ``.`` also refuses ``\\r``,
U+0085, U+2028 and U+2029. The one ``.*`` pattern a provider meets (a deployment
description) is checked for length only, as any text matches it unanchored.

During preview, inputs computed from other resources arrive as ``pulumi.output.Unknown``: they
pass validation untouched. Numbers arrive as floats (the engine's Struct has only doubles):
integral floats become ints, anything else is a failure.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_bedrock_inference.partitions import REGION_MAX_LENGTH, REGION_PATTERN
from pulumi_bedrock_inference.patterns import LinearPattern, fullmatches


def is_unknown(value: Any) -> bool:
    """True for a preview-time unknown, in any of the forms the SDK delivers it."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


# string rules


@dataclass(frozen=True)
class StringRule:
    """Length and pattern limits of one string value.

    ``pattern`` must match the whole value, in linear time (see the module's docstring).
    """

    min_length: int
    max_length: int | None
    pattern: str | None
    meaning: str | None = None
    """The pattern in words, for error messages."""

    def meaning_is(self, meaning: str) -> "StringRule":
        return StringRule(self.min_length, self.max_length, self.pattern, meaning)

    def problem(self, value: str) -> str | None:
        if len(value) < self.min_length:
            return "must not be empty" if self.min_length == 1 else f"must be at least {self.min_length} characters"
        if self.max_length is not None and len(value) > self.max_length:
            return f"must be at most {self.max_length} characters (got {len(value)})"
        if self.pattern is not None and not fullmatches(self.pattern, value):
            words = f" ({self.meaning})" if self.meaning else ""
            return f"must match the pattern {self.pattern}{words}, got {value!r}"
        return None


class ApiStringRule(StringRule):
    """The :class:`StringRule` of a member of an AWS operation's input (Bedrock's unless ``service``
    says otherwise), read from botocore's model on first use (loading the model costs tens of
    milliseconds: not at import)."""

    def __init__(
        self, operation: str, member_path: str, meaning: str | None = None, with_pattern: bool = True, service: str = "bedrock"
    ) -> None:
        object.__setattr__(self, "operation", operation)
        object.__setattr__(self, "member_path", member_path)
        object.__setattr__(self, "meaning", meaning)
        object.__setattr__(self, "with_pattern", with_pattern)
        object.__setattr__(self, "service", service)

    @property  # type: ignore[override]
    def min_length(self) -> int:
        return _member_limits(self.service, self.operation, self.member_path)[0]

    @property  # type: ignore[override]
    def max_length(self) -> int | None:
        return _member_limits(self.service, self.operation, self.member_path)[1]

    @property  # type: ignore[override]
    def pattern(self) -> str | None:
        return _member_limits(self.service, self.operation, self.member_path)[2] if self.with_pattern else None

    def meaning_is(self, meaning: str) -> "ApiStringRule":
        return ApiStringRule(self.operation, self.member_path, meaning, self.with_pattern, self.service)

    def without_pattern(self) -> "ApiStringRule":
        """The same length limits, no pattern (for a pattern such as ``.*`` whose anchoring is moot)."""
        return ApiStringRule(self.operation, self.member_path, self.meaning, with_pattern=False, service=self.service)

    def __repr__(self) -> str:
        service = "" if self.service == "bedrock" else f", service={self.service!r}"
        return f"ApiStringRule({self.operation!r}, {self.member_path!r}{service})"


@functools.lru_cache(maxsize=None)
def service_model(service: str = "bedrock") -> Any:
    """botocore's model of ``service``, straight from botocore's data files: a session would read the
    AWS profile's config, and a missing AWS_PROFILE would then fail every check with a traceback."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    return ServiceModel(create_loader().load_service_model(service, "service-2"), service)


@functools.lru_cache(maxsize=None)
def _member_limits(service: str, operation: str, member_path: str) -> tuple[int, int | None, str | None]:
    shape = service_model(service).operation_model(operation).input_shape
    for part in member_path.split("."):
        if part == "[]":
            shape = shape.member
        else:
            shape = shape.members[part]
    meta = shape.metadata
    return int(meta.get("min", 0)), meta.get("max"), meta.get("pattern")


def api_rule(operation: str, member_path: str, service: str = "bedrock") -> ApiStringRule:
    """The rule of ``member_path`` (dotted, ``[]`` for list members) in an operation's input,
    resolved from botocore's model of ``service`` (default Bedrock) on first use."""
    return ApiStringRule(operation, member_path, service=service)


@dataclass(frozen=True)
class IntegerRule:
    """The range of one whole-number value."""

    minimum: int | None = None
    maximum: int | None = None

    def problem(self, value: int) -> str | None:
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum} (got {value})"
        if self.maximum is not None and value > self.maximum:
            return f"must be at most {self.maximum} (got {value})"
        return None

    def __str__(self) -> str:
        bounds = [f"{sign} {bound:,}" for sign, bound in (("≥", self.minimum), ("≤", self.maximum)) if bound is not None]
        return " ".join(["a whole number", " and ".join(bounds)]).strip()


REGION_RULE = StringRule(1, REGION_MAX_LENGTH, REGION_PATTERN, "an AWS region such as us-east-1")
"""An AWS region name in any partition (``us-gov-west-1``, ``eusc-de-east-1``), for a resource's
``region`` and stack config ``aws:region``."""


# durations

MAX_TIMEOUT = "24h"
MAX_TIMEOUT_SECONDS = 24 * 3600.0
"""The longest wait a ``timeouts`` entry may ask for. Bedrock's slowest operations (a custom model
deployment, a provisioned throughput) finish in minutes to hours; a longer wait holds a provider
worker and a ``pulumi up`` for a day, so it is a typo (an extra digit), not a plan."""

_DURATION = LinearPattern(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")


def parse_duration(text: str) -> float | None:
    """Seconds in a Go-style duration such as ``"90m"``, ``"1h30m"``, ``"45s"`` (as pulumi-aws timeouts).

    None when ``text`` is not such a duration. Hundreds of digits (``"9…9h"``) give ``inf``: callers
    bound the result (``timeouts`` at :data:`MAX_TIMEOUT`).
    """
    match = _DURATION.fullmatch(text.strip())
    if not text.strip() or match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


_SKIP = object()


class InputChecker:
    """Collects the check failures of one resource's inputs and returns them normalized."""

    def __init__(self, news: Mapping[str, Any]) -> None:
        self.inputs: dict[str, Any] = dict(news)
        self.failures: list[CheckFailure] = []

    def fail(self, field: str, reason: str) -> None:
        self.failures.append(CheckFailure(field, f"{field} {reason}" if not reason.startswith(field) else reason))

    def _given(self, field: str, required: bool) -> Any:
        """The value to validate, or ``_SKIP`` when it is absent (a failure if required) or unknown."""
        value = self.inputs.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return _SKIP
        return _SKIP if is_unknown(value) else value

    def present(self, field: str) -> bool:
        return self.inputs.get(field) is not None

    def string(self, field: str, rule: StringRule | None = None, *, required: bool = False) -> None:
        value = self._given(field, required)
        if value is _SKIP:
            return
        if not isinstance(value, str):
            self.fail(field, f"must be a string, got {type(value).__name__}")
            return
        problem = rule.problem(value) if rule else None
        if problem:
            self.fail(field, problem)

    def enum(self, field: str, allowed: Iterable[str], *, required: bool = False) -> None:
        allowed = list(allowed)
        value = self._given(field, required)
        if value is _SKIP:
            return
        if value not in allowed:
            self.fail(field, f"must be one of {', '.join(allowed)} (got {value!r})")

    def integer(
        self, field: str, rule: IntegerRule | None = None, *, minimum: int | None = None, maximum: int | None = None,
        required: bool = False,
    ) -> None:
        """A whole number within ``rule`` (or ``minimum``/``maximum``); an integral float becomes an int."""
        rule = rule or IntegerRule(minimum, maximum)
        value = self._given(field, required)
        if value is _SKIP:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, f"must be a whole number, got {type(value).__name__}")
            return
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                self.fail(field, f"must be a whole number, got {value}")
                return
            value = int(value)
        self.inputs[field] = value
        problem = rule.problem(value)
        if problem:
            self.fail(field, problem)

    def boolean(self, field: str) -> None:
        value = self.inputs.get(field)
        if value is None or is_unknown(value):
            return
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false, got {value!r}")

    def timeouts(self, field: str, operations: Iterable[str]) -> None:
        """A pulumi-aws style ``timeouts`` object, e.g. ``{"create": "90m", "update": "1h"}``."""
        value = self.inputs.get(field)
        if value is None or is_unknown(value):
            return
        operations = list(operations)
        if not isinstance(value, Mapping):
            self.fail(field, f"must be an object with keys {', '.join(operations)}")
            return
        for key, text in value.items():
            if key not in operations:
                self.fail(f"{field}.{key}", f"is not a timeout of this resource (allowed: {', '.join(operations)})")
            elif text is not None and not is_unknown(text):
                seconds = parse_duration(text) if isinstance(text, str) else None
                if seconds is None or seconds <= 0:
                    self.fail(f"{field}.{key}", f'must be a positive duration such as "30m", "1h30m" or "45s" (got {text!r})')
                elif seconds > MAX_TIMEOUT_SECONDS:
                    self.fail(f"{field}.{key}", f"must be at most {MAX_TIMEOUT} (got {text!r})")

    def reject_unknown_fields(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed) | {"__provider"}
        for field in sorted(set(self.inputs) - allowed, key=str):
            self.fail(str(field) or '""', f"is not an input of this resource (inputs: {', '.join(sorted(allowed - {'__provider'}))})")


def timeout_seconds(timeouts: Mapping[str, Any] | None, operation: str, default: float) -> float:
    """The timeout for ``operation`` from a checked ``timeouts`` object, or ``default``."""
    text = (timeouts or {}).get(operation)
    return parse_duration(text) if isinstance(text, str) and parse_duration(text) else default
