"""bedrock-runtime on the emulator's endpoint: InvokeModel, InvokeModelWithResponseStream,
Converse and ConverseStream, routed and authorized as AWS does.

A request's ``modelId`` is resolved against the emulated control plane of the request's
region (the SigV4 credential scope) and account:

=================================  ==========================================  ===========================
modelId                            served in                                   IAM resources checked
=================================  ==========================================  ===========================
foundation model ID / ARN          the request's region                        the model's ARN there
system profile ID / ARN            one region of the profile's ``models``      the profile ARN, then the
                                   (``global.``: any region of the emulator's  model ARN in that region
                                   global destinations)                        (``global.``: the source
                                                                               region's and the
                                                                               region-less model ARN)
application profile ID / ARN       as the system profile it copies             as for that system profile
provisioned throughput ARN         the request's region (must be InService)    the throughput ARN
custom model deployment ARN        the request's region (must be Active)       the deployment ARN
=================================  ==========================================  ===========================

Through a profile the region is chosen round-robin per profile, unless pinned with
:meth:`RuntimeSettings.route_to`; the request log records it as ``served_region``. With an
identity policy registered (:meth:`RuntimeSettings.set_identity_policy`) every check goes
through :mod:`.iam_policy` with the request context ``bedrock:InferenceProfileArn`` (through
a profile), ``aws:RequestedRegion`` (the source region, and the destination region on the
destination model's check; ``unspecified`` on a global profile's region-less model),
``bedrock:ServiceTier`` (when the request names a tier), ``aws:PrincipalArn``,
``aws:PrincipalAccount`` and, on the check of a tagged target, ``aws:ResourceTag/<key>``; a refusal is AccessDeniedException (HTTP 403)
in AWS's wording. The rules and their sources are in :mod:`.catalogue` (``INVOKE_ACTIONS``,
``INFERENCE_PROFILE_ARN_CONDITION_KEY``, ``PROFILE_AUTHORIZATION_SOURCE``,
``REQUESTED_REGION_AT_DESTINATION_SOURCE``).

Responses are serialized by moto's REST-JSON serializer from botocore's ``bedrock-runtime``
model, the streaming ones as ``application/vnd.amazon.eventstream`` frames with their CRC32s
(moto's ``EventStreamEncoder``), which botocore's ``eventstream`` parser reads.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.core.serialize import RestJSONSerializer

from .catalogue import (
    ACCESS_DENIED_EXPLICIT,
    ACCESS_DENIED_IMPLICIT,
    FOUNDATION_MODELS,
    GLOBAL_REQUESTED_REGION,
    INFERENCE_PROFILE_ARN_CONDITION_KEY,
    INFERENCE_PROFILE_GEOGRAPHIES,
    INVALID_MODEL_IDENTIFIER,
    INVOKE_ACTIONS,
    PROFILE_REQUIRED,
    SERVICE_TIER_CONDITION_KEY,
    UNSUPPORTED_FOR_CONVERSE,
    UNSUPPORTED_FOR_STREAMING,
    FoundationModel,
    foundation_model_arn,
)
from pulumi_bedrock_inference.identifiers import bedrock_arn, is_region, parse_arn, partition_of

from .exceptions import (
    AccessDeniedException,
    NotImplementedByEmulator,
    ResourceNotFoundException,
    ValidationException,
)
from .iam_policy import Decision, PolicyError, Statement, evaluate, parse_policies
from .inference_formats import (
    count_tokens,
    invoke_response,
    invoke_stream_chunks,
    is_embedding,
    message_text,
    reply_text,
    split_for_stream,
)
from .models import BedrockEmulatorBackend, bedrock_emulator_backends
from .responses import error_response, parse_request, resolve_service_operation, validate_request

#: Path prefixes of bedrock-runtime operations (no Bedrock control-plane path starts so).
RUNTIME_PATH_PREFIXES = ("/model/", "/async-invoke", "/guardrail/")
_APPLICATION_PROFILE_ID = re.compile(r"[a-z0-9]{12}")


# --------------------------------------------------------------------------- settings


class RuntimeSettings:
    """Process-wide runtime settings: the caller's identity policy and the routing pin.

    ``reset`` (called by the emulator's reset) removes the policy (everything allowed),
    lifts the pin and restarts round-robin routing.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.documents: Any = None
            self.statements: tuple[Statement, ...] | None = None
            self.principal_arn: str | None = None
            self.pinned_region: str | None = None
            self._turns: dict[str, int] = defaultdict(int)

    def set_identity_policy(self, policy: Any, principal_arn: str | None = None) -> None:
        """Authorize runtime requests against ``policy`` (a document, its JSON text, or a list
        of them); None allows everything. Raises :class:`~.iam_policy.PolicyError`."""
        statements = None if policy is None else parse_policies(policy)
        if principal_arn is not None and not principal_arn.startswith("arn:"):
            raise PolicyError(f"principalArn must be an ARN, not {principal_arn!r}")
        with self._lock:
            self.documents, self.statements, self.principal_arn = policy, statements, principal_arn

    def route_to(self, region: str | None) -> None:
        """Serve every profile request in ``region`` (None: round-robin again)."""
        if region is not None and not is_region(region):
            raise ValueError(f"route_to needs a region name such as us-west-2, not {region!r}")
        with self._lock:
            self.pinned_region = region

    def choose_region(self, profile_arn: str, regions: Sequence[str]) -> str:
        """The region a request through ``profile_arn`` is served in: the pinned one, else the
        next of ``regions`` in turn (round-robin per profile)."""
        with self._lock:
            if self.pinned_region is not None:
                if self.pinned_region not in regions:
                    raise ValidationException(
                        f"The emulator is pinned to route to {self.pinned_region} (route_to), which is not a "
                        f"destination region of {profile_arn} ({', '.join(regions)})."
                    )
                return self.pinned_region
            turn = self._turns[profile_arn]
            self._turns[profile_arn] = turn + 1
            return regions[turn % len(regions)]

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.documents, "principalArn": self.principal_arn, "routeTo": self.pinned_region}


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class InvokeTarget:
    """What a modelId resolves to: its kind, the model family and where it can be served."""

    kind: str
    arn: str
    model: FoundationModel
    #: region → foundation-model ARN that serves the request there.
    destinations: Mapping[str, str]
    #: A global profile's region-less model ARN (``arn:aws:bedrock:::foundation-model/<id>``), else None.
    global_model: str | None = None

    @property
    def through_profile(self) -> bool:
        return self.kind in ("system-profile", "application-profile")


def requested_arn(model_id: str, region: str, account_id: str) -> str:
    """The ARN IAM checks first for ``model_id`` (an ARN as given; an ID as its ARN in ``region``)."""
    if model_id.startswith("arn:"):
        return model_id
    if model_id.split(".", 1)[0] in INFERENCE_PROFILE_GEOGRAPHIES:
        return bedrock_arn(partition_of(region), region, account_id, "inference-profile", model_id)
    if _APPLICATION_PROFILE_ID.fullmatch(model_id):
        return bedrock_arn(partition_of(region), region, account_id, "application-inference-profile", model_id)
    return foundation_model_arn(region, model_id)


def _foundation_model_of(model_arn: str) -> FoundationModel:
    parsed = parse_arn(model_arn)
    model = FOUNDATION_MODELS.get(parsed.resource_id) if parsed is not None and parsed.resource_type == "foundation-model" else None
    if model is None:
        raise ValidationException(f"The emulator's catalogue has no foundation model {model_arn}.")
    return model


def resolve_target(backend: BedrockEmulatorBackend, model_id: str) -> InvokeTarget:
    """Resolve ``model_id`` against the control-plane state of ``backend``'s region and account.

    Unknown identifiers give ValidationException ("The provided model identifier is
    invalid."); a well-formed ARN of a missing profile, throughput or deployment gives
    ResourceNotFoundException; a throughput that is not InService, a deployment that is not
    Active, or a profile-only model called by its own ID/ARN gives ValidationException.
    """
    region = backend.region_name
    arn = requested_arn(model_id, region, backend.account_id)
    parsed = parse_arn(arn)
    if parsed is None or parsed.partition != partition_of(region) or parsed.region != region:
        raise ValidationException(INVALID_MODEL_IDENTIFIER)
    kind = parsed.resource_type
    if kind == "foundation-model":
        model = backend.find_foundation_model(arn)
        if model is None:
            raise ValidationException(INVALID_MODEL_IDENTIFIER)
        if not model.on_demand_invocation:
            raise ValidationException(PROFILE_REQUIRED.format(model_id=model.model_id))
        return InvokeTarget("foundation-model", model.arn(region), model, {region: model.arn(region)})
    if kind == "inference-profile":
        system = backend.find_system_profile(arn)
        if system is None:
            raise ValidationException(INVALID_MODEL_IDENTIFIER)
        return _through_profile("system-profile", system.arn, system.model_arns)
    if kind == "application-inference-profile":
        profile = backend.find_application_profile(arn)
        if profile is None:
            raise ResourceNotFoundException(f"The inference profile {model_id} was not found.")
        return _through_profile("application-profile", profile.arn, profile.model_arns)
    if kind == "provisioned-model":
        throughput = backend.get_provisioned_model_throughput(arn)
        _check_serving("provisioned model", arn, throughput.status, "InService")
        model = _foundation_model_of(throughput.foundation_model_arn)
        return InvokeTarget("provisioned-throughput", throughput.arn, model, {region: throughput.foundation_model_arn})
    if kind == "custom-model-deployment":
        deployment = backend.get_custom_model_deployment(arn)
        _check_serving("custom model deployment", arn, deployment.status, "Active")
        custom = backend.get_custom_model(deployment.model_arn)
        model = _foundation_model_of(custom.base_model_arn)
        return InvokeTarget("custom-model-deployment", deployment.arn, model, {region: custom.base_model_arn})
    if kind == "custom-model":
        raise ValidationException(
            f"The custom model {model_id} cannot be invoked on demand; invoke a provisioned throughput "
            "or a custom model deployment of it."
        )
    raise ValidationException(INVALID_MODEL_IDENTIFIER)


def _check_serving(kind: str, arn: str, status: str, serving_status: str) -> None:
    """ValidationException unless a provisioned model or a deployment is in the status that serves inference."""
    if status != serving_status:
        raise ValidationException(
            f"The {kind} {arn} is in status {status}; it must be {serving_status} to serve inference requests."
        )


def _through_profile(kind: str, arn: str, model_arns: Sequence[str]) -> InvokeTarget:
    """A profile's target from its ``models``: one destination per regional ARN; with a region-less
    ARN (a global profile) any of the emulator's global destination regions."""
    model = _foundation_model_of(model_arns[0])
    regions = {m: parse_arn(m).region for m in model_arns}  # type: ignore[union-attr]
    global_model = next((m for m in model_arns if not regions[m]), None)
    if global_model is None:
        return InvokeTarget(kind, arn, model, {regions[m]: m for m in model_arns})
    regions = INFERENCE_PROFILE_GEOGRAPHIES["global"].destination_regions
    return InvokeTarget(kind, arn, model, {r: foundation_model_arn(r, model.model_id) for r in regions}, global_model)


# --------------------------------------------------------------------------- authorization


def authorize(settings: RuntimeSettings, action: str, resource: str, context: Mapping[str, str]) -> None:
    """Raise AccessDeniedException unless the registered identity policy allows ``action`` on
    ``resource`` (no policy registered: allowed)."""
    statements = settings.statements
    if statements is None:
        return
    decision = evaluate(statements, action, resource, context)
    if decision is Decision.ALLOW:
        return
    template = ACCESS_DENIED_EXPLICIT if decision is Decision.EXPLICIT_DENY else ACCESS_DENIED_IMPLICIT
    principal = context.get("aws:PrincipalArn", "")
    raise AccessDeniedException(template.format(principal=principal, action=action, resource=resource))


def resource_tag_context(backend: BedrockEmulatorBackend, arn: str) -> dict[str, str]:
    """``aws:ResourceTag/<key>`` context keys of a taggable target (application profile,
    throughput, deployment); foundation models and system profiles have no tags."""
    tags = backend.tagger.list_tags_for_resource(arn)["Tags"]
    return {f"aws:ResourceTag/{tag['Key']}": tag["Value"] for tag in tags}


def default_principal_arn(account_id: str, region: str) -> str:
    """The caller when none is configured: the IAM user of the emulator's ``testing`` keys."""
    return f"arn:{partition_of(region)}:iam::{account_id}:user/testing"


# --------------------------------------------------------------------------- HTTP


def is_runtime_request(path: str) -> bool:
    """Whether a request path belongs to bedrock-runtime rather than the control plane."""
    return path.startswith(RUNTIME_PATH_PREFIXES)


def resolve_runtime_operation(request: Any) -> tuple[Any, dict[str, str]]:
    """The bedrock-runtime operation a request targets (botocore's ``http`` traits, via moto's router)."""
    return resolve_service_operation("bedrock-runtime", "Bedrock Runtime", request)


@dataclass(frozen=True)
class RoutedCall:
    """A runtime request after authorization, resolution and routing."""

    target: InvokeTarget
    served_region: str
    model_arn: str


class BedrockRuntimeResponse(BaseResponse):
    """Serves one bedrock-runtime request; :attr:`params` and :attr:`served_region` feed the log."""

    #: InvokeModel bodies are opaque bytes (not necessarily UTF-8) until the model reads them.
    use_raw_body = True

    def __init__(self, settings: RuntimeSettings) -> None:
        super().__init__(service_name="bedrock-runtime")
        self.settings = settings
        self.params: dict[str, Any] = {}
        self.served_region: str | None = None
        self._operations: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "InvokeModel": self.invoke_model,
            "InvokeModelWithResponseStream": self.invoke_model_with_response_stream,
            "Converse": self.converse,
            "ConverseStream": self.converse_stream,
        }

    def handle(self, request: Any, operation: Any, uri_params: Mapping[str, str]) -> TYPE_RESPONSE:
        """Parse, validate, authorize, route and answer one request already matched to ``operation``."""
        self.params = {"modelId": uri_params.get("modelId")}
        try:
            self.setup_class(request)
            serve = self._operations.get(operation.name)
            if serve is None:
                raise NotImplementedByEmulator(f"The Bedrock emulator does not implement {operation.name}.")
            raw_body = request.get_data()
            payload_member = operation.input_shape.serialization.get("payload")
            params = parse_request(
                operation, uri_params, request.args, request.headers, b"" if payload_member else raw_body
            )
            if payload_member:
                params[payload_member] = raw_body
            validate_request(operation, params)
            self.params = {k: v for k, v in params.items() if not isinstance(v, bytes)}
            result = serve(params)
            serialized = RestJSONSerializer(operation).serialize(result)
            headers = serialized["headers"]
            # moto serializes no header members beside an event stream (X-Amzn-Bedrock-Content-Type)
            for name, member in operation.output_shape.members.items():
                if member.serialization.get("location") == "header" and result.get(name) is not None:
                    headers.setdefault(member.serialization["name"], str(result[name]))
            return serialized["status_code"], headers, serialized["body"]
        except JsonRESTError as error:
            return error_response(error)

    # ------------------------------------------------------------------ routing and IAM

    def _route(self, action: str, model_id: str, service_tier: str | None = None) -> RoutedCall:
        """Authorize ``model_id`` itself, resolve and route it, then authorize the destination
        model when the request goes through a profile.

        Like AWS, a caller without access learns nothing about the target: a resolution error
        (not found, not ready) is raised only once the first check has passed.
        """
        backend = bedrock_emulator_backends[self.current_account][self.region]
        principal = self.settings.principal_arn or default_principal_arn(self.current_account, self.region)
        first = requested_arn(model_id, self.region, self.current_account)
        context = {"aws:RequestedRegion": self.region, "aws:PrincipalArn": principal,
                   "aws:PrincipalAccount": self.current_account}
        if service_tier is not None:
            context[SERVICE_TIER_CONDITION_KEY] = service_tier
        if ":inference-profile/" in first or ":application-inference-profile/" in first:
            context[INFERENCE_PROFILE_ARN_CONDITION_KEY] = first
        try:
            target: InvokeTarget | None = resolve_target(backend, model_id)
            unresolved: JsonRESTError | None = None
        except JsonRESTError as error:
            target, unresolved = None, error
        resource_tags = resource_tag_context(backend, target.arn) if target is not None else {}
        authorize(self.settings, action, first, {**context, **resource_tags})
        if target is None:
            assert unresolved is not None
            raise unresolved
        if not target.through_profile:
            self.served_region = self.region
            return RoutedCall(target, self.region, target.destinations[self.region])
        context[INFERENCE_PROFILE_ARN_CONDITION_KEY] = target.arn
        served = self.settings.choose_region(target.arn, list(target.destinations))
        self.served_region = served
        model_arn = target.destinations[served]
        if target.global_model is not None:
            # catalogue.GLOBAL_PROFILE_SOURCE: the source region's model, then the region-less one
            source_model = foundation_model_arn(self.region, target.model.model_id)
            authorize(self.settings, action, source_model, context)
            authorize(self.settings, action, target.global_model, {**context, "aws:RequestedRegion": GLOBAL_REQUESTED_REGION})
            return RoutedCall(target, served, model_arn)
        # there, the destination is the requested region (catalogue.REQUESTED_REGION_AT_DESTINATION_SOURCE)
        authorize(self.settings, action, model_arn, {**context, "aws:RequestedRegion": served})
        return RoutedCall(target, served, model_arn)

    @staticmethod
    def _json_body(params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            body = json.loads(params["body"])
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ValidationException("Malformed input request, please reformat your input and try again.")
        return body

    # ------------------------------------------------------------------ operations

    def invoke_model(self, params: dict[str, Any]) -> dict[str, Any]:
        tier = params.get("serviceTier")
        call = self._route(INVOKE_ACTIONS["InvokeModel"], params["modelId"], tier)
        body = invoke_response(call.target.model, self._json_body(params), call.served_region)
        return {"body": json.dumps(body).encode(), "contentType": "application/json", **_service_tier(tier)}

    def invoke_model_with_response_stream(self, params: dict[str, Any]) -> dict[str, Any]:
        tier = params.get("serviceTier")
        call = self._route(INVOKE_ACTIONS["InvokeModelWithResponseStream"], params["modelId"], tier)
        if not call.target.model.response_streaming_supported:
            raise ValidationException(UNSUPPORTED_FOR_STREAMING)
        chunks = invoke_stream_chunks(call.target.model, self._json_body(params), call.served_region)
        return {
            "body": [{"chunk": {"bytes": json.dumps(chunk).encode()}} for chunk in chunks],
            "contentType": "application/json",
            **_service_tier(tier),
        }

    def _conversation(self, action: str, params: dict[str, Any]) -> tuple[str, int, int]:
        call = self._route(action, params["modelId"], (params.get("serviceTier") or {}).get("type"))
        if is_embedding(call.target.model):
            raise ValidationException(UNSUPPORTED_FOR_CONVERSE)
        prompt = message_text(params.get("messages"))
        text = reply_text(call.target.model.model_id, call.served_region, prompt)
        return text, count_tokens(prompt), count_tokens(text)

    def converse(self, params: dict[str, Any]) -> dict[str, Any]:
        text, inputs, outputs = self._conversation(INVOKE_ACTIONS["Converse"], params)
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs},
            "metrics": {"latencyMs": 0},
            **_service_tier(params.get("serviceTier")),
        }

    def converse_stream(self, params: dict[str, Any]) -> dict[str, Any]:
        text, inputs, outputs = self._conversation(INVOKE_ACTIONS["ConverseStream"], params)
        events: list[dict[str, Any]] = [{"messageStart": {"role": "assistant"}}]
        events += [
            {"contentBlockDelta": {"delta": {"text": piece}, "contentBlockIndex": 0}} for piece in split_for_stream(text)
        ]
        events += [
            {"contentBlockStop": {"contentBlockIndex": 0}},
            {"messageStop": {"stopReason": "end_turn"}},
            {
                "metadata": {
                    "usage": {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs},
                    "metrics": {"latencyMs": 0},
                    **_service_tier(params.get("serviceTier")),
                }
            },
        ]
        return {"stream": events}


def _service_tier(tier: Any) -> dict[str, Any]:
    """The ``serviceTier`` output member: the tier the request named, if any, as it named it (a
    string for InvokeModel*, ``{"type": ...}`` for Converse*)."""
    return {"serviceTier": tier} if tier else {}


# --------------------------------------------------------------------------- control endpoints


def control_routes(settings: RuntimeSettings) -> dict[tuple[str, str], Callable[[dict[str, Any], Any], Any]]:
    """The runtime's ``/_emulator/`` control endpoints (merged into the application's routes):

    =======  =========================  =====================================================
    GET      /_emulator/identity-policy  ``{"policy": ..., "principalArn": ..., "routeTo": ...}``
    POST     /_emulator/identity-policy  ``{"policy": document | JSON text | [documents] | null, "principalArn"?}``
    GET      /_emulator/route            same as GET identity-policy
    POST     /_emulator/route            ``{"region": "us-west-2" | null}``
    =======  =========================  =====================================================
    """

    def set_policy(body: dict[str, Any], request: Any) -> dict[str, Any]:
        settings.set_identity_policy(body.get("policy"), body.get("principalArn"))
        return settings.to_dict()

    def route(body: dict[str, Any], request: Any) -> dict[str, Any]:
        settings.route_to(body.get("region"))
        return settings.to_dict()

    return {
        ("GET", "/identity-policy"): lambda body, request: settings.to_dict(),
        ("POST", "/identity-policy"): set_policy,
        ("GET", "/route"): lambda body, request: settings.to_dict(),
        ("POST", "/route"): route,
    }
