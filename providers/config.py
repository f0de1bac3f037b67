"""Stack configuration the engine hands a dynamic provider through Configure.

The engine sends all stack config, keys namespaced (``aws:region``), values as strings and
structured values as JSON text. Only the ``aws:`` keys pulumi-aws users already set are read;
credentials are never read from config. Reading never raises: a value that breaks its rule is
recorded in ``problems`` and every ``check`` reports it as a failure naming the key, before any AWS
call. (An exception in ``configure`` would instead fail every Check with a traceback.)

==================  ==================================================================================
key                 rule
==================  ==================================================================================
``aws:region``      an AWS region such as ``us-east-1`` (lower case, dashes, ending in a number)
``aws:profile``     a profile of the shared AWS config files (``~/.aws/config``, ``~/.aws/credentials``,
                    or where ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE`` point)
``aws:defaultTags`` JSON ``{"tags": {"team": "ml"}}``; the tags follow the rules of a resource's ``tags``
                    (key 1–128 and value 0–256 characters of ``[a-zA-Z0-9\\s._:/=+@-]``, no ``aws:``
                    prefix, at most 50 together with the resource's own)
``aws:maxRetries``  a whole number from 0 to 100
``aws:endpoints``   JSON list of objects such as ``[{"bedrock": "http://127.0.0.1:5000"}]``; a
                    ``bedrock`` or ``ce`` (Cost Explorer) entry is an http(s) URL with a host
==================  ==================================================================================
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .client import default_region
from .tags import tag_problems
from .validation import REGION_RULE

MAX_RETRIES = 100
"""The largest ``aws:maxRetries`` accepted: more retries than this only turn an outage into an hours-long hang."""


class StackConfigError(ValueError):
    """An AWS call was about to run under stack config that breaks its rules."""


@dataclass(frozen=True)
class ProviderConfig:
    region: str | None = None
    profile: str | None = None
    default_tags: Mapping[str, str] = field(default_factory=dict)
    max_retries: int | None = None
    endpoint: str | None = None
    """The ``bedrock`` entry of ``aws:endpoints``."""
    cost_explorer_endpoint: str | None = None
    """The ``ce`` entry of ``aws:endpoints`` (pulumi-aws's name for Cost Explorer's endpoint)."""
    problems: tuple[tuple[str, str], ...] = ()
    """``(config key, reason)`` for every value that breaks its rule; such a value is not used."""

    @property
    def problem_keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.problems)

    def default_region(self) -> str | None:
        """The region of a resource without a ``region`` input: ``aws:region``, else the region boto3
        reads for ``aws:profile`` (``AWS_DEFAULT_REGION`` or the profile's config file). None while
        ``aws:region`` or ``aws:profile`` breaks its rule; botocore's ProfileNotFound when the
        profile does not exist."""
        if self.problem_keys & {"aws:region", "aws:profile"}:
            return None
        return self.region or default_region(self.profile)

    def require_valid(self) -> None:
        """Raise :class:`StackConfigError` listing the problems, if any.

        ``check`` reports them, but refresh and destroy run no ``check``: without this a malformed
        ``aws:endpoints`` or ``aws:profile`` would send their calls to another endpoint or account.
        """
        if self.problems:
            reasons = "; ".join(reason for _, reason in self.problems)
            raise StackConfigError(f"no AWS call is made until the stack config is fixed: {reasons}")

    @classmethod
    def from_stack_config(cls, get: Callable[[str], Any]) -> "ProviderConfig":
        """Build from a getter of namespaced keys (``pulumi.dynamic.Config.get`` or ``dict.get``); never raises."""
        problems: list[tuple[str, str]] = []

        def fail(key: str, reason: str) -> None:
            problems.append((key, f"{key} (stack config) {reason}"))

        endpoints = _endpoint_entries(get("aws:endpoints"), fail)

        return cls(
            region=_region(get("aws:region"), fail),
            profile=_profile(get("aws:profile"), fail),
            default_tags=_default_tags(get("aws:defaultTags"), fail),
            max_retries=_max_retries(get("aws:maxRetries"), fail),
            endpoint=_endpoint(endpoints, "bedrock", fail),
            cost_explorer_endpoint=_endpoint(endpoints, "ce", fail),
            problems=tuple(problems),
        )


Fail = Callable[[str, str], None]


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _region(value: Any, fail: Fail) -> str | None:
    if _absent(value):
        return None
    if not isinstance(value, str):
        fail("aws:region", f"must be a string, got {type(value).__name__}")
        return None
    problem = REGION_RULE.problem(value)
    if problem:
        fail("aws:region", problem)
        return None
    return value


def _profile(value: Any, fail: Fail) -> str | None:
    if _absent(value):
        return None
    if not isinstance(value, str):
        fail("aws:profile", f"must be a string, got {type(value).__name__}")
        return None
    problem = profile_problem(value)
    if problem:
        fail("aws:profile", problem)
        return None
    return value


def profile_problem(profile: str) -> str | None:
    """Why ``profile`` names no profile of the shared AWS config files (no AWS call), else None."""
    import botocore.exceptions
    import botocore.session

    try:
        available = botocore.session.Session().available_profiles
    except botocore.exceptions.BotoCoreError as error:
        return f"{profile!r} cannot be looked up: the shared AWS config files cannot be read: {error}"
    if profile in available:
        return None
    listed = ", ".join(sorted(available)) or "none"
    return (
        f"must name a profile of the shared AWS config files (~/.aws/config and ~/.aws/credentials, or "
        f"AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE): {profile!r} is not one (profiles there: {listed})"
    )


def _default_tags(value: Any, fail: Fail) -> dict[str, str]:
    shape = 'must be an object like {"tags": {"team": "ml"}}'
    parsed = _json(value, "aws:defaultTags", fail)
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        fail("aws:defaultTags", f"{shape}, got {_kind(parsed)}")
        return {}
    for key in sorted(set(parsed) - {"tags"}, key=str):
        fail("aws:defaultTags", f"{shape}: {key!r} is not a key of it")
    tags = parsed.get("tags")
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        fail("aws:defaultTags", f'{shape}: "tags" must be an object of tag keys to string values, got {_kind(tags)}')
        return {}
    for _, reason in tag_problems(tags, "aws:defaultTags"):
        fail("aws:defaultTags", reason.removeprefix("aws:defaultTags "))
    return {key: item for key, item in tags.items() if isinstance(key, str) and isinstance(item, str)}


def _max_retries(value: Any, fail: Fail) -> int | None:
    if _absent(value):
        return None
    shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:37]}..."
    rule = f"must be a whole number from 0 to {MAX_RETRIES}, got {shown}"
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii() and len(value.strip()) <= 9:
        number: Any = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        number = value
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_RETRIES:
        fail("aws:maxRetries", rule)
        return None
    return number


def _endpoint_entries(value: Any, fail: Fail) -> list[dict[str, Any]]:
    """The objects of ``aws:endpoints``; a malformed list or entry is reported once."""
    shape = 'must be a list of objects like [{"bedrock": "http://127.0.0.1:5000"}]'
    parsed = _json(value, "aws:endpoints", fail)
    if parsed is None:
        return []
    if not isinstance(parsed, list):
        fail("aws:endpoints", f"{shape}, got {_kind(parsed)}")
        return []
    entries = []
    for index, entry in enumerate(parsed):
        if not isinstance(entry, dict):
            fail("aws:endpoints", f"{shape}: entry {index} is {_kind(entry)}")
            continue
        entries.append(entry)
    return entries


def _endpoint(entries: list[dict[str, Any]], service: str, fail: Fail) -> str | None:
    """The last valid ``service`` URL of ``aws:endpoints``."""
    endpoint = None
    for entry in entries:
        url = entry.get(service)
        if url is None:
            continue
        if not _is_http_url(url):
            fail("aws:endpoints", f'"{service}" must be an http:// or https:// URL with a host, got {url!r}')
            continue
        endpoint = url
    return endpoint


def _is_http_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)


def _json(value: Any, key: str, fail: Fail) -> Any:
    if _absent(value):
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, a number past int's digit limit, deep nesting
        fail(key, f"must be JSON: {error}")
        return None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), type(value).__name__)
