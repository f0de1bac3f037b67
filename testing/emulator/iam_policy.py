"""Evaluation of IAM identity-based policies, as AWS evaluates them for one request.

No maintained Python library evaluates Resource, NotResource and Condition the way IAM does:
moto's ``moto/iam/access_control.py`` ignores NotResource, treats a failed condition on an
Allow statement as a Deny and knows only ``StringEquals``; ``policyuniverse`` and
``policy_sentry`` describe policies but do not evaluate them; ``iam-ape`` summarises an
account's policies rather than deciding a request. Hence this small evaluator, limited to
identity-based policies in one account (no resource policies, SCPs, boundaries or sessions).

Rules implemented, with their source:

* Decision: an explicit Deny in any statement wins; otherwise an Allow is needed; otherwise
  the request is implicitly denied. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
* ``Action`` / ``NotAction``: case-insensitive, with ``*`` and ``?`` wildcards.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
* ``Resource`` / ``NotResource``: ``"*"`` or an ARN pattern matched case-sensitively, with ``*``
  and ``?`` wildcards within a colon-separated segment; a ``*`` that is the last character of a
  segment "can expand to match beyond the colon boundaries", so ``arn:aws:bedrock:*`` matches
  every Bedrock ARN.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
* ``Condition``: every operator and every key of a block must match (AND); any one of a
  key's values may match (OR). ``StringEquals``, ``StringNotEquals``,
  ``StringEqualsIgnoreCase``, ``StringNotEqualsIgnoreCase``, ``StringLike``,
  ``StringNotLike``, ``ArnEquals``, ``ArnNotEquals``, ``ArnLike``, ``ArnNotLike``, ``Null``,
  each (but ``Null``) also as ``...IfExists``. A key missing from the request context makes
  a positive operator false and a negated operator true; ``...IfExists`` makes any operator
  true for a missing key.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  Keys are case-insensitive. ``ArnEquals``/``ArnLike`` match each of the six colon-delimited
  parts separately; ``StringLike``'s ``*`` matches across colons.
* Multivalued context keys (a context value that is a list): ``ForAnyValue:`` is true when at
  least one context value matches (false when the key is missing or empty), ``ForAllValues:``
  when every context value matches (true when the key is missing or empty). Without a
  qualifier, a positive operator is true when any context value matches.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  Policy variables are not supported and rejected by :func:`parse_policies`.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from pulumi_bedrock_inference.patterns import wildcard_fullmatches

POLICY_VERSIONS = ("2012-10-17", "2008-10-17")


class PolicyError(ValueError):
    """A policy document the evaluator cannot read (names the statement and element)."""


class Decision(enum.Enum):
    """The outcome of evaluating identity policies for one action on one resource."""

    ALLOW = "Allow"
    #: No statement allows the request ("no identity-based policy allows ...").
    IMPLICIT_DENY = "ImplicitDeny"
    #: A Deny statement matched ("with an explicit deny in an identity-based policy").
    EXPLICIT_DENY = "ExplicitDeny"

    @property
    def allowed(self) -> bool:
        return self is Decision.ALLOW


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches ``pattern`` with IAM's ``*`` and ``?`` wildcards."""
    return wildcard_fullmatches(pattern, value, ignore_case=ignore_case)


def resource_match(pattern: str, arn: str) -> bool:
    """IAM's ``Resource`` matching: ``*`` and ``?`` within a colon-separated segment, except that a
    ``*`` ending a segment (followed by ``:`` or the end of the pattern) also matches colons; the
    sixth part (the resource) may itself contain colons."""
    import re

    segments = pattern.split(":", 5)
    regex = []
    for index, segment in enumerate(segments):
        last = index == 5
        out = []
        for position, char in enumerate(segment):
            ends_segment = position == len(segment) - 1
            if char == "*":
                out.append(".*" if last or ends_segment else "[^:]*")
            elif char == "?":
                out.append("." if last else "[^:]")
            else:
                out.append(re.escape(char))
        regex.append("".join(out))
    from pulumi_bedrock_inference.patterns import fullmatches

    return fullmatches("(?s)" + ":".join(regex), arn)


def arn_match(pattern: str, arn: str) -> bool:
    """IAM's ARN matching: ``"*"`` matches anything; otherwise each of the six colon-separated
    parts (the last one may contain colons) is glob-matched separately, so a wildcard never
    spans a part boundary."""
    if pattern == "*":
        return True
    pattern_parts = pattern.split(":", 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(glob_match(p, a) for p, a in zip(pattern_parts, arn_parts))


# --------------------------------------------------------------------------- conditions


def _string_equals(policy_value: str, value: str) -> bool:
    return policy_value == value


def _string_equals_ignore_case(policy_value: str, value: str) -> bool:
    return policy_value.lower() == value.lower()


def _string_like(policy_value: str, value: str) -> bool:
    return glob_match(policy_value, value)


def _arn_like(policy_value: str, value: str) -> bool:
    return arn_match(policy_value, value)


@dataclass(frozen=True)
class ConditionOperator:
    """One condition operator: how one policy value matches one context value."""

    name: str
    matches: Callable[[str, str], bool]
    negated: bool = False


CONDITION_OPERATORS: Mapping[str, ConditionOperator] = {
    op.name: op
    for op in (
        ConditionOperator("StringEquals", _string_equals),
        ConditionOperator("StringNotEquals", _string_equals, negated=True),
        ConditionOperator("StringEqualsIgnoreCase", _string_equals_ignore_case),
        ConditionOperator("StringNotEqualsIgnoreCase", _string_equals_ignore_case, negated=True),
        ConditionOperator("StringLike", _string_like),
        ConditionOperator("StringNotLike", _string_like, negated=True),
        # ArnEquals and ArnLike behave the same: both match part by part, with wildcards.
        ConditionOperator("ArnEquals", _arn_like),
        ConditionOperator("ArnNotEquals", _arn_like, negated=True),
        ConditionOperator("ArnLike", _arn_like),
        ConditionOperator("ArnNotLike", _arn_like, negated=True),
    )
}


SET_QUALIFIERS = ("ForAllValues", "ForAnyValue")


@dataclass(frozen=True)
class Condition:
    """``{operator: {key: values}}`` for one operator (with its ``ForAllValues:`` / ``ForAnyValue:``
    qualifier, if any) and one key."""

    operator: str
    key: str
    values: tuple[str, ...]

    def holds(self, context: Mapping[str, str | Sequence[str]]) -> bool:
        """Whether the condition is met by ``context`` (keys already lower-cased; a list is a
        multivalued key)."""
        qualifier, _, operator_name = self.operator.rpartition(":")
        raw = context.get(self.key.lower())
        present = None if raw is None else ([raw] if isinstance(raw, str) else list(raw))
        if operator_name == "Null":
            want_missing = self.values[0].lower() == "true"
            return (present is None) == want_missing
        if_exists = operator_name.endswith("IfExists")
        operator = CONDITION_OPERATORS[operator_name[: -len("IfExists")] if if_exists else operator_name]

        def matches(value: str) -> bool:
            return any(operator.matches(policy_value, value) for policy_value in self.values)

        if qualifier == "ForAllValues":
            return all(matches(v) != operator.negated for v in present or [])
        if qualifier == "ForAnyValue":
            return any(matches(v) != operator.negated for v in present or [])
        if present is None:
            return if_exists or operator.negated
        matched = any(matches(v) for v in present)
        return not matched if operator.negated else matched


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Statement:
    """One parsed policy statement."""

    effect: str
    actions: tuple[str, ...]
    actions_negated: bool
    resources: tuple[str, ...]
    resources_negated: bool
    conditions: tuple[Condition, ...]
    sid: str | None = None

    def applies(self, action: str, resource: str, context: Mapping[str, str | Sequence[str]]) -> bool:
        """Whether this statement's Action, Resource and Condition all match the request."""
        action_listed = any(glob_match(a, action, ignore_case=True) for a in self.actions)
        if action_listed == self.actions_negated:
            return False
        resource_listed = any(resource_match(r, resource) for r in self.resources)
        if resource_listed == self.resources_negated:
            return False
        return all(condition.holds(context) for condition in self.conditions)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise PolicyError(f"{where} must be a string or a non-empty list of strings")
    return tuple(values)


def _one_of(raw: Mapping[str, Any], names: tuple[str, str], where: str) -> tuple[tuple[str, ...], bool]:
    present = [name for name in names if name in raw]
    if len(present) != 1:
        raise PolicyError(f"{where} must have exactly one of {names[0]} or {names[1]}")
    return _strings(raw[present[0]], f"{where}.{present[0]}"), present[0].startswith("Not")


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}.Condition must be an object")
    parsed = []
    for operator, block in raw.items():
        qualifier, _, name = operator.rpartition(":")
        base = name[: -len("IfExists")] if name.endswith("IfExists") else name
        if (name != "Null" and base not in CONDITION_OPERATORS) or (qualifier and (qualifier not in SET_QUALIFIERS or name == "Null")):
            supported = ", ".join([*CONDITION_OPERATORS, "Null"])
            raise PolicyError(
                f"{where}.Condition operator {operator!r} is not supported by the emulator "
                f"(supported: {supported}, each but Null also with IfExists and with ForAllValues: or ForAnyValue:)"
            )
        if not isinstance(block, Mapping) or not block:
            raise PolicyError(f"{where}.Condition.{operator} must be a non-empty object of key: value(s)")
        for key, values in block.items():
            values = _strings(values, f"{where}.Condition.{operator}.{key}")
            if any("${" in v for v in values):
                raise PolicyError(f"{where}.Condition.{operator}.{key}: policy variables are not supported")
            if operator == "Null" and values[0].lower() not in ("true", "false"):
                raise PolicyError(f"{where}.Condition.Null.{key} must be \"true\" or \"false\"")
            parsed.append(Condition(operator, key, values))
    return tuple(parsed)


def _statement(raw: Any, where: str) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where} must be an object")
    if raw.get("Effect") not in ("Allow", "Deny"):
        raise PolicyError(f"{where}.Effect must be \"Allow\" or \"Deny\"")
    if "Principal" in raw or "NotPrincipal" in raw:
        raise PolicyError(f"{where}: an identity-based policy cannot name a Principal")
    actions, actions_negated = _one_of(raw, ("Action", "NotAction"), where)
    resources, resources_negated = _one_of(raw, ("Resource", "NotResource"), where)
    return Statement(
        effect=raw["Effect"],
        actions=actions,
        actions_negated=actions_negated,
        resources=resources,
        resources_negated=resources_negated,
        conditions=_conditions(raw.get("Condition"), where),
        sid=raw.get("Sid"),
    )


def parse_policy(document: Mapping[str, Any] | str, name: str = "policy") -> tuple[Statement, ...]:
    """The statements of one policy document (a dict or its JSON text).

    Raises :class:`PolicyError` naming the statement and element for anything the
    evaluator cannot read (so a policy is never silently half-understood).
    """
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as error:
            raise PolicyError(f"{name} is not valid JSON: {error}") from None
    if not isinstance(document, Mapping):
        raise PolicyError(f"{name} must be a JSON object")
    version = document.get("Version")
    if version is not None and version not in POLICY_VERSIONS:
        raise PolicyError(f"{name}.Version must be one of {', '.join(POLICY_VERSIONS)}")
    raw = document.get("Statement")
    statements = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(statements, list) or not statements:
        raise PolicyError(f"{name}.Statement must be an object or a non-empty list")
    return tuple(_statement(s, f"{name}.Statement[{i}]") for i, s in enumerate(statements))


def parse_policies(policies: Mapping[str, Any] | str | Sequence[Mapping[str, Any] | str]) -> tuple[Statement, ...]:
    """The statements of one policy document or of a list of them (all attached to one identity)."""
    if isinstance(policies, (str, Mapping)):
        return parse_policy(policies)
    return tuple(s for i, p in enumerate(policies) for s in parse_policy(p, f"policy[{i}]"))


def evaluate(
    statements: Iterable[Statement], action: str, resource: str, context: Mapping[str, str | Sequence[str]] | None = None
) -> Decision:
    """IAM's decision for ``action`` on ``resource`` with request ``context`` (condition keys)."""
    lowered = {key.lower(): value for key, value in (context or {}).items()}
    allowed = False
    for statement in statements:
        if statement.applies(action, resource, lowered):
            if statement.effect == "Deny":
                return Decision.EXPLICIT_DENY
            allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


__all__ = [
    "CONDITION_OPERATORS",
    "Condition",
    "Decision",
    "PolicyError",
    "Statement",
    "arn_match",
    "evaluate",
    "glob_match",
    "parse_policies",
    "parse_policy",
    "resource_match",
]
