"""The boto3 Bedrock control-plane client: created lazily, cached per process.

Clients are cached per (region, profile, endpoint, retries): the engine runs one provider process
per deployment with four worker threads, and boto3 clients (unlike sessions) are thread-safe.
Throttling and 5xx responses are retried by botocore's standard retry mode, not by hand.
Credentials come only from the environment and the default credential chain.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from pulumi_bedrock_inference import __version__

# boto3 and botocore are imported on first use: a Pulumi program imports the providers but never
# calls AWS (only the provider process does), and importing them costs tens of milliseconds.

DEFAULT_MAX_ATTEMPTS = 10

_clients: dict[tuple[str, str | None, str | None, int], Any] = {}
_lock = threading.Lock()


def bedrock_client(region: str, profile: str | None = None, endpoint: str | None = None, max_attempts: int | None = None) -> Any:
    """Return the cached ``bedrock`` client for this region, profile and endpoint.

    ``endpoint`` overrides botocore's own resolution, which already honours
    ``AWS_ENDPOINT_URL_BEDROCK``; the variable is part of the cache key so a changed
    environment gets a new client.
    """
    attempts = max_attempts or DEFAULT_MAX_ATTEMPTS
    endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL_BEDROCK") or os.environ.get("AWS_ENDPOINT_URL")
    key = (region, profile, endpoint, attempts)
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            session = boto3.session.Session(profile_name=profile, region_name=region)
            client = session.client(
                "bedrock",
                region_name=region,
                endpoint_url=endpoint,
                config=Config(
                    retries={"mode": "standard", "total_max_attempts": attempts},
                    user_agent_extra=f"pulumi-bedrock-inference/{__version__}",
                    connect_timeout=10,
                    read_timeout=60,
                ),
            )
            _clients[key] = client
    return client


def default_region(profile: str | None = None) -> str | None:
    """The region boto3 would use from the environment or the profile's config file (no AWS call)."""
    import boto3

    return boto3.session.Session(profile_name=profile).region_name if profile else boto3.session.Session().region_name


def clear_cache() -> None:
    """Forget cached clients (tests that change the environment)."""
    with _lock:
        _clients.clear()
