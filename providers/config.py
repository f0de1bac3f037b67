"""Stack configuration the engine hands a dynamic provider through Configure.

The engine sends all stack config, keys namespaced (``aws:region``), values as strings and
structured values as JSON text. Only the ``aws:`` keys pulumi-aws users already set are read:
``aws:region``, ``aws:profile``, ``aws:defaultTags`` (``{"tags": {...}}``), ``aws:maxRetries``
and ``aws:endpoints`` (``[{"bedrock": "http://..."}]``). Credentials are never read from config.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class ProviderConfig:
    region: str | None = None
    profile: str | None = None
    default_tags: Mapping[str, str] = field(default_factory=dict)
    max_retries: int | None = None
    endpoint: str | None = None

    @classmethod
    def from_stack_config(cls, get: Any) -> "ProviderConfig":
        """Build from a getter of namespaced keys (``pulumi.dynamic.Config.get`` or ``dict.get``)."""
        default_tags = _json(get("aws:defaultTags"), "aws:defaultTags") or {}
        if not isinstance(default_tags, dict) or not isinstance(default_tags.get("tags", {}), dict):
            raise ValueError('stack config aws:defaultTags must be an object like {"tags": {"team": "ml"}}')
        endpoints = _json(get("aws:endpoints"), "aws:endpoints") or []
        endpoint = None
        for entry in endpoints if isinstance(endpoints, list) else [endpoints]:
            if isinstance(entry, dict) and entry.get("bedrock"):
                endpoint = str(entry["bedrock"])
        max_retries = get("aws:maxRetries")
        return cls(
            region=get("aws:region") or None,
            profile=get("aws:profile") or None,
            default_tags={str(k): str(v) for k, v in (default_tags.get("tags") or {}).items()},
            max_retries=int(float(max_retries)) if max_retries not in (None, "") else None,
            endpoint=endpoint,
        )


def _json(value: Any, key: str) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"stack config {key} is not valid JSON: {error}") from error
