"""The boto3 clients of the providers (Bedrock's control plane, Cost Explorer): created lazily, cached
per process, retrying by time.

Clients are cached per (service, region, profile, endpoint, attempts): one provider process serves every
resource of a deployment from many threads (``provider_process.py``), and boto3 clients (unlike
sessions) are thread-safe. Credentials come only from the environment and the default chain.

Retry policy. botocore's standard mode retries throttling, 5xx and connection errors with
jittered exponential backoff, but also spends a client-side retry quota (500 tokens, 5 per
throttled retry, 14 per other retry, 1 back per success) shared by every call of the client.
Under sustained throttling the quota runs dry and calls of unrelated resources fail after 2–5
attempts. Here the same botocore machinery (``botocore.retries.standard``: its retryable-error
checks and backoff) runs without that shared quota, and each call is bounded on its own:

- Throttling (ThrottlingException, 429...) is retried with backoff capped at
  :data:`MAX_THROTTLE_BACKOFF` seconds until the call's time budget is spent: the remaining time
  of the wait it belongs to (:func:`call_deadline`), else :data:`CALL_TIME_BUDGET` seconds.
- Other retryable errors (5xx, lost connections) are retried the same way, but at most
  ``max_attempts`` attempts in all (stack config ``aws:maxRetries`` + 1, default
  :data:`DEFAULT_MAX_ATTEMPTS`).

The handler replaces the one botocore registers under its documented ``unique_id``
(``retry-config-<service>``); ``tests/unit/test_client_retries.py`` fails when botocore changes
that. If the replacement cannot be made, the client keeps botocore's standard mode: correct, but
under sustained throttling calls can fail early again.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from pulumi_bedrock_inference import __version__

from . import provider_process

DEFAULT_MAX_ATTEMPTS = 10
"""Attempts of one call that fails with a 5xx or connection error (``aws:maxRetries`` + 1)."""

CALL_TIME_BUDGET = 900.0
"""Seconds one AWS call may keep retrying throttling and transient errors outside a wait."""

MAX_THROTTLE_BACKOFF = 4.0
"""Cap in seconds of the jittered exponential backoff between attempts (botocore's default is 20)."""

MAX_POOL_CONNECTIONS = provider_process.DEFAULT_WORKERS
"""HTTP connections kept per client: as many as the provider process runs calls at once (opened
on demand), so concurrent calls never open and discard connections."""

ENDPOINT_VARIABLES = {"bedrock": "AWS_ENDPOINT_URL_BEDROCK", "ce": "AWS_ENDPOINT_URL_COST_EXPLORER"}
"""botocore's per-service endpoint variable of each service a provider calls (``AWS_ENDPOINT_URL_<service ID>``)."""

_clients: dict[tuple[str, str, str | None, str | None, int], Any] = {}
_lock = threading.Lock()
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("bedrock_call_deadline", default=None)


def bedrock_client(region: str, profile: str | None = None, endpoint: str | None = None, max_attempts: int | None = None) -> Any:
    """Return the cached ``bedrock`` client for this region, profile and endpoint (see :func:`aws_client`)."""
    return aws_client("bedrock", region, profile, endpoint, max_attempts)


def aws_client(
    service: str, region: str, profile: str | None = None, endpoint: str | None = None, max_attempts: int | None = None
) -> Any:
    """Return the cached client of ``service`` (a key of :data:`ENDPOINT_VARIABLES`) for this region,
    profile and endpoint.

    ``endpoint`` overrides botocore's own resolution, which already honours the service's
    ``AWS_ENDPOINT_URL_<service>`` variable; the variable is part of the cache key so a changed
    environment gets a new client. ``max_attempts`` bounds retries of 5xx and connection errors
    (throttling is bounded by time only).
    """
    attempts = max_attempts or DEFAULT_MAX_ATTEMPTS
    endpoint = endpoint or os.environ.get(ENDPOINT_VARIABLES[service]) or os.environ.get("AWS_ENDPOINT_URL")
    key = (service, region, profile, endpoint, attempts)
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _new_client(service, region, profile, endpoint, attempts)
            _clients[key] = client
    return client


def _new_client(service: str, region: str, profile: str | None, endpoint: str | None, attempts: int) -> Any:
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(profile_name=profile, region_name=region)
    client = session.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            user_agent_extra=f"pulumi-bedrock-inference/{__version__}",
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=MAX_POOL_CONNECTIONS,
        ),
    )
    install_time_bounded_retries(client, attempts)
    return client


@contextlib.contextmanager
def call_deadline(seconds: float) -> Iterator[None]:
    """Bound the retries of every AWS call made in this block (this thread) to ``seconds`` from now."""
    token = _deadline.set(time.monotonic() + max(0.0, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def install_time_bounded_retries(client: Any, max_attempts: int) -> bool:
    """Replace botocore's standard retry handler of ``client`` by the policy in this module's
    docstring. Returns False (and leaves botocore's handler) when botocore's pieces have changed."""
    try:
        from botocore.retries import standard

        service = client.meta.service_model.service_id.hyphenize()
        throttling = standard.ThrottlingErrorDetector(standard.RetryEventAdapter())
        backoff = standard.ExponentialBackoff(
            max_backoff=MAX_THROTTLE_BACKOFF, service_name=service, throttling_detector=throttling
        )
        handler = standard.RetryHandler(
            retry_policy=standard.RetryPolicy(
                retry_checker=_RetryWithinBudget(max_attempts, throttling), retry_backoff=backoff
            ),
            retry_event_adapter=standard.RetryEventAdapter(),
            retry_quota=_NoSharedQuota(),
            service_name=service,
        )
    except (ImportError, AttributeError, TypeError):
        return False
    unique_id = f"retry-config-{service}"
    client.meta.events.unregister(f"needs-retry.{service}", unique_id=unique_id)
    client.meta.events.register(f"needs-retry.{service}", handler.needs_retry, unique_id=unique_id)
    return True


class _RetryWithinBudget:
    """botocore's retryable-error checks; throttling bounded by time, other errors also by attempts."""

    def __init__(self, max_attempts: int, throttling: Any) -> None:
        from botocore.retries import standard

        # No attempt limit here: it is applied below to non-throttling errors only.
        self._retryable = standard.StandardRetryConditions(max_attempts=1 << 30)
        self._throttling = throttling
        self._max_attempts = max_attempts

    def is_retryable(self, context: Any) -> bool:
        if not self._retryable.is_retryable(context):
            return False
        state = context.request_context.setdefault(
            "bedrock_inference_retries", {"deadline": _deadline.get() or time.monotonic() + CALL_TIME_BUDGET, "other": 0}
        )
        if time.monotonic() >= state["deadline"]:
            context.add_retry_metadata(TimeBudgetSpent=True)
            return False
        if self._throttling.is_throttling_error_from_context(context):
            return True
        state["other"] += 1
        if state["other"] >= self._max_attempts:
            context.add_retry_metadata(MaxAttemptsReached=True)
            return False
        return True


class _NoSharedQuota:
    """Stands in for botocore's RetryQuotaChecker: calls are bounded one by one, not together."""

    def acquire_retry_quota(self, context: Any) -> bool:
        return True


def default_region(profile: str | None = None) -> str | None:
    """The region boto3 would use from the environment or the profile's config file (no AWS call)."""
    import boto3

    return boto3.session.Session(profile_name=profile).region_name if profile else boto3.session.Session().region_name


def clear_cache() -> None:
    """Forget cached clients (tests that change the environment)."""
    with _lock:
        _clients.clear()
