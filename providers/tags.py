"""Resource tags: validation, stack default tags, and the AWS list form.

As in pulumi-aws, ``tags`` are the resource's own tags and ``tags_all`` is what AWS holds: the stack's
``aws:defaultTags`` merged under the resource tags (a resource tag wins over a default of the same key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from .config import ProviderConfig

from .errors import aws_call
from .validation import InputChecker, StringRule, api_rule, contains_unknown, is_unknown

MAX_TAGS = 50
"""The service's real limit per resource (the API shape allows a list of 200)."""

RESERVED_PREFIX = "aws:"


KEY_RULE: StringRule = api_rule("TagResource", "tags.[].key")
VALUE_RULE: StringRule = api_rule("TagResource", "tags.[].value")


def tag_problems(tags: Any, field: str = "tags", default_tags: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(property, reason) for every rule ``tags`` breaks; counts the merged default tags against the limit."""
    if tags is None or is_unknown(tags):
        return []
    if not isinstance(tags, Mapping):
        return [(field, f"{field} must be a mapping of tag keys to string values")]
    problems: list[tuple[str, str]] = []
    for key, value in tags.items():
        where = field
        if is_unknown(value):
            continue
        if not isinstance(key, str):
            problems.append((field, f"{field} keys must be strings"))
            continue
        key_problem = KEY_RULE.problem(key)
        if key_problem:
            problems.append((where, f"{field} key {key!r} {key_problem}"))
        if key.lower().startswith(RESERVED_PREFIX):
            problems.append((where, f"{field} key {key!r} must not start with the reserved prefix \"aws:\""))
        if not isinstance(value, str):
            problems.append((where, f"{field} value for {key!r} must be a string, got {type(value).__name__}"))
            continue
        value_problem = VALUE_RULE.problem(value)
        if value_problem:
            problems.append((where, f"{field} value for {key!r} {value_problem}"))
    merged = merge_default_tags(default_tags, tags)
    if len(merged) > MAX_TAGS:
        extra = f" including {len(merged) - len(tags)} stack default tags (aws:defaultTags)" if len(merged) > len(tags) else ""
        problems.append((field, f"{field} must hold at most {MAX_TAGS} tags per resource{extra}, got {len(merged)}"))
    return problems


def merge_default_tags(default_tags: Mapping[str, str] | None, tags: Mapping[str, Any] | None) -> dict[str, Any]:
    """``tags_all``: default tags overlaid by the resource's own tags."""
    return {**dict(default_tags or {}), **dict(tags or {})}


def to_aws(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in sorted(tags.items())]


def from_aws(tags: list[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in tags or []}


def own_tags(tags_all: Mapping[str, str], default_tags: Mapping[str, str] | None, previous_own: Mapping[str, str] | None) -> dict[str, str]:
    """The resource's own tags inside ``tags_all``: keys it had before, and any not explained by a default tag."""
    defaults = dict(default_tags or {})
    previous = dict(previous_own or {})
    return {k: v for k, v in tags_all.items() if k in previous or defaults.get(k) != v}


def delta(old_all: Mapping[str, str], new_all: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """(tags to set, keys to remove) to go from ``old_all`` to ``new_all``."""
    to_set = {k: v for k, v in new_all.items() if old_all.get(k) != v}
    to_remove = sorted(k for k in old_all if k not in new_all)
    return to_set, to_remove


class TaggedProvider:
    """The tag methods of a provider: ``tags`` and ``tags_all`` checked, diffed, read and applied."""

    stack_config: "ProviderConfig"

    label: Callable[[Any], str]

    def check_tags(self, checker: InputChecker) -> None:
        for field, reason in tag_problems(checker.inputs.get("tags"), "tags", self.stack_config.default_tags):
            checker.fail(field, reason)

    def tags_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new_tags = news.get("tags")
        if contains_unknown(new_tags):
            return True
        wanted_all = merge_default_tags(self.stack_config.default_tags, new_tags)
        return (olds.get("tags") or {}) != (new_tags or {}) or (olds.get("tags_all") or {}) != wanted_all

    def tags_all(self, props: Mapping[str, Any]) -> dict[str, str]:
        return merge_default_tags(self.stack_config.default_tags, props.get("tags"))

    def sync_tags(self, client: Any, arn: str, name: str, current: Mapping[str, str], wanted: Mapping[str, str]) -> None:
        """Untag then tag (in that order, so the 50-tag limit is never crossed on the way)."""
        to_set, to_remove = delta(current, wanted)
        if to_remove:
            with aws_call("untagging", self.label(name)):
                client.untag_resource(resourceARN=arn, tagKeys=to_remove)
        if to_set:
            with aws_call("tagging", self.label(name)):
                client.tag_resource(resourceARN=arn, tags=to_aws(to_set))

    def read_tags(self, client: Any, arn: str, name: str) -> dict[str, str]:
        with aws_call("listing tags of", self.label(name)):
            return from_aws(client.list_tags_for_resource(resourceARN=arn).get("tags"))

    def tag_outputs(self, tags_all: Mapping[str, str], previous_own: Mapping[str, str] | None) -> dict[str, Any]:
        return {
            "tags": own_tags(tags_all, self.stack_config.default_tags, previous_own),
            "tags_all": dict(tags_all),
        }
