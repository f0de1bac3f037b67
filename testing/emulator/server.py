"""The emulator's WSGI application and a threaded HTTP server around it.

:class:`EmulatorApplication` serves Bedrock's REST-JSON routes (with fault injection and
request logging around moto-style dispatch) and the JSON control endpoints under
``/_emulator/``. Every response carries a ``Date`` header from the emulator's clock, as AWS's
responses carry AWS's time.

=======  ===============================  ====================================================
GET      /_emulator/health                ``{"status": "ok"}``
POST     /_emulator/reset                 reset state, clock, faults, log; body ``{"durations": {...}|seconds}`` optional
GET      /_emulator/clock                 ``{"now": iso, "offsetSeconds": s}``
POST     /_emulator/clock/advance         ``{"seconds": s}`` → same as GET
GET/POST /_emulator/durations             read / update ``{"custom_model_deployment_create": s, ...}`` (or ``{"all": s}``)
GET      /_emulator/faults                the fault configuration
DELETE   /_emulator/faults                turn every fault off (incl. pending fail-next)
POST     /_emulator/faults/throttle       ``{"rates": {"CreateInferenceProfile": 5, "*": 100}, "clock": "real"|"emulator", "burst": n}``
POST     /_emulator/faults/errors         ``{"rate": 0.2, "seed": 7, "operations": [...]|null, "after": false, "reset": false}``
POST     /_emulator/faults/latency        ``{"seconds": 0.1, "perOperation": {"Op": 0.5}}``
POST     /_emulator/faults/fail-next      ``{"operation": "CreateCustomModelDeployment", "failureMessage": "..."}``
POST     /_emulator/faults/error-next     ``{"operation": "Op", "code": "ConflictException", "message": .., "status": .., "count": 1, "after": false}``
POST     /_emulator/faults/drop-response-next  ``{"operation": "Op", "count": 1, "after": true}`` (connection reset, no response)
GET      /_emulator/requests              ``{"requests": [...], "counts": {...}}`` (``?operation=X`` filters)
DELETE   /_emulator/requests              clear the request log
GET/POST /_emulator/token-semantics       read / set ``{"semantics": "ec2"|"ignore"}`` (kept by reset)
POST     /_emulator/custom-models         ``{"modelName", "baseModelId", "region"?, "status"?, "accountId"?}`` → ``{"modelArn"}``
GET/POST /_emulator/identity-policy       read / set ``{"policy": doc|[docs]|null, "principalArn"?}`` (see :mod:`.runtime`)
GET/POST /_emulator/route                 read / set ``{"region": r|null}``: where profile requests are served
POST     /_emulator/cost-allocation-tags/seen  ``{"tagKeys": [...], "accountId"?}``: billing has seen these keys
=======  ===============================  ====================================================

Requests under ``/model/`` are bedrock-runtime's (:mod:`.runtime`), requests with an
``X-Amz-Target`` of ``AWSInsightsIndexService.*`` Cost Explorer's (:mod:`.cost_explorer`), all
served with the same faults, latency and request log as the control plane.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
from datetime import datetime
from email.utils import formatdate
from typing import Any, Callable, Iterable

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError
from moto.core.request import Request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from .clock import Durations
from .cost_explorer import (
    CostExplorerEmulatorResponse,
    cost_explorer_emulator_backends,
    is_cost_explorer_request,
    resolve_cost_explorer_operation,
)
from .exceptions import InternalServerException
from .faults import Fault, FaultInjector
from .models import EmulatorRuntime, bedrock_emulator_backends, emulator_runtime
from .request_log import RecordedRequest, RequestLog
from .responses import BedrockEmulatorResponse, error_response, resolve_operation
from .runtime import BedrockRuntimeResponse, RuntimeSettings, control_routes, is_runtime_request, resolve_runtime_operation
from .urls import CONTROL_PREFIX

DEFAULT_REGION = "us-east-1"
#: An operation's HTTP status, headers and body.
Served = tuple[int, dict[str, Any], Any]
#: WSGI environ key set when the response is to be lost to a reset connection.
RESET_CONNECTION = "bedrock_emulator.reset_connection"
logger = logging.getLogger(__name__)


class EmulatorRequest(Request):
    """moto's normalised request, marked as coming from a real WSGI server."""

    from_wsgi_server = True


class ControlError(Exception):
    """A bad control request (HTTP 400 with ``{"error": message}``)."""


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP ``Date`` header value (RFC 7231 IMF-fixdate), e.g.
    ``Wed, 25 Nov 2026 15:26:25 GMT``."""
    return formatdate(moment.timestamp(), usegmt=True)


def _error_code(headers: dict[str, Any], body: str | bytes) -> str | None:
    code = headers.get("X-Amzn-ErrorType") or headers.get("x-amzn-ErrorType")
    if code:
        return str(code).split(":")[0]
    try:
        return json.loads(body).get("__type")
    except (ValueError, AttributeError):
        return None


class EmulatorApplication:
    """WSGI application serving Bedrock and the ``/_emulator/`` control endpoints."""

    def __init__(self, runtime: EmulatorRuntime = emulator_runtime) -> None:
        self.runtime = runtime
        self.faults = FaultInjector(emulator_time=lambda: self.runtime.clock.now().timestamp())
        self.log = RequestLog()
        self.inference = RuntimeSettings()
        self._state_lock = threading.RLock()
        self._control_routes: dict[tuple[str, str], Callable[[dict[str, Any], Request], Any]] = {
            ("GET", "/health"): lambda body, req: {"status": "ok"},
            ("POST", "/reset"): self._reset,
            ("GET", "/clock"): lambda body, req: self._clock(),
            ("POST", "/clock/advance"): self._advance,
            ("GET", "/durations"): lambda body, req: self.runtime.durations.to_dict(),
            ("POST", "/durations"): self._set_durations,
            ("GET", "/faults"): lambda body, req: self._faults(),
            ("DELETE", "/faults"): self._clear_faults,
            ("POST", "/faults/throttle"): lambda body, req: self.faults.throttle(
                body.get("rates", {}), body.get("clock", "real"), body.get("burst")
            ),
            ("POST", "/faults/errors"): lambda body, req: self.faults.inject_errors(
                float(body.get("rate", 0.0)), int(body.get("seed", 0)), body.get("operations"),
                bool(body.get("after", False)), bool(body.get("reset", False)),
            ),
            ("POST", "/faults/latency"): lambda body, req: self.faults.set_latency(
                float(body.get("seconds", 0.0)), body.get("perOperation")
            ),
            ("POST", "/faults/fail-next"): self._fail_next,
            ("POST", "/faults/error-next"): self._error_next,
            ("POST", "/faults/drop-response-next"): lambda body, req: self.faults.drop_response_next(
                body["operation"], int(body.get("count", 1)), bool(body.get("after", True))
            ),
            ("GET", "/requests"): self._requests,
            ("DELETE", "/requests"): lambda body, req: self.log.reset(),
            ("POST", "/custom-models"): self._seed_custom_model,
            ("GET", "/token-semantics"): lambda body, req: {"semantics": self.runtime.token_semantics},
            ("POST", "/token-semantics"): self._set_token_semantics,
            ("POST", "/cost-allocation-tags/seen"): self._mark_tag_keys_seen,
            **control_routes(self.inference),
        }

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = EmulatorRequest(environ)
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            response = self._serve_control(request)
        else:
            response = self._serve_bedrock(request)
        response.headers.setdefault("Date", http_date(self.runtime.clock.now()))
        return response(environ, start_response)

    def _serve_bedrock(self, request: EmulatorRequest) -> Response:
        handler: Any
        if is_cost_explorer_request(request):
            handler, resolve = CostExplorerEmulatorResponse(), resolve_cost_explorer_operation
        elif is_runtime_request(request.path):
            handler, resolve = BedrockRuntimeResponse(self.inference), resolve_runtime_operation
        else:
            handler, resolve = BedrockEmulatorResponse(), resolve_operation
        handler.params = {}
        fault: Fault | None = None
        operation_status: int | None = None
        try:
            operation, uri_params = resolve(request)
        except JsonRESTError as error:
            status, headers, body = error_response(error)
            name = "Unknown"
        else:
            name = operation.name
            delay = self.faults.latency_for(name)
            if delay > 0:
                time.sleep(delay)
            fault = self.faults.next_fault(name)
            if fault is None or fault.after:
                status, headers, body = self._run_operation(
                    name, lambda: handler.handle(request, operation, uri_params)
                )
                operation_status = status
            if fault is not None and fault.error is not None:
                status, headers, body = error_response(fault.error)
            elif fault is not None:  # a reset connection: no response at all
                status, headers, body = 0, {}, b""
        served_at = self.runtime.clock.now()
        self.log.record(
            RecordedRequest(
                operation=name,
                method=request.method,
                path=request.path,
                status=status,
                region=getattr(handler, "region", None) or _region_from_signature(request),
                error_code=_error_code(headers, body) if status >= 400 else None,
                params=_json_safe(handler.params),
                time=served_at.isoformat(),
                fault=fault.stage if fault is not None else None,
                connection_reset=fault is not None and fault.reset,
                operation_status=operation_status,
                served_region=getattr(handler, "served_region", None),
            )
        )
        if fault is not None and fault.reset:
            request.environ[RESET_CONNECTION] = True
            raise ConnectionResetError(f"{name}: connection reset by the Bedrock emulator (injected fault)")
        headers.setdefault("Content-Type", "application/json")
        headers["Date"] = http_date(served_at)
        return Response(response=body, status=status, headers=headers)

    def _run_operation(self, name: str, run: Callable[[], Served]) -> Served:
        """Run an operation against the backend under the state lock; an emulator bug becomes a 500."""
        try:
            with self._state_lock:
                return run()
        except Exception as bug:  # an emulator bug: answer like the service would, keep serving
            logger.exception("Bedrock emulator failed on %s", name)
            return error_response(InternalServerException(f"Emulator error in {name}: {bug!r}"))

    def _serve_control(self, request: EmulatorRequest) -> Response:
        route = self._control_routes.get((request.method, request.path[len(CONTROL_PREFIX) :].rstrip("/") or "/"))
        if route is None:
            return _json_response({"error": f"no control endpoint {request.method} {request.path}"}, 404)
        try:
            raw = request.get_data()
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ControlError("the request body must be a JSON object")
            with self._state_lock:
                result = route(body, request)
        except (ControlError, ValueError, TypeError, KeyError) as error:
            return _json_response({"error": str(error)}, 400)
        except JsonRESTError as error:
            return _json_response({"error": error.message, "code": error.error_type}, error.code)
        return _json_response(result if result is not None else {"ok": True}, 200)

    # ------------------------------------------------------------------ control operations

    def reset(self, durations: Durations | None = None) -> None:
        """Delete every resource and reset clock, durations, faults and the request log."""
        with self._state_lock:
            for account_backends in [*bedrock_emulator_backends.values(), *cost_explorer_emulator_backends.values()]:
                account_backends.reset()
            self.runtime.reset(durations)
            self.faults.reset()
            self.log.reset()
            self.inference.reset()

    def _reset(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        durations = body.get("durations")
        if isinstance(durations, (int, float)):
            self.reset(Durations.uniform(durations))
        elif isinstance(durations, dict):
            parsed = Durations()
            parsed.update(durations)
            self.reset(parsed)
        else:
            self.reset()
        return {"durations": self.runtime.durations.to_dict()}

    def _set_token_semantics(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        self.runtime.set_token_semantics(body.get("semantics"))
        return {"semantics": self.runtime.token_semantics}

    def _clock(self) -> dict[str, Any]:
        return {"now": self.runtime.clock.now().isoformat(), "offsetSeconds": self.runtime.clock.offset_seconds}

    def _advance(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        self.runtime.clock.advance(float(body["seconds"]))
        return self._clock()

    def _set_durations(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        if "all" in body:
            self.runtime.durations = Durations.uniform(float(body.pop("all")))
        self.runtime.durations.update(body)
        return self.runtime.durations.to_dict()

    def _faults(self) -> dict[str, Any]:
        return {**self.faults.to_dict(), "failNext": self.runtime.pending_failures()}

    def _clear_faults(self, body: dict[str, Any], request: Request) -> None:
        self.faults.reset()
        while any(self.runtime.take_forced_failure(op) for op in self.runtime.pending_failures()):
            pass

    def _fail_next(self, body: dict[str, Any], request: Request) -> None:
        message = body.get("failureMessage")
        if message:
            self.runtime.fail_next(body["operation"], message)
        else:
            self.runtime.fail_next(body["operation"])

    def _error_next(self, body: dict[str, Any], request: Request) -> None:
        self.faults.error_next(
            body["operation"], body["code"], body.get("message"), body.get("status"), int(body.get("count", 1)),
            bool(body.get("after", False)),
        )

    def _requests(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        operation = request.args.get("operation")
        return {
            "requests": [e.to_dict() for e in self.log.entries(operation)],
            "counts": self.log.counts(),
        }

    def _mark_tag_keys_seen(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        keys = body["tagKeys"]
        if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
            raise ControlError("tagKeys must be a list of non-empty strings")
        self.runtime.mark_tag_keys_seen(body.get("accountId", DEFAULT_ACCOUNT_ID), keys)
        return {"tagKeys": keys}

    def _seed_custom_model(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        account = body.get("accountId", DEFAULT_ACCOUNT_ID)
        backend = bedrock_emulator_backends[account][body.get("region", DEFAULT_REGION)]
        model = backend.seed_custom_model(
            body["modelName"], body["baseModelId"], status=body.get("status", "Active")
        )
        return {"modelArn": model.model_arn}


def _region_from_signature(request: Request) -> str | None:
    authorization = request.headers.get("Authorization", "")
    parts = authorization.split("Credential=", 1)
    if len(parts) == 2:
        scope = parts[1].split(",")[0].split("/")
        if len(scope) >= 3:
            return scope[2]
    return None


def _json_response(payload: Any, status: int) -> Response:
    return Response(json.dumps(payload, default=str), status=status, mimetype="application/json")


class _QuietRequestHandler(WSGIRequestHandler):
    """No per-request access log lines on stderr; the ``Date`` header comes from the application."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        # http.server adds a wall-clock Date here; EmulatorApplication sets one from its clock.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())

    def connection_dropped(self, error: BaseException, environ: dict[str, Any] | None = None) -> None:
        """End the connection; for an injected reset, with a TCP RST (linger 0) and no response."""
        self.close_connection = True
        if environ is not None and environ.get(RESET_CONNECTION):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()


class EmulatorServer:
    """Serves an :class:`EmulatorApplication` over HTTP from a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, app: EmulatorApplication | None = None) -> None:
        self.app = app or EmulatorApplication()
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=_QuietRequestHandler
        )
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        """``http://host:port`` with the actual (possibly OS-chosen) port."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="bedrock-emulator", daemon=True)
            self._thread.start()
        return self.endpoint

    def serve_forever(self) -> None:
        """Serve on the calling thread until :meth:`stop` is called from elsewhere."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
