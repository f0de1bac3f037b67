"""HTTP side of the emulator: parses Bedrock REST-JSON requests and renders responses.

Requests are parsed member by member from botocore's input shape (``location`` = uri,
querystring or header, else the JSON body), validated against it (see
:mod:`.validation`), and handed to :class:`BedrockEmulatorResponse`, a subclass of moto's
``BedrockResponse``. Results go through moto's REST-JSON serializer, so response bodies
carry exactly the modelled members, ISO-8601 timestamps and the modelled status codes.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from botocore.model import OperationModel, Shape
from botocore.utils import parse_timestamp
from moto.bedrock.responses import BedrockResponse
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import InvalidToken, JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.routing import get_service_router
from werkzeug.exceptions import NotFound

from .exceptions import NotImplementedByEmulator, UnknownOperationException, ValidationException
from .models import BedrockEmulatorBackend, bedrock_emulator_backends
from .models.custom_models import custom_model_status
from .validation import validate_input, validation_message


class SerializationException(ValidationException):
    """The request body is not a JSON object."""


def _convert(shape: Shape, raw: str) -> Any:
    """A querystring/header string as the member's type; left as-is if it does not convert,
    so validation reports it."""
    try:
        if shape.type_name in ("integer", "long"):
            return int(raw)
        if shape.type_name in ("float", "double"):
            return float(raw)
        if shape.type_name == "boolean":
            return {"true": True, "false": False}[raw.lower()]
        if shape.type_name == "timestamp":
            return parse_timestamp(raw)
    except (ValueError, KeyError, OverflowError):
        return raw
    return raw


def parse_request(
    operation: OperationModel,
    uri_params: Mapping[str, str],
    query: Any,
    headers: Mapping[str, str],
    body: bytes,
) -> dict[str, Any]:
    """The operation's input members found in the request, keyed by member name.

    ``query`` is a werkzeug ``MultiDict``; list-typed querystring members use all values.
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    body_members = {}
    if body.strip():
        try:
            body_members = json.loads(body)
        except ValueError as error:
            raise SerializationException(f"The request body is not valid JSON: {error}") from None
        if not isinstance(body_members, dict):
            raise SerializationException("The request body must be a JSON object.")
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            if wire_name in uri_params:
                params[name] = uri_params[wire_name]
        elif location == "querystring":
            if member.type_name == "list":
                values = query.getlist(wire_name)
                if values:
                    params[name] = [_convert(member.member, v) for v in values]
            elif wire_name in query:
                params[name] = _convert(member, query[wire_name])
        elif location == "header":
            if wire_name in headers:
                params[name] = _convert(member, headers[wire_name])
        elif name in body_members:
            params[name] = body_members[name]
    return params


def validate_request(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise the service's ValidationException if ``params`` violate the input shape."""
    errors = validate_input(operation.input_shape, params)
    if errors:
        raise ValidationException(validation_message(errors))


class BedrockEmulatorResponse(BedrockResponse):
    """moto's Bedrock handlers plus the inference-infrastructure operations.

    The emulator sets :attr:`operation` and :attr:`params` (parsed and validated) before
    moto's ``call_action`` dispatches to the snake_case method of the operation.
    """

    operation: OperationModel
    params: dict[str, Any]

    @property
    def bedrock_backend(self) -> BedrockEmulatorBackend:  # type: ignore[override]
        return bedrock_emulator_backends[self.current_account][self.region]

    def _get_action(self) -> str:
        return self.operation.name

    def _list(self, method: Any, result_key: str, render: Any, **filters: Any) -> ActionResult:
        try:
            items, next_token = method(
                max_results=self.params.get("maxResults"), next_token=self.params.get("nextToken"), **filters
            )
        except InvalidToken:
            raise ValidationException("The provided nextToken is not valid for this request.") from None
        return ActionResult({result_key: [render(item) for item in items], "nextToken": next_token})

    # ------------------------------------------------------------- foundation models

    def list_foundation_models(self) -> ActionResult:
        p = self.params
        summaries = self.bedrock_backend.list_foundation_models(
            by_provider=p.get("byProvider"),
            by_customization_type=p.get("byCustomizationType"),
            by_output_modality=p.get("byOutputModality"),
            by_inference_type=p.get("byInferenceType"),
        )
        return ActionResult({"modelSummaries": summaries})

    def get_foundation_model(self) -> ActionResult:
        details = self.bedrock_backend.get_foundation_model(self.params["modelIdentifier"])
        return ActionResult({"modelDetails": details})

    # ------------------------------------------------------------- inference profiles

    def create_inference_profile(self) -> ActionResult:
        p = self.params
        profile = self.bedrock_backend.create_inference_profile(
            inference_profile_name=p["inferenceProfileName"],
            model_source=p["modelSource"],
            description=p.get("description"),
            client_request_token=p.get("clientRequestToken"),
            tags=p.get("tags"),
        )
        return ActionResult({"inferenceProfileArn": profile.arn, "status": "ACTIVE"})

    def get_inference_profile(self) -> ActionResult:
        profile = self.bedrock_backend.get_inference_profile(self.params["inferenceProfileIdentifier"])
        return ActionResult(profile.to_dict())

    def list_inference_profiles(self) -> ActionResult:
        return self._list(
            self.bedrock_backend.list_inference_profiles,
            "inferenceProfileSummaries",
            lambda profile: profile.to_dict(),
            type_equals=self.params.get("typeEquals") or "SYSTEM_DEFINED",
        )

    def delete_inference_profile(self) -> ActionResult:
        self.bedrock_backend.delete_inference_profile(self.params["inferenceProfileIdentifier"])
        return EmptyResult()

    # ------------------------------------------------------------- custom model deployments

    def create_custom_model_deployment(self) -> ActionResult:
        p = self.params
        deployment = self.bedrock_backend.create_custom_model_deployment(
            model_deployment_name=p["modelDeploymentName"],
            model_arn=p["modelArn"],
            description=p.get("description"),
            tags=p.get("tags"),
            client_request_token=p.get("clientRequestToken"),
        )
        return ActionResult({"customModelDeploymentArn": deployment.arn})

    def get_custom_model_deployment(self) -> ActionResult:
        deployment = self.bedrock_backend.get_custom_model_deployment(self.params["customModelDeploymentIdentifier"])
        return ActionResult(deployment.to_dict())

    def list_custom_model_deployments(self) -> ActionResult:
        p = self.params
        return self._list(
            self.bedrock_backend.list_custom_model_deployments,
            "modelDeploymentSummaries",
            lambda deployment: deployment.summary(),
            created_before=p.get("createdBefore"),
            created_after=p.get("createdAfter"),
            name_contains=p.get("nameContains"),
            status_equals=p.get("statusEquals"),
            model_arn_equals=p.get("modelArnEquals"),
            sort_by=p.get("sortBy"),
            sort_order=p.get("sortOrder"),
        )

    def update_custom_model_deployment(self) -> ActionResult:
        deployment = self.bedrock_backend.update_custom_model_deployment(
            self.params["customModelDeploymentIdentifier"], self.params["modelArn"]
        )
        return ActionResult({"customModelDeploymentArn": deployment.arn})

    def delete_custom_model_deployment(self) -> ActionResult:
        self.bedrock_backend.delete_custom_model_deployment(self.params["customModelDeploymentIdentifier"])
        return EmptyResult()

    # ------------------------------------------------------------- provisioned throughput

    def create_provisioned_model_throughput(self) -> ActionResult:
        p = self.params
        throughput = self.bedrock_backend.create_provisioned_model_throughput(
            model_units=p["modelUnits"],
            provisioned_model_name=p["provisionedModelName"],
            model_id=p["modelId"],
            commitment_duration=p.get("commitmentDuration"),
            tags=p.get("tags"),
            client_request_token=p.get("clientRequestToken"),
        )
        return ActionResult({"provisionedModelArn": throughput.arn})

    def get_provisioned_model_throughput(self) -> ActionResult:
        throughput = self.bedrock_backend.get_provisioned_model_throughput(self.params["provisionedModelId"])
        return ActionResult(throughput.to_dict())

    def list_provisioned_model_throughputs(self) -> ActionResult:
        p = self.params
        return self._list(
            self.bedrock_backend.list_provisioned_model_throughputs,
            "provisionedModelSummaries",
            lambda throughput: throughput.summary(),
            creation_time_after=p.get("creationTimeAfter"),
            creation_time_before=p.get("creationTimeBefore"),
            status_equals=p.get("statusEquals"),
            model_arn_equals=p.get("modelArnEquals"),
            name_contains=p.get("nameContains"),
            sort_by=p.get("sortBy"),
            sort_order=p.get("sortOrder"),
        )

    def update_provisioned_model_throughput(self) -> ActionResult:
        p = self.params
        self.bedrock_backend.update_provisioned_model_throughput(
            p["provisionedModelId"],
            desired_provisioned_model_name=p.get("desiredProvisionedModelName"),
            desired_model_id=p.get("desiredModelId"),
        )
        return EmptyResult()

    def delete_provisioned_model_throughput(self) -> ActionResult:
        self.bedrock_backend.delete_provisioned_model_throughput(self.params["provisionedModelId"])
        return EmptyResult()

    # ------------------------------------------------------------- tags

    def tag_resource(self) -> ActionResult:  # type: ignore[override]
        self.bedrock_backend.tag_resource(self.params["resourceARN"], self.params["tags"])
        return EmptyResult()

    def untag_resource(self) -> ActionResult:  # type: ignore[override]
        self.bedrock_backend.untag_resource(self.params["resourceARN"], self.params["tagKeys"])
        return EmptyResult()

    def list_tags_for_resource(self) -> ActionResult:  # type: ignore[override]
        return ActionResult({"tags": self.bedrock_backend.list_tags_for_resource(self.params["resourceARN"])})

    # ------------------------------------------------------------- custom models (moto's, rendered by shape)

    @staticmethod
    def _custom_model(model: Any) -> dict[str, Any]:
        return {**model.to_dict(), "modelStatus": custom_model_status(model)}

    def get_custom_model(self) -> ActionResult:  # type: ignore[override]
        model = self.bedrock_backend.get_custom_model(self.params["modelIdentifier"])
        return ActionResult(self._custom_model(model))

    def list_custom_models(self) -> ActionResult:  # type: ignore[override]
        p = self.params
        return self._list(
            self.bedrock_backend.list_emulated_custom_models,
            "modelSummaries",
            lambda model: {
                "modelArn": model.model_arn,
                "modelName": model.model_name,
                "creationTime": model.creation_time,
                "baseModelArn": model.base_model_arn,
                "baseModelName": model.base_model_name,
                "customizationType": model.customization_type,
                "ownerAccountId": model.account_id,
                "modelStatus": custom_model_status(model),
            },
            name_contains=p.get("nameContains"),
            base_model_arn_equals=p.get("baseModelArnEquals"),
            model_status=p.get("modelStatus"),
            sort_order=p.get("sortOrder"),
        )

    def delete_custom_model(self) -> ActionResult:  # type: ignore[override]
        self.bedrock_backend.delete_custom_model(self.params["modelIdentifier"])
        return EmptyResult()

    def get_model_customization_job(self) -> ActionResult:  # type: ignore[override]
        job = self.bedrock_backend.get_model_customization_job(self.params["jobIdentifier"])
        return ActionResult({"validationDataConfig": {"validators": []}, **job.to_dict()})

    # ------------------------------------------------------------- dispatch

    def handle(self, request: Any, operation: OperationModel, uri_params: Mapping[str, str]) -> TYPE_RESPONSE:
        """Parse, validate and serve one request already routed to ``operation``.

        Errors come back as REST-JSON error responses; :attr:`params` holds whatever was parsed.
        """
        self.operation = operation
        self.params = {}
        try:
            self.setup_class(request)
            self.params = parse_request(operation, uri_params, request.args, request.headers, request.get_data())
            validate_request(operation, self.params)
            return self.call_action()
        except NotImplementedError:
            return error_response(
                NotImplementedByEmulator(f"The Bedrock emulator does not implement {operation.name}.")
            )
        except JsonRESTError as error:
            return error_response(error)

    def _dispatch(self, request: Any, full_url: str | None = None, headers: Any = None) -> TYPE_RESPONSE:
        """moto's entry point (``url_paths`` in :mod:`.urls`): route, then :meth:`handle`."""
        try:
            operation, uri_params = resolve_operation(request)
        except JsonRESTError as error:
            return error_response(error)
        return self.handle(request, operation, uri_params)


def error_response(error: JsonRESTError) -> TYPE_RESPONSE:
    """The HTTP status, headers and body that answer a request with ``error``."""
    return error.code, dict(error.get_headers() or []), error.get_body()


def resolve_operation(request: Any) -> tuple[OperationModel, dict[str, str]]:
    """The Bedrock operation a request targets (method and path per botocore's ``http`` traits)."""
    return resolve_service_operation("bedrock", "Bedrock", request)


def resolve_service_operation(service: str, title: str, request: Any) -> tuple[OperationModel, dict[str, str]]:
    """The operation of ``service`` (botocore's name; ``title`` in the error) a request targets, by
    moto's router; UnknownOperationException if none matches its method and path."""
    try:
        return get_service_router(service).match(request)
    except NotFound:
        raise UnknownOperationException(f"No {title} operation matches {request.method} {request.path}.") from None
