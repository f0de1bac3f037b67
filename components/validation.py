"""Argument checks the components share: what a ``model`` names, tags with the stack's default tags.

They run at construction, before any resource registers, on the values that are already known;
values that are Outputs pass through to the providers' ``check``, which sees them resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping

import pulumi
from pulumi.output import Unknown

from ..identifiers import foundation_model_id, is_model_id, parse_arn, split_profile_id
from ..providers import tags as tagging
from ..providers.config import ProviderConfig
from ..providers.validation import StringRule

ModelKind = Literal["foundation-model", "system-profile", "custom-model"]

MODEL_MEANING = (
    "a foundation model ID or ARN (anthropic.claude-3-haiku-20240307-v1:0), a system inference profile "
    "ID or ARN (us.anthropic.claude-3-haiku-20240307-v1:0) or a custom model ARN (arn:aws:bedrock:...:custom-model/...)"
)
_ARN_KINDS: Mapping[str, ModelKind] = {
    "foundation-model": "foundation-model",
    "inference-profile": "system-profile",
    "custom-model": "custom-model",
}


class InvalidArgumentError(ValueError):
    """A component argument breaks a rule; the message names the component, the field and the rule."""

    def __init__(self, component: str, field: str, reason: str) -> None:
        super().__init__(f"{component}: {field} {reason}")
        self.component = component
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Model:
    """What a known ``model`` argument names."""

    kind: ModelKind
    base_model_id: str
    """The foundation model ID (for a model or a system profile) or the custom model ARN."""


def classify_model(model: str) -> Model | None:
    """The kind of model ``model`` names, or None when it is none of :data:`MODEL_MEANING`."""
    arn = parse_arn(model)
    if arn:
        kind = _ARN_KINDS.get(arn.resource_type)
        if kind is None or "*" in model:
            return None
        return Model(kind, model if kind == "custom-model" else foundation_model_id(arn.resource_id))
    if model.startswith("arn:") or not is_model_id(model):
        return None
    kind = "system-profile" if split_profile_id(model)[0] is not None else "foundation-model"
    return Model(kind, foundation_model_id(model))


def base_model_id(model: str) -> str:
    """``model``'s foundation model ID or custom model ARN (``model`` itself when it is unclassifiable)."""
    classified = classify_model(model)
    return classified.base_model_id if classified else model


def stack_provider_config() -> ProviderConfig:
    """The stack's ``aws:`` config, read as the providers read it (:meth:`ProviderConfig.from_stack_config`)."""
    config = {"aws": pulumi.Config("aws")}

    def get(key: str) -> Any:
        namespace, _, name = key.partition(":")
        return config[namespace].get(name) if namespace in config else None

    return ProviderConfig.from_stack_config(get)


def stack_default_tags() -> dict[str, str]:
    """The stack's ``aws:defaultTags``, read as the providers read them (they count against the tag limit)."""
    return dict(stack_provider_config().default_tags)


def known(value: Any) -> Any:
    """``value`` with every Output in it (top level, mapping values) replaced by an unknown marker."""
    if isinstance(value, pulumi.Output):
        return Unknown()
    if isinstance(value, Mapping):
        return {k: known(v) for k, v in value.items()}
    return value


def check_tags(component: str, field: str, tags: Any, default_tags: Mapping[str, str]) -> None:
    """Tag rules (keys, values, ``aws:`` prefix, 50 per resource with the stack default tags counted)."""
    for _, reason in tagging.tag_problems(known(tags), field, default_tags):
        raise InvalidArgumentError(component, field, reason.removeprefix(f"{field} "))


def check_string(component: str, field: str, value: Any, rule: StringRule) -> None:
    if value is None or isinstance(value, pulumi.Output):
        return
    if not isinstance(value, str):
        raise InvalidArgumentError(component, field, f"must be a string, got {type(value).__name__}")
    problem = rule.problem(value)
    if problem:
        raise InvalidArgumentError(component, field, problem)


def check_fields(component: str, args: Mapping[str, Any], allowed: Any, field_prefix: str = "") -> None:
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise InvalidArgumentError(
            component, f"{field_prefix}{unknown[0]}", f"is not an argument; expected one of {', '.join(sorted(allowed))}"
        )
