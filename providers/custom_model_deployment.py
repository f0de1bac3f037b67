"""Amazon Bedrock custom model deployment: on-demand inference for a custom model.

Reads top to bottom: inputs → waiters → provider (check, diff, create, read, update, delete) →
finders → the ``CustomModelDeployment`` resource. The model changes in place
(UpdateCustomModelDeployment); name, description and region replace the deployment. Creating and
updating take minutes with no published bound: both wait, bounded by ``timeouts``, and a later
``pulumi up`` resumes an interrupted wait instead of creating a second deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Mapping, Optional, TypedDict

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from . import tags as tagging
from pulumi_bedrock_inference.identifiers import CUSTOM_MODEL_DEPLOYMENT, parse_arn

from . import schema as s
from .base import BedrockProvider, BedrockResource, timestamp
from .errors import BedrockError, NotFoundError, NotStabilizedError, aws_call, ignore_not_found
from .tokens import CreateOperation, client_token
from .validation import InputChecker, api_rule, timeout_seconds
from .waiter import Waiter, wait

KIND = "Bedrock custom model deployment"

NAME_RULE = api_rule("CreateCustomModelDeployment", "modelDeploymentName").meaning_is(
    "letters and digits, each optionally followed by one _ or -"
)
MODEL_ARN_RULE = api_rule("CreateCustomModelDeployment", "modelArn")
MODEL_ARN_MEANING = "a custom model ARN such as arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"
# The API's pattern ".*" is unanchored in Smithy: any text, line breaks included. Only the length counts.
DESCRIPTION_RULE = api_rule("CreateCustomModelDeployment", "description").without_pattern()

DEFAULT_TIMEOUTS = {"create": 60 * 60.0, "update": 60 * 60.0, "delete": 30 * 60.0}


# waiters


def _update_status(deployment: Mapping[str, Any]) -> str | None:
    return (deployment.get("updateDetails") or {}).get("updateStatus")


CREATED = Waiter(
    kind=KIND,
    status=lambda deployment: deployment.get("status"),
    target=frozenset({"Active"}),
    pending=frozenset({"Creating"}),
    failure=frozenset({"Failed"}),
    reason=lambda deployment: deployment.get("failureMessage"),
    delay=10.0,
)
"""Creating → Active | Failed (with ``failureMessage``)."""

UPDATED = Waiter(
    kind=KIND,
    status=_update_status,
    target=frozenset({"UpdateCompleted"}),
    pending=frozenset({"Updating"}),
    failure=frozenset({"UpdateFailed"}),
    reason=lambda deployment: deployment.get("failureMessage"),
    delay=10.0,
)
"""``updateDetails.updateStatus``: Updating → UpdateCompleted | UpdateFailed (with ``failureMessage``)."""

DELETED = Waiter(
    kind=KIND,
    status=lambda deployment: "Deleting" if deployment else "Deleted",
    target=frozenset({"Deleted"}),
    pending=frozenset({"Deleting"}),
    delay=5.0,
    max_delay=30.0,
)
"""Any GetCustomModelDeployment answer → ResourceNotFound (described as ``{}``)."""


def _check_model_arn(_provider: BedrockProvider, checker: InputChecker, _field: str, _olds: Mapping[str, Any]) -> None:
    checker.string("model_arn", required=True)
    model_arn, region = checker.inputs.get("model_arn"), checker.inputs.get("region")
    if not isinstance(model_arn, str):
        return
    problem = MODEL_ARN_RULE.problem(model_arn)
    if problem:
        checker.fail("model_arn", f"must be {MODEL_ARN_MEANING}: it {problem}")
        return
    if not isinstance(region, str):
        return
    arn_region = parse_arn(model_arn).region  # type: ignore[union-attr]
    if arn_region != region:
        checker.fail("model_arn", f"is in region {arn_region}, but the deployment is created in {region}")


class CustomModelDeploymentProps(TypedDict, total=False):
    """A deployment's properties, as the provider receives them (decoded): its inputs, in check
    order, then its outputs. The name replaces too; the model changes in place
    (UpdateCustomModelDeployment)."""

    region: Annotated[str, s.argument(
        s.region, s.Replaces(),
        doc=f"Region to create the deployment in. {s.REGION_DEFAULT}",
    )]
    model_arn: Annotated[str, s.argument(
        _check_model_arn, s.Updates(s.same), derived=("update_details",),
        doc="Required. ARN of an Active custom model in the deployment's region "
        "(``arn:aws:bedrock:<region>:<account>:custom-model/...``), 20–1011 characters. "
        "The deployment keeps serving the previous model until a swap completes.",
        output_doc="The custom model the deployment serves (the previous one while an update is under way).",
    )]
    description: Annotated[Optional[str], s.argument(
        s.string(DESCRIPTION_RULE), s.Replaces(key=lambda description: description or None),
        doc="1–2048 characters. Default: none.",
    )]
    tags: Annotated[Optional[dict[str, str]], s.TAGS]
    timeouts: Annotated[Optional[dict[str, str]], s.timeouts_argument(
        DEFAULT_TIMEOUTS, "A timed-out create or update keeps going in AWS; the next ``pulumi up`` resumes waiting for it.",
    )]
    adopt_existing: Annotated[Optional[bool], s.adopt_existing_argument(
        "deployment", "it must have the same description; its model and tags are set to this resource's; one that "
        "ends Failed is deleted, as a failed create is",
    )]
    name: Annotated[str, s.name_argument(
        NAME_RULE, "1–63", s.Replaces(),
    )]
    arn: Annotated[str, s.Output("The deployment's ARN, also its Pulumi ID: pass it as ``modelId`` when invoking.")]
    status: Annotated[str, s.Output("``Creating``, ``Active`` or ``Failed``.")]
    created_at: Annotated[str, s.Output("ISO 8601.")]
    last_updated_at: Annotated[Optional[str], s.Output("ISO 8601.")]
    failure_message: Annotated[Optional[str], s.Output("Why the deployment is Failed.")]
    update_details: Annotated[Optional[dict[str, str]], s.Output(
        "``{\"model_arn\": ..., \"update_status\": Updating | UpdateCompleted | UpdateFailed}`` of the last model swap."
    )]
    tags_all: Annotated[dict[str, str], s.TAGS_ALL]


SCHEMA = s.Schema.of(CustomModelDeploymentProps)
INPUTS, OUTPUTS = SCHEMA.input_names, SCHEMA.outputs


class CustomModelDeploymentProvider(BedrockProvider[CustomModelDeploymentProps]):
    """Dynamic provider for ``pulumi-python:dynamic/bedrock:CustomModelDeployment`` (public API: keep the path)."""

    kind = KIND
    noun = "deployment"
    schema = SCHEMA

    def _create(self, props: CustomModelDeploymentProps) -> CreateResult:
        region, name = props["region"], props["name"]
        client = self.client(region)
        tags_all = self.tags_all(props)
        request: dict[str, Any] = {"modelDeploymentName": name, "modelArn": props["model_arn"]}
        if props.get("description"):
            request["description"] = props["description"]
        if tags_all:
            request["tags"] = tagging.to_aws(tags_all)
        # Name and token are deterministic: after an interrupted or timed-out create, the next
        # `pulumi up` sends the same request and token, gets the same deployment and waits again.
        token = client_token("custom-model-deployment", region, name, request)
        label = self.label(name)
        arn, first = self.create_or_take_over(
            CREATE.call(client, request, label), token, props,
            lambda: self._adopt(client, name, props.get("description"), tags_all),
        )
        deployment = self._wait_created(client, arn, name, props.get("timeouts"), first)
        if deployment.get("modelArn") != props["model_arn"]:
            deployment = self._update_model(client, arn, name, props["model_arn"], props.get("timeouts"))
        return CreateResult(arn, self._outputs(deployment, region, tags_all, props.get("tags"), props.get("timeouts")))

    def _adopt(self, client: Any, name: str, description: str | None, tags_all: dict[str, str]) -> str:
        """Take over the deployment named ``name``; its model, if different, is updated once it is Active."""
        deployment = find_deployment(client, name, self.label(name))
        refusal = None
        if (deployment.get("description") or None) != (description or None):
            refusal = (
                f"the existing deployment's description is {deployment.get('description')!r}, not {description!r}, "
                "and a description cannot change in place"
            )
        return self.taken_over(client, deployment["customModelDeploymentArn"], name, tags_all, refusal)

    def _wait_created(
        self, client: Any, arn: str, name: str, timeouts: Mapping[str, Any] | None, first: Mapping[str, Any] | None = None
    ) -> Mapping[str, Any]:
        """Wait for Active (``first``: a description just read); a Failed deployment is deleted (not
        left behind) and its failureMessage raised."""
        label = self.label(name)
        pending = [first] if first is not None else []

        def describe() -> Mapping[str, Any]:
            return pending.pop() if pending else find_deployment(client, arn, label)

        hint = (
            f"The deployment {arn} keeps existing in AWS. Run `pulumi up` again to resume waiting for it: the same "
            "name and client token return this deployment instead of creating another. Or raise timeouts.create, "
            "or set adopt_existing=True to manage it as it is."
        )
        try:
            return wait(
                CREATED, describe, name=name,
                timeout=timeout_seconds(timeouts, "create", DEFAULT_TIMEOUTS["create"]), timeout_hint=hint,
                clock=self.clock,
            )
        except NotStabilizedError as error:
            if error.code != "Failed":
                raise
            try:
                self._delete_and_wait(client, arn, name, timeout_seconds(timeouts, "delete", DEFAULT_TIMEOUTS["delete"]))
                cleanup = f"The failed deployment {arn} was deleted; fix the cause and run `pulumi up` again."
            except BedrockError as delete_error:
                cleanup = f"Deleting the failed deployment {arn} also failed ({delete_error}): delete it before retrying."
            raise NotStabilizedError("creating", label, "Failed", f"{error.aws_message}. {cleanup}") from error

    def _read(self, id_: str, props: CustomModelDeploymentProps) -> ReadResult:
        region = props.get("region") or parse_arn(id_).region  # type: ignore[union-attr]
        client = self.client(region)
        label = self.label(props.get("name") or id_)
        deployment = ignore_not_found(lambda: find_deployment(client, id_, label))
        if deployment is None:
            return ReadResult("", {})
        tags_all = ignore_not_found(lambda: self.read_tags(client, id_, deployment["modelDeploymentName"]))
        if tags_all is None:
            return ReadResult("", {})
        return ReadResult(id_, self._outputs(deployment, region, tags_all, props.get("tags"), props.get("timeouts")))

    def _update(self, id_: str, olds: CustomModelDeploymentProps, news: CustomModelDeploymentProps) -> UpdateResult:
        region, name = olds["region"], olds["name"]
        client = self.client(region)
        outputs = {k: v for k, v in olds.items() if k != "__provider"}
        # The model goes first: if it fails, nothing else has changed.
        if olds.get("model_arn") != news["model_arn"]:
            deployment = self._update_model(client, id_, name, news["model_arn"], news.get("timeouts"))
            outputs.update(self._outputs(deployment, region, olds.get("tags_all") or {}, olds.get("tags"), None))
        wanted = self.tags_all(news)
        self.sync_tags(client, id_, name, olds.get("tags_all") or {}, wanted)
        outputs.update(self.tag_outputs(wanted, news.get("tags")))
        outputs["timeouts"] = news.get("timeouts")
        return UpdateResult(outputs)

    def _update_model(
        self, client: Any, arn: str, name: str, model_arn: str, timeouts: Mapping[str, Any] | None
    ) -> Mapping[str, Any]:
        """Swap the model and wait for UpdateCompleted; an update already under way to it is only waited for."""
        label = self.label(name)
        current = find_deployment(client, arn, label)
        if current.get("modelArn") == model_arn:
            return current
        details = current.get("updateDetails") or {}
        if not (details.get("updateStatus") == "Updating" and details.get("modelArn") == model_arn):
            with aws_call("updating", label):
                client.update_custom_model_deployment(customModelDeploymentIdentifier=arn, modelArn=model_arn)
        hint = (
            f"The update to {model_arn} keeps going in AWS; the deployment serves its previous model until it "
            "completes. Run `pulumi up` again to resume waiting for this same update, or raise timeouts.update."
        )
        return wait(
            UPDATED, lambda: _progress_towards(find_deployment(client, arn, label), model_arn), name=name,
            timeout=timeout_seconds(timeouts, "update", DEFAULT_TIMEOUTS["update"]), timeout_hint=hint,
            clock=self.clock,
        )

    def _delete(self, id_: str, props: CustomModelDeploymentProps) -> None:
        region = props.get("region") or parse_arn(id_).region  # type: ignore[union-attr]
        timeout = timeout_seconds(props.get("timeouts"), "delete", DEFAULT_TIMEOUTS["delete"])
        self._delete_and_wait(self.client(region), id_, props.get("name") or id_, timeout)

    def _delete_and_wait(self, client: Any, arn: str, name: str, timeout: float) -> None:
        """Delete, then wait until it is gone, so a delete-before-replace can reuse the name at once."""
        label = self.label(name)
        try:
            with aws_call("deleting", label):
                client.delete_custom_model_deployment(customModelDeploymentIdentifier=arn)
        except NotFoundError:
            return
        hint = "The deletion keeps going in AWS: run the same command again once it is gone, or raise timeouts.delete."
        wait(
            DELETED, lambda: ignore_not_found(lambda: find_deployment(client, arn, label)) or {}, name=name,
            timeout=timeout, timeout_hint=hint, clock=self.clock,
        )

    def _outputs(
        self, deployment: Mapping[str, Any], region: str, tags_all: Mapping[str, str], own: Any, timeouts: Any
    ) -> dict[str, Any]:
        details = deployment.get("updateDetails")
        return {
            "arn": deployment["customModelDeploymentArn"],
            "name": deployment["modelDeploymentName"],
            "model_arn": deployment.get("modelArn"),
            "description": deployment.get("description"),
            "status": deployment.get("status"),
            "created_at": timestamp(deployment.get("createdAt")),
            "last_updated_at": timestamp(deployment.get("lastUpdatedAt")),
            "failure_message": deployment.get("failureMessage"),
            "update_details": {"model_arn": details.get("modelArn"), "update_status": details.get("updateStatus")}
            if details else None,
            "region": region,
            "timeouts": timeouts,
            **self.tag_outputs(tags_all, own),
        }


# finders


def find_deployment(client: Any, identifier: str, label: str) -> dict[str, Any]:
    """GetCustomModelDeployment by ARN or name; ResourceNotFoundException becomes NotFoundError."""
    with aws_call("reading", label):
        return client.get_custom_model_deployment(customModelDeploymentIdentifier=identifier)


CREATE = CreateOperation(
    "create_custom_model_deployment", arn_key="customModelDeploymentArn", name_key="modelDeploymentName",
    describe=find_deployment,
)


def _progress_towards(deployment: dict[str, Any], model_arn: str) -> dict[str, Any]:
    """The deployment with ``updateDetails`` about the update to ``model_arn`` only.

    Right after UpdateCustomModelDeployment, Get can still show no update details or a previous
    update's: both mean this update is still Updating.
    """
    details = deployment.get("updateDetails") or {}
    if details.get("modelArn") == model_arn:
        return deployment
    status = "UpdateCompleted" if not details and deployment.get("modelArn") == model_arn else "Updating"
    return {**deployment, "updateDetails": {"modelArn": model_arn, "updateStatus": status}}


# the resource


class CustomModelDeploymentTimeoutsArgs(TypedDict, total=False):
    create: pulumi.Input[str]
    """Wait for Active at most this long, e.g. ``"90m"``. Default ``"60m"``."""
    update: pulumi.Input[str]
    """Wait for a model swap to complete at most this long. Default ``"60m"``."""
    delete: pulumi.Input[str]
    """Wait for the deployment to be gone at most this long. Default ``"30m"``."""


@SCHEMA.documents
@dataclass
class CustomModelDeploymentArgs:
    """Arguments of :class:`CustomModelDeployment`."""

    model_arn: pulumi.Input[str]
    name: Optional[pulumi.Input[str]] = None
    description: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    region: Optional[pulumi.Input[str]] = None
    timeouts: Optional[pulumi.Input[CustomModelDeploymentTimeoutsArgs]] = None
    adopt_existing: Optional[pulumi.Input[bool]] = None


class CustomModelDeployment(BedrockResource, module=CUSTOM_MODEL_DEPLOYMENT.module, name=CUSTOM_MODEL_DEPLOYMENT.name):
    """An Amazon Bedrock custom model deployment (``pulumi-python:dynamic/bedrock:CustomModelDeployment``).

    Serves a custom model on demand: invoke it with ``arn`` as the ``modelId``.
    """

    provider_class = CustomModelDeploymentProvider

    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    model_arn: pulumi.Output[str]
    description: pulumi.Output[Optional[str]]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]
    last_updated_at: pulumi.Output[Optional[str]]
    failure_message: pulumi.Output[Optional[str]]
    update_details: pulumi.Output[Optional[dict]]
    tags: pulumi.Output[Optional[dict]]
    tags_all: pulumi.Output[dict]
    region: pulumi.Output[str]
    timeouts: pulumi.Output[Optional[dict]]

    def __init__(
        self,
        resource_name: str,
        args: CustomModelDeploymentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        self._register(resource_name, args or CustomModelDeploymentArgs(**kwargs), opts)
