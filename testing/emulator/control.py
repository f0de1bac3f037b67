"""Python control API for the emulator, in-process or against a running one at a URL."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from types import TracebackType
from typing import Any, Iterable, Mapping, Sequence

from .faults import ThrottleClock
from .server import EmulatorServer

DEFAULT_REGION = "us-east-1"


class EmulatorControlError(RuntimeError):
    """A control endpoint refused a request (bad argument, unknown operation, ...)."""


class BedrockEmulator:
    """Drives a local Bedrock control-plane emulator.

    ``BedrockEmulator()`` runs one in this process (a daemon thread) once :meth:`start` is
    called or the object is used as a context manager; ``BedrockEmulator.connect(url)``
    controls one that is already running, e.g. ``python -m
    pulumi_bedrock_inference.testing.emulator``. Both talk to the ``/_emulator/`` HTTP
    control endpoints, so they behave identically. Point boto3 at :attr:`endpoint` with
    ``AWS_ENDPOINT_URL_BEDROCK`` (see :meth:`environment`) or use :meth:`client`.

    Emulator state (resources, clock, durations, faults) is per process, like moto's.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        durations: float | Mapping[str, float] | None = None,
        token_semantics: str | None = None,
    ):
        """An in-process emulator on ``host:port`` (port 0: any free port); not started yet.

        ``durations``: seconds every life-cycle transition takes (a number) or per transition
        (see :class:`~.clock.Durations`); default 3 s each.
        ``token_semantics``: how a repeated clientRequestToken is answered, ``"ec2"`` (the
        default) or ``"ignore"``; see :meth:`set_token_semantics`.
        """
        self._host, self._port = host, port
        self._initial_durations = durations
        self._initial_token_semantics = token_semantics
        self._server: EmulatorServer | None = None
        self._endpoint: str | None = None

    @classmethod
    def connect(cls, endpoint: str) -> BedrockEmulator:
        """Control an emulator already running at ``endpoint`` (e.g. ``http://127.0.0.1:4566``)."""
        emulator = cls()
        emulator._endpoint = endpoint.rstrip("/")
        emulator._call("GET", "/health")
        return emulator

    # ------------------------------------------------------------------ life cycle

    @property
    def endpoint(self) -> str:
        """The base URL boto3 should use, e.g. ``http://127.0.0.1:54321``."""
        if self._endpoint is None:
            raise EmulatorControlError("the emulator is not running; call start() first")
        return self._endpoint

    def start(self) -> BedrockEmulator:
        """Start serving in a background thread (no-op if already running or connected)."""
        if self._endpoint is None:
            self._server = EmulatorServer(self._host, self._port)
            self._endpoint = self._server.start()
            if self._initial_durations is not None:
                self.set_durations(self._initial_durations)
            if self._initial_token_semantics is not None:
                self.set_token_semantics(self._initial_token_semantics)
        return self

    def stop(self) -> None:
        """Stop an in-process emulator; a connected (remote) one is left running."""
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._endpoint = None

    def __enter__(self) -> BedrockEmulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def environment(self, region: str = DEFAULT_REGION) -> dict[str, str]:
        """Environment variables that point boto3 (and Pulumi programs) at this emulator:
        ``bedrock``, ``bedrock-runtime`` and ``ce`` (Cost Explorer) clients all go to :attr:`endpoint`."""
        return {
            "AWS_ENDPOINT_URL_BEDROCK": self.endpoint,
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": self.endpoint,
            "AWS_ENDPOINT_URL_COST_EXPLORER": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": region,
        }

    def client(self, region: str = DEFAULT_REGION, **config: Any) -> Any:
        """A boto3 ``bedrock`` client for this emulator; ``config`` goes to ``botocore.config.Config``
        (e.g. ``retries={"total_max_attempts": 1}`` for no retries)."""
        return self._boto3_client("bedrock", region, config)

    def runtime_client(self, region: str = DEFAULT_REGION, **config: Any) -> Any:
        """A boto3 ``bedrock-runtime`` client for this emulator (InvokeModel, Converse and their
        streaming forms); ``region`` is the request's source region; ``config`` goes to
        ``botocore.config.Config`` as for :meth:`client`."""
        return self._boto3_client("bedrock-runtime", region, config)

    def cost_explorer_client(self, region: str = DEFAULT_REGION, **config: Any) -> Any:
        """A boto3 ``ce`` (Cost Explorer) client for this emulator: ListCostAllocationTags and
        UpdateCostAllocationTagsStatus; ``config`` goes to ``botocore.config.Config`` as for :meth:`client`."""
        return self._boto3_client("ce", region, config)

    def _boto3_client(self, service: str, region: str, config: Mapping[str, Any]) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(**config) if config else None,
        )

    # ------------------------------------------------------------------ state and clock

    def reset(self, durations: float | Mapping[str, float] | None = None) -> None:
        """Delete all resources; clock back to wall time; faults off; request log cleared.

        Durations become ``durations`` (number: every transition; mapping: per transition,
        others 3 s), default 3 s each.
        """
        body: dict[str, Any] = {}
        if durations is not None:
            body["durations"] = durations if isinstance(durations, (int, float)) else dict(durations)
        self._call("POST", "/reset", body)

    def now(self) -> datetime:
        """The emulator clock's current time (every response's ``Date`` header shows it, too)."""
        return datetime.fromisoformat(self._call("GET", "/clock")["now"])

    def advance(self, seconds: float) -> datetime:
        """Move the emulator clock forward by ``seconds``; returns the new time. Pending
        transitions, commitment expiry, ``Date`` response headers and throttles with
        ``clock="emulator"`` follow this clock."""
        return datetime.fromisoformat(self._call("POST", "/clock/advance", {"seconds": seconds})["now"])

    def set_durations(self, all: float | Mapping[str, float] | None = None, **per_transition: float) -> dict[str, float]:
        """Set transition durations in seconds: ``all`` for every transition (a number) and/or
        by name: ``custom_model_deployment_create``, ``custom_model_deployment_update``,
        ``provisioned_throughput_create``, ``provisioned_throughput_update``,
        ``cost_allocation_tag_seen`` (how long a tag key must be on a resource before billing sees
        it; AWS: up to 24 hours). Returns all durations."""
        body: dict[str, Any] = dict(per_transition)
        if isinstance(all, Mapping):
            body.update(all)
        elif all is not None:
            body["all"] = all
        return self._call("POST", "/durations", body)

    def durations(self) -> dict[str, float]:
        """The current transition durations in seconds."""
        return self._call("GET", "/durations")

    def set_token_semantics(self, semantics: str) -> None:
        """How a create repeating an earlier clientRequestToken (same parameters) is answered.

        ``"ec2"`` (the default), as EC2's idempotency page that Bedrock links to: the original
        response, i.e. the ARN the token created, even after that resource was deleted, for 24 h
        of emulator clock after the deletion. ``"ignore"``, as Bedrock's API reference words it:
        the token's resource while it exists; after its deletion the request creates a new one.
        Under both, different parameters with a remembered token are a ValidationException.
        :meth:`reset` keeps the setting.
        """
        self._call("POST", "/token-semantics", {"semantics": semantics})

    def token_semantics(self) -> str:
        """The current token semantics, ``"ec2"`` or ``"ignore"``."""
        return self._call("GET", "/token-semantics")["semantics"]

    def seed_custom_model(
        self, name: str, base_model_id: str, region: str = DEFAULT_REGION, status: str = "Active"
    ) -> str:
        """Create a custom model (as a finished customization job would) and return its ARN,
        ``arn:aws:bedrock:{region}:123456789012:custom-model/{base_model_id}/{12 alnum}``."""
        body = {"modelName": name, "baseModelId": base_model_id, "region": region, "status": status}
        return self._call("POST", "/custom-models", body)["modelArn"]

    def mark_tag_keys_seen(self, tag_keys: Iterable[str], account_id: str | None = None) -> None:
        """Make AWS billing have seen ``tag_keys`` now (as if resources had carried them for a day), so
        ListCostAllocationTags lists them (``Inactive`` until activated) and
        UpdateCostAllocationTagsStatus accepts them. Without this a key is seen once a Bedrock
        resource has carried it for ``durations()["cost_allocation_tag_seen"]`` of emulator clock."""
        body: dict[str, Any] = {"tagKeys": list(tag_keys)}
        if account_id is not None:
            body["accountId"] = account_id
        self._call("POST", "/cost-allocation-tags/seen", body)

    # ------------------------------------------------------------------ faults

    def throttle(
        self,
        rates: Mapping[str, float | None] | None = None,
        *,
        clock: ThrottleClock = "real",
        burst: float | None = None,
        **per_operation: float | None,
    ) -> None:
        """Answer ThrottlingException (HTTP 429) above a rate in requests per second per operation,
        e.g. ``throttle({"CreateInferenceProfile": 5})``; key ``"*"`` covers every other operation;
        rate ``None``/0 lifts a limit. Token bucket with a burst of ``max(1, rate)``.

        ``clock``: ``"real"`` (default) refills the bucket with real time; ``"emulator"`` with the
        emulator's clock (real time plus every :meth:`advance`), so long throttled runs can be
        tested fast: ``throttle({"*": 1 / 60}, clock="emulator", burst=3)`` accepts 3 requests,
        then one more per minute of emulator time. ``burst``: bucket size (>= 1; default
        ``max(1, rate)``). Applies to the operations named in this call."""
        body: dict[str, Any] = {"rates": {**(rates or {}), **per_operation}, "clock": clock}
        if burst is not None:
            body["burst"] = burst
        self._call("POST", "/faults/throttle", body)

    def inject_errors(
        self, rate: float, seed: int = 0, operations: Iterable[str] | None = None, *, after: bool = False,
        reset: bool = False,
    ) -> None:
        """Answer InternalServerException (HTTP 500) to a fraction ``rate`` of requests (of
        ``operations`` only, if given), deterministically for a given ``seed``. ``rate=0`` stops.

        ``after=True``: the operation runs first (the backend changes), then its response is
        lost. ``reset=True``: the connection is reset without a response instead of a 500."""
        body = {
            "rate": rate,
            "seed": seed,
            "operations": list(operations) if operations is not None else None,
            "after": after,
            "reset": reset,
        }
        self._call("POST", "/faults/errors", body)

    def latency(self, seconds: float = 0.0, per_operation: Mapping[str, float] | None = None) -> None:
        """Delay each request by ``seconds`` (default 0: none), or per operation by ``per_operation``."""
        self._call("POST", "/faults/latency", {"seconds": seconds, "perOperation": dict(per_operation or {})})

    def fail_next(self, operation: str, failure_message: str | None = None) -> None:
        """Make the resource of the next ``operation`` call end failed after its transition:
        CreateCustomModelDeployment → ``Failed``; UpdateCustomModelDeployment → ``UpdateFailed``
        (old model kept); CreateProvisionedModelThroughput and UpdateProvisionedModelThroughput
        (model change) → ``Failed``. ``failure_message`` becomes ``failureMessage``. Calls queue up."""
        body = {"operation": operation}
        if failure_message is not None:
            body["failureMessage"] = failure_message
        self._call("POST", "/faults/fail-next", body)

    def error_next(
        self, operation: str, code: str, message: str | None = None, status: int | None = None, count: int = 1,
        *, after: bool = False,
    ) -> None:
        """Make the next ``count`` (default 1) calls of ``operation`` fail at once with Bedrock
        error ``code`` (e.g. ``"ConflictException"``), with the error's usual HTTP status unless
        ``status`` is given. ``after=True``: each call runs in the backend first (a create
        creates), then its response is replaced by the error, e.g. ``error_next(
        "CreateInferenceProfile", "InternalServerException", after=True)``."""
        body = {
            "operation": operation, "code": code, "message": message, "status": status, "count": count, "after": after
        }
        self._call("POST", "/faults/error-next", body)

    def drop_response_next(self, operation: str, count: int = 1, *, after: bool = True) -> None:
        """Reset the connection of the next ``count`` (default 1) calls of ``operation``: the client
        gets no response (botocore raises ``ConnectionClosedError`` and retries it). By default
        the operation ran first, so the backend changed and only the response was lost, the case
        client tokens exist for; ``after=False`` resets before the operation runs."""
        self._call("POST", "/faults/drop-response-next", {"operation": operation, "count": count, "after": after})

    def clear_faults(self) -> None:
        """Turn off throttling, random errors, latency, scripted errors and pending fail_next."""
        self._call("DELETE", "/faults")

    def faults(self) -> dict[str, Any]:
        """The current fault configuration."""
        return self._call("GET", "/faults")

    # ------------------------------------------------------------------ runtime: IAM and routing

    def set_identity_policy(
        self, policy: Mapping[str, Any] | str | Sequence[Mapping[str, Any] | str] | None, principal_arn: str | None = None
    ) -> None:
        """Authorize every ``bedrock-runtime`` request against the caller's IAM identity policy.

        ``policy``: a policy document (dict or JSON text), or a list of them (all the policies
        attached to the caller); ``None`` (the default after :meth:`reset`) allows everything.
        Evaluation follows IAM: an explicit Deny wins, else an Allow is needed; Action/NotAction
        and Resource/NotResource with ``*``/``?`` wildcards; String*, Arn* and Null condition
        operators (with ``IfExists``). Through an inference profile a request needs the invoke
        action on the profile ARN and on the foundation-model ARN in the region it is routed to,
        with ``bedrock:InferenceProfileArn`` = the profile ARN in the request context.
        A refusal is ``AccessDeniedException`` (HTTP 403) naming the action and resource.
        ``principal_arn``: the caller named in refusals and in ``aws:PrincipalArn`` (default
        ``arn:aws:iam::123456789012:user/testing``). A policy using anything the emulator
        cannot evaluate is refused here (:class:`EmulatorControlError`), never half-applied.
        """
        body: dict[str, Any] = {"policy": policy if isinstance(policy, (str, Mapping)) or policy is None else list(policy)}
        if principal_arn is not None:
            body["principalArn"] = principal_arn
        self._call("POST", "/identity-policy", body)

    def identity_policy(self) -> Any:
        """The registered identity policy as given to :meth:`set_identity_policy` (None: none)."""
        return self._call("GET", "/identity-policy")["policy"]

    def route_to(self, region: str | None) -> None:
        """Serve every request through an inference profile in ``region``, which must be one of
        the profile's destination regions (else the request fails with ValidationException).
        ``None`` (the default after :meth:`reset`): round-robin over the profile's regions, in
        the order of its ``models``. The served region is ``served_region`` in :meth:`requests`."""
        self._call("POST", "/route", {"region": region})

    # ------------------------------------------------------------------ request log

    def requests(self, operation: str | None = None) -> list[dict[str, Any]]:
        """Logged Bedrock requests (oldest first), optionally of one operation. Each has
        ``operation``, ``method``, ``path``, ``status`` (what the client got; 0: connection reset),
        ``region``, ``error_code``, ``params``, ``time`` (emulator clock), ``fault`` (``"before"`` or
        ``"after"`` the operation ran, or None), ``connection_reset`` and ``operation_status`` (what
        the operation itself returned; None if it did not run), and, for ``bedrock-runtime``
        requests, ``served_region`` (the region that served it)."""
        query = f"?{urllib.parse.urlencode({'operation': operation})}" if operation else ""
        return self._call("GET", f"/requests{query}")["requests"]

    def counts(self) -> dict[str, int]:
        """Number of logged requests per operation, faulted and failed ones included."""
        return self._call("GET", "/requests")["counts"]

    def count(self, operation: str) -> int:
        """Number of logged requests of ``operation``."""
        return self.counts().get(operation, 0)

    def reset_log(self) -> None:
        """Clear the request log."""
        self._call("DELETE", "/requests")

    # ------------------------------------------------------------------ transport

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.endpoint}/_emulator{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise EmulatorControlError(f"{method} /_emulator{path} failed ({error.code}): {detail}") from None
