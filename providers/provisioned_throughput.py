"""Amazon Bedrock provisioned model throughput: model units bought for a foundation or custom model.

Reads top to bottom: inputs → provider (check, diff, create, read, update, delete) → finders →
waiters → the ``ProvisionedModelThroughput`` resource. The name and (for a custom model) the model
update in place through UpdateProvisionedModelThroughput; model units, commitment and region
cannot change: the throughput is replaced, which buys a new one. A throughput with an unexpired
commitment cannot be deleted: delete refuses at once, before any AWS delete call.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import sys
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Mapping, Optional, TypedDict

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from . import waiter as waiting
from pulumi_bedrock_inference.identifiers import COMMITMENT_DURATIONS, PROVISIONED_MODEL_THROUGHPUT, parse_arn

from . import tags as tagging
from . import schema as s
from .base import BedrockProvider, BedrockResource, timestamp
from .errors import ConflictError, NotStabilizedError, aws_call, ignore_not_found
from .tokens import CreateOperation, client_token
from .validation import InputChecker, IntegerRule, api_rule, contains_unknown, is_unknown, timeout_seconds

MAX_MODEL_UNITS = 1000
MODEL_UNITS_RULE = IntegerRule(1, MAX_MODEL_UNITS)
"""The ``model_units`` accepted, here and by the components. The API takes any 32-bit integer (up to 2,147,483,647), but a
model unit is billed by the hour (tens of dollars each) and accounts start with quotas of a few
units: a number above this is a typo (an extra zero), and buying it would cost a fortune per hour."""
DEFAULT_TIMEOUTS = {"create": 60 * 60.0, "update": 60 * 60.0, "delete": 30 * 60.0}

NAME_RULE = api_rule("CreateProvisionedModelThroughput", "provisionedModelName").meaning_is(
    "letters and digits, each optionally followed by one _ or -"
)
MODEL_RULE = api_rule("CreateProvisionedModelThroughput", "modelId").meaning_is(
    "a foundation model ID such as amazon.titan-text-express-v1:0:8k, a custom model name, or the ARN of either"
)


def aws_now(response: Mapping[str, Any], local_now: Callable[[], dt.datetime]) -> dt.datetime:
    """AWS's time when it answered ``response``: its ``Date`` header, else this machine's (``local_now``).

    A commitment's expiry is decided on the same clock as AWS decides whether a delete is allowed,
    so a laptop whose clock is off cannot decide differently from AWS.
    """
    date = (response.get("ResponseMetadata") or {}).get("HTTPHeaders", {}).get("date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).astimezone(dt.timezone.utc)
        except (TypeError, ValueError):
            pass
    return local_now()


def _check_model(_provider: BedrockProvider, checker: InputChecker, _field: str, _olds: Mapping[str, Any]) -> None:
    model, region = checker.inputs.get("model_arn"), checker.inputs.get("region")
    if not isinstance(model, str) or is_unknown(model):
        checker.string("model_arn", MODEL_RULE, required=True)
        return
    problem = MODEL_RULE.problem(model)
    if problem:
        checker.fail("model_arn", problem if "pattern" not in problem else f"must be {MODEL_RULE.meaning} (got {model!r})")
        return
    arn = parse_arn(model)
    if arn and isinstance(region, str) and arn.region != region:
        checker.fail("model_arn", f"is in region {arn.region}, but the throughput is created in {region}")


class ProvisionedModelThroughputProps(TypedDict, total=False):
    """A throughput's properties, as the provider receives them (decoded): its inputs, in check
    order, then its outputs. The name updates in place, and so does a model change that
    :func:`model_change_replaces` allows (the provider's ``diff`` compares ``model_arn`` by
    :func:`same_model` for those)."""

    region: Annotated[str, s.argument(
        s.region, s.Replaces(),
        doc=f"Region to buy the throughput in. {s.REGION_DEFAULT}",
    )]
    model_arn: Annotated[str, s.argument(
        _check_model,
        # Replaces only for the moves UpdateProvisionedModelThroughput cannot make.
        s.Replaces(key=lambda model: _model_identity(model), when=lambda olds, news: model_change_replaces(olds, news)),
        derived=("foundation_model_arn",),
        doc="Required. The model to serve: a foundation model ID (``amazon.titan-text-express-v1:0:8k``), a "
        "custom model name, or the ARN of either (1–2048 characters). A custom model changes in place to "
        "another custom model of the same base model or to that base model; any other change replaces.",
        output_doc="The model served, as given while it still names the served model (else the service's ARN).",
    )]
    model_units: Annotated[int, s.argument(
        s.integer(MODEL_UNITS_RULE, required=True), s.Replaces(),
        doc=f"Required. Model units to buy, a whole number from {MODEL_UNITS_RULE.minimum} to {MAX_MODEL_UNITS:,}. The API accepts any 32-bit "
        "integer, but each unit is billed by the hour and accounts start with quotas of a few units: a "
        "larger number is taken for a typo. A replacement buys a new throughput.",
    )]
    commitment_duration: Annotated[Optional[str], s.argument(
        s.enum(COMMITMENT_DURATIONS), s.Replaces(key=lambda duration: duration or None),
        doc="``OneMonth`` or ``SixMonths``: a cheaper hourly price for a term the throughput cannot be "
        "deleted before. Default: none (no commitment, billed hourly until deleted).",
    )]
    tags: Annotated[Optional[dict[str, str]], s.TAGS]
    timeouts: Annotated[Optional[dict[str, str]], s.timeouts_argument(
        DEFAULT_TIMEOUTS, "A create waits until the throughput is InService.",
    )]
    adopt_existing: Annotated[Optional[bool], s.adopt_existing_argument(
        "throughput", "it must have the same model units and commitment, and a model it can switch to in place, "
        "which it then serves; its tags are set to this resource's",
    )]
    provisioned_model_name: Annotated[str, s.name_argument(
        NAME_RULE, "1–63", s.Updates(),
    )]
    provisioned_model_arn: Annotated[str, s.Output("The throughput's ARN, also its Pulumi ID: pass it as ``modelId`` when invoking.")]
    status: Annotated[str, s.Output("``Creating``, ``InService``, ``Updating`` or ``Failed``.")]
    foundation_model_arn: Annotated[str, s.Output("The base model: the model itself, or the one a custom model was customized from.")]
    commitment_expiration_time: Annotated[Optional[str], s.Output("ISO 8601 time before which AWS refuses to delete the throughput.")]
    creation_time: Annotated[str, s.Output("ISO 8601.")]
    last_modified_time: Annotated[str, s.Output("ISO 8601.")]
    failure_message: Annotated[Optional[str], s.Output("Why the throughput is Failed.")]
    tags_all: Annotated[dict[str, str], s.TAGS_ALL]


SCHEMA = s.Schema.of(ProvisionedModelThroughputProps)
INPUTS, OUTPUTS = SCHEMA.input_names, SCHEMA.outputs


class ProvisionedModelThroughputProvider(BedrockProvider[ProvisionedModelThroughputProps]):
    """Dynamic provider for ``pulumi-python:dynamic/bedrock:ProvisionedModelThroughput`` (public API: keep the path)."""

    kind = "Bedrock provisioned model throughput"
    noun = "throughput"
    schema = SCHEMA

    def _diff(self, _id: str, olds: ProvisionedModelThroughputProps, news: ProvisionedModelThroughputProps) -> DiffResult:
        result = self.diff_fields(olds, news, update={**self.schema.updating, "model_arn": same_model})
        if result.replaces:
            committed = bool(olds.get("commitment_duration") or olds.get("commitment_expiration_time"))
            if committed:
                # Any committed throughput is replaced delete-first, decided without an AWS call (so a
                # preview stays offline and a skewed local clock cannot decide it): while the commitment
                # runs, AWS refuses the delete before a second throughput is bought; once it has run
                # out, deleting first costs a gap in service, never a second bill.
                result.delete_before_replace = True
            committed_until = unexpired_commitment(olds.get("commitment_expiration_time"), self.clock.now()) if committed else None
            print(self._replacement_warning(olds, news, result.replaces, committed, committed_until), file=sys.stderr, flush=True)
        return result

    def _replacement_warning(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], replaces: list[str], committed: bool, committed_until: str | None
    ) -> str:
        changes = " and ".join(f"{f} ({_shown(olds.get(f))} → {_shown(news.get(f))})" for f in replaces)
        commitment = news.get("commitment_duration")
        bought = f"{_shown(commitment)} commitment" if commitment else "no commitment"
        line = (
            f"{self.label(olds.get('provisioned_model_name') or news.get('provisioned_model_name'))}: changing {changes} "
            f"replaces it: a new throughput is bought ({_shown(news.get('model_units'))} model units, {bought}) "
            "and the old one deleted"
        )
        if committed_until:
            line += (
                f". The old one's {olds.get('commitment_duration')} commitment runs until {committed_until} "
                "(by this machine's clock): AWS refuses to delete it before then, so the replacement stops at that "
                "delete and nothing new is bought"
            )
        elif committed:
            line += ". The old one had a commitment, so it is deleted first, then the new one is bought"
        return line

    def _create(self, props: ProvisionedModelThroughputProps) -> CreateResult:
        region, name = props["region"], props["provisioned_model_name"]
        client = self.client(region)
        tags_all = self.tags_all(props)
        request: dict[str, Any] = {"provisionedModelName": name, "modelId": props["model_arn"], "modelUnits": props["model_units"]}
        if props.get("commitment_duration"):
            request["commitmentDuration"] = props["commitment_duration"]
        if tags_all:
            request["tags"] = tagging.to_aws(tags_all)
        token = client_token("provisioned-model-throughput", region, name, request)
        arn, first = self._create_or_adopt(client, request, token, props, tags_all)
        throughput = self._wait(
            "creating", client, arn, name, CREATED, timeout_seconds(props.get("timeouts"), "create", DEFAULT_TIMEOUTS["create"]),
            hint=(
                f"The throughput {arn} keeps existing and AWS bills it. Run `pulumi up` again: it sends the same "
                "client token and resumes waiting for this same throughput (or set adopt_existing=True); a longer "
                'wait is timeouts={"create": "120m"}'
            ),
            on_failure=lambda: self._delete_failed(client, arn, name),
            first=first,
        )
        serving = throughput.get("desiredModelArn") or throughput.get("modelArn")
        if not model_is_consistent(props["model_arn"], serving):  # taken over, serving another custom model
            throughput = self._switch_model(client, arn, name, props["model_arn"], props.get("timeouts"))
        outputs = self._outputs(throughput, region, props.get("model_arn"), tags_all, props.get("tags"), props.get("timeouts"))
        return CreateResult(arn, outputs)

    def _create_or_adopt(
        self, client: Any, request: dict[str, Any], token: str, props: Mapping[str, Any], tags_all: dict[str, str]
    ) -> tuple[str, Mapping[str, Any] | None]:
        """The new (or taken-over) throughput's ARN, with its first description when one was read."""
        name = request["provisionedModelName"]
        label = self.label(name)
        arn, first = self.create_or_take_over(
            CREATE.call(client, request, label), token, props, lambda: self._adopt(client, props, tags_all)
        )
        serving = first and (first.get("desiredModelArn") or first.get("modelArn"))
        if serving and not model_is_consistent(props["model_arn"], serving):
            # The token was first used by this throughput, whose model has changed in place since:
            # it is the one being replaced (model A to B in place, then back to A by replacement).
            raise ConflictError(
                "creating", label, "ReplacementCollision",
                f"the name and client token belong to {arn}, created earlier for {props['model_arn']} and now "
                f"serving {serving}; a replacement cannot reuse it. Set delete_before_replace=True on this "
                "resource, or give it an explicit name",
            )
        return arn, first

    def _adopt(self, client: Any, props: Mapping[str, Any], tags_all: dict[str, str]) -> str:
        name = props["provisioned_model_name"]
        throughput = find_throughput(client, name, self.label(name))
        mismatches = []
        units = throughput.get("desiredModelUnits") or throughput.get("modelUnits")
        if units != props["model_units"]:
            mismatches.append(f"model_units is {units}, not {props['model_units']}")
        if (throughput.get("commitmentDuration") or None) != (props.get("commitment_duration") or None):
            mismatches.append(f"commitment_duration is {throughput.get('commitmentDuration')}, not {props.get('commitment_duration')}")
        model = throughput.get("desiredModelArn") or throughput.get("modelArn")
        existing = {"model_arn": model, "foundation_model_arn": throughput.get("foundationModelArn")}
        if not model_is_consistent(props["model_arn"], model) and model_change_replaces(existing, props):
            mismatches.append(f"model_arn is {model}, not {props['model_arn']}, and cannot change in place")
        refusal = "the existing throughput differs: " + "; ".join(mismatches) if mismatches else None
        return self.taken_over(client, throughput["provisionedModelArn"], name, tags_all, refusal)

    def _delete_failed(self, client: Any, arn: str, name: str) -> str:
        try:
            ignore_not_found(lambda: self._delete_call(client, arn, name))
        except Exception as error:  # the Failed status is the story; a failed cleanup is appended to it
            return f"; deleting the failed throughput {arn} also failed, delete it yourself: {error}"
        return f"; the failed throughput {arn} was deleted"

    def _wait(
        self, action: str, client: Any, arn: str, name: str, waiter: waiting.Waiter, timeout: float, *,
        hint: str, on_failure: Callable[[], str] | None = None, first: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Poll GetProvisionedModelThroughput with ``waiter`` (``first``: a description just read); a
        failure status is reported as ``action`` failing."""
        pending = [first] if first is not None else []

        def describe() -> Mapping[str, Any]:
            if pending:
                return pending.pop()
            if GONE not in waiter.target:
                return find_throughput(client, arn, self.label(name))
            return ignore_not_found(lambda: find_throughput(client, arn, self.label(name))) or {"status": GONE}

        try:
            return dict(waiting.wait(waiter, describe, name=name, timeout=timeout, timeout_hint=hint, clock=self.clock))
        except NotStabilizedError as error:
            if error.code not in waiter.failure:  # timed out or interrupted: it keeps existing, to resume
                raise
            cleanup = on_failure() if on_failure else ""
            raise NotStabilizedError(action, self.label(name), error.code, f"{error.aws_message}{cleanup}") from error

    def _read(self, id_: str, props: ProvisionedModelThroughputProps) -> ReadResult:
        region = props.get("region") or parse_arn(id_).region  # type: ignore[union-attr]
        client = self.client(region)
        label = self.label(props.get("provisioned_model_name") or id_)
        throughput = ignore_not_found(lambda: find_throughput(client, id_, label))
        if throughput is None:
            return ReadResult("", {})
        tags_all = ignore_not_found(lambda: self.read_tags(client, id_, throughput["provisionedModelName"]))
        if tags_all is None:
            return ReadResult("", {})
        return ReadResult(id_, self._outputs(throughput, region, props.get("model_arn"), tags_all, props.get("tags"), props.get("timeouts")))

    def _update(self, id_: str, olds: ProvisionedModelThroughputProps, news: ProvisionedModelThroughputProps) -> UpdateResult:
        region = olds["region"]
        client = self.client(region)
        name = news["provisioned_model_name"]
        request: dict[str, Any] = {}
        if news["provisioned_model_name"] != olds.get("provisioned_model_name"):
            request["desiredProvisionedModelName"] = news["provisioned_model_name"]
        if not same_model(olds.get("model_arn"), news.get("model_arn")):
            request["desiredModelId"] = news["model_arn"]
        if request:
            self._update_and_wait(client, id_, olds.get("provisioned_model_name") or name, name, request, news.get("timeouts"))
        wanted = self.tags_all(news)
        self.sync_tags(client, id_, name, olds.get("tags_all") or {}, wanted)
        throughput = find_throughput(client, id_, self.label(name))
        return UpdateResult(self._outputs(throughput, region, news.get("model_arn"), wanted, news.get("tags"), news.get("timeouts")))

    def _switch_model(self, client: Any, arn: str, name: str, model: str, timeouts: Any) -> dict[str, Any]:
        return self._update_and_wait(client, arn, name, name, {"desiredModelId": model}, timeouts)

    def _update_and_wait(
        self, client: Any, arn: str, old_name: str, name: str, request: Mapping[str, Any], timeouts: Any
    ) -> dict[str, Any]:
        """UpdateProvisionedModelThroughput, then wait until it is InService again."""
        with aws_call("updating", self.label(old_name)):
            client.update_provisioned_model_throughput(provisionedModelId=arn, **request)
        return self._wait(
            "updating", client, arn, name, UPDATED, timeout_seconds(timeouts, "update", DEFAULT_TIMEOUTS["update"]),
            hint=(
                f"The update of {arn} goes on in AWS. Run `pulumi refresh` then `pulumi up` once it is InService; "
                'a longer wait is timeouts={"update": "120m"}'
            ),
        )

    def _delete(self, id_: str, props: ProvisionedModelThroughputProps) -> None:
        client = self.client(props["region"])
        name = props.get("provisioned_model_name") or id_
        # The state may be stale: the commitment is read again before deciding.
        throughput = ignore_not_found(lambda: find_throughput(client, id_, self.label(name)))
        if throughput is None:
            return
        expires = throughput.get("commitmentExpirationTime")
        if unexpired_commitment(expires, aws_now(throughput, self.clock.now)):
            raise ConflictError(
                "deleting", self.label(name), "CommitmentNotExpired",
                f"its {throughput.get('commitmentDuration')} commitment has commitmentExpirationTime "
                f"{timestamp(expires)}, and AWS refuses to delete it before then. Nothing was deleted. Either wait "
                "until then and run this again, or run `pulumi state delete <urn>` to stop managing it (AWS keeps "
                "billing it until the commitment expires either way)",
            )
        ignore_not_found(lambda: self._delete_call(client, id_, name))
        # Waiting until it is gone lets a delete-before-replace reuse the name at once.
        self._wait(
            "deleting", client, id_, name, DELETED, timeout_seconds(props.get("timeouts"), "delete", DEFAULT_TIMEOUTS["delete"]),
            hint=f"AWS accepted the delete of {id_}; check that it is gone with `pulumi refresh`",
        )

    def _delete_call(self, client: Any, arn: str, name: str) -> None:
        with aws_call("deleting", self.label(name)):
            client.delete_provisioned_model_throughput(provisionedModelId=arn)

    def _outputs(
        self, throughput: Mapping[str, Any], region: str, given_model: Any, tags_all: Mapping[str, str], own: Any, timeouts: Any
    ) -> dict[str, Any]:
        """The outputs; ``timeouts`` among them because ``delete`` receives only the outputs."""
        # During an update, the desired values are where the throughput is going.
        model = throughput.get("desiredModelArn") or throughput.get("modelArn")
        return {
            "provisioned_model_arn": throughput["provisionedModelArn"],
            "provisioned_model_name": throughput["provisionedModelName"],
            "status": throughput.get("status"),
            "model_arn": given_model if model_is_consistent(given_model, model) else model,
            "foundation_model_arn": throughput.get("foundationModelArn"),
            "model_units": throughput.get("desiredModelUnits") or throughput.get("modelUnits"),
            "commitment_duration": throughput.get("commitmentDuration"),
            "commitment_expiration_time": timestamp(throughput.get("commitmentExpirationTime")),
            "creation_time": timestamp(throughput.get("creationTime")),
            "last_modified_time": timestamp(throughput.get("lastModifiedTime")),
            "failure_message": throughput.get("failureMessage"),
            "region": region,
            "timeouts": timeouts,
            **self.tag_outputs(tags_all, own),
        }


# finders


def find_throughput(client: Any, identifier: str, label: str) -> dict[str, Any]:
    """GetProvisionedModelThroughput by name or ARN; ResourceNotFoundException becomes NotFoundError."""
    with aws_call("reading", label):
        return client.get_provisioned_model_throughput(provisionedModelId=identifier)


CREATE = CreateOperation(
    "create_provisioned_model_throughput", arn_key="provisionedModelArn", name_key="provisionedModelName",
    describe=find_throughput,
)


def _model_key(model: Any) -> tuple[str, str, str | None] | None:
    """(kind, ID, region) of a model ID, custom model name or ARN; a bare name is a custom model.

    The region is None for an ID or name, which ``check`` resolves in the throughput's region."""
    if not isinstance(model, str) or is_unknown(model):
        return None
    arn = parse_arn(model)
    if arn:
        return arn.resource_type, arn.resource_id, arn.region or None
    return ("foundation-model" if "." in model else "custom-model-name"), model, None


def _model_identity(model: Any) -> Any:
    """The model as the autoname sees it: a custom model ARN by its base model (custom models of one
    base switch in place, so a re-run after a crash with another of them finds its own name), any
    other model by kind and ID. Every model change that replaces changes this value."""
    key = _model_key(model)
    if key is None:
        return model
    kind, id_, _region = key
    if kind == "custom-model" and "/" in id_:
        return ("custom-model of", id_.rsplit("/", 1)[0])
    return (kind, id_)


def is_foundation_model(model: Any) -> bool:
    key = _model_key(model)
    return key is not None and key[0] == "foundation-model"


def same_model(old: Any, new: Any) -> bool:
    """Equal when both name the same model: an ID equals an ARN with the same trailing ID."""
    if old == new:
        return True
    old_key, new_key = _model_key(old), _model_key(new)
    if old_key is None or new_key is None or old_key[:2] != new_key[:2]:
        return False
    return old_key[2] is None or new_key[2] is None or old_key[2] == new_key[2]


def model_is_consistent(given: Any, arn: Any) -> bool:
    """The model as the user wrote it stays in the outputs while it still names the service's model.

    A custom model name cannot be compared with an ARN without an AWS call; it is trusted (the
    service resolved it at create or update), so a model changed outside Pulumi behind a custom model
    name is not detected.
    """
    if given is None or is_unknown(given):
        return False
    key = _model_key(given)
    return same_model(given, arn) or (key is not None and key[0] == "custom-model-name" and is_custom_model(arn))


def is_custom_model(model: Any) -> bool:
    key = _model_key(model)
    return key is not None and key[0] in ("custom-model", "custom-model-name")


def model_change_replaces(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether a model change needs a new throughput.

    UpdateProvisionedModelThroughput changes the model only of a throughput serving a custom model,
    to another custom model of the same base model or to that base model itself. A throughput that
    serves a foundation model, or a move to another foundation model, is replaced. A move between
    custom models updates in place (AWS rejects a different base model with a clear error, which
    costs less than a wrongly bought throughput).
    """
    old, new = olds.get("model_arn"), news.get("model_arn")
    if contains_unknown(new):
        return not is_custom_model(old)
    if same_model(old, new):
        return False
    if not is_custom_model(old):
        return True
    if is_foundation_model(new):
        base = olds.get("foundation_model_arn")
        # Old inputs (in check) do not know the base model: assume in place, the diff decides with outputs.
        return base is not None and not same_model(base, new)
    return False


def unexpired_commitment(expires: Any, at: dt.datetime) -> str | None:
    """The expiration time as text when it is still after ``at`` (AWS's time, see :func:`aws_now`), else None."""
    if expires is None or is_unknown(expires):
        return None
    moment = expires if isinstance(expires, dt.datetime) else _parse_time(expires)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.isoformat() if moment > at else None


def _parse_time(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if is_unknown(value):
        return "unknown"
    return str(value)


# waiters

GONE = "Deleted"
"""The status the waiters see once GetProvisionedModelThroughput answers ResourceNotFoundException."""


def _status(response: Mapping[str, Any]) -> str | None:
    return response.get("status")


def _failure(response: Mapping[str, Any]) -> str | None:
    return response.get("failureMessage")


CREATED = waiting.Waiter(
    kind="provisioned model throughput", status=_status, target=frozenset({"InService"}),
    pending=frozenset({"Creating"}), failure=frozenset({"Failed"}), reason=_failure, delay=30.0,
)
UPDATED = waiting.Waiter(
    kind="provisioned model throughput", status=_status, target=frozenset({"InService"}),
    pending=frozenset({"Updating"}), failure=frozenset({"Failed"}), reason=_failure, delay=30.0,
)
DELETED = waiting.Waiter(
    kind="provisioned model throughput", status=_status, target=frozenset({GONE}),
    pending=frozenset({"Creating", "InService", "Updating", "Failed"}), delay=5.0, max_delay=30.0,
)


# the resource


@SCHEMA.documents
@dataclass
class ProvisionedModelThroughputArgs:
    """Arguments of :class:`ProvisionedModelThroughput`, named as pulumi-aws ``aws.bedrock.ProvisionedModelThroughput``."""

    model_arn: pulumi.Input[str]
    model_units: pulumi.Input[int]
    provisioned_model_name: Optional[pulumi.Input[str]] = None
    commitment_duration: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    region: Optional[pulumi.Input[str]] = None
    timeouts: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    adopt_existing: Optional[pulumi.Input[bool]] = None


class ProvisionedModelThroughput(BedrockResource, module=PROVISIONED_MODEL_THROUGHPUT.module, name=PROVISIONED_MODEL_THROUGHPUT.name):
    """Amazon Bedrock provisioned model throughput (``pulumi-python:dynamic/bedrock:ProvisionedModelThroughput``).

    Invoke the model through ``provisioned_model_arn``. Creating it waits until it is InService; a
    throughput that ends Failed is deleted again and the error carries AWS's failureMessage.

    It costs money per hour from creation. Changing ``model_units``, ``commitment_duration`` or
    ``region`` (or moving to a foundation model the throughput cannot switch to) buys a new one
    and deletes the old one; the preview marks those properties as replacing, and the provider
    prints a warning line saying so.

    With a ``commitment_duration``, AWS refuses to delete the throughput before
    ``commitment_expiration_time`` and keeps billing it until then: the provider's delete fails at
    once without touching it, and a replacement is ordered delete-first so it stops before buying
    a second one. Protect committed throughput with ``opts=pulumi.ResourceOptions(protect=True)``
    so that a destroy or a replacing change is refused by Pulumi itself. To stop managing one
    before its commitment ends, use ``pulumi state delete <urn>``.
    """

    provider_class = ProvisionedModelThroughputProvider

    provisioned_model_arn: pulumi.Output[str]
    provisioned_model_name: pulumi.Output[str]
    status: pulumi.Output[str]
    model_arn: pulumi.Output[str]
    foundation_model_arn: pulumi.Output[str]
    model_units: pulumi.Output[int]
    commitment_duration: pulumi.Output[Optional[str]]
    commitment_expiration_time: pulumi.Output[Optional[str]]
    creation_time: pulumi.Output[str]
    last_modified_time: pulumi.Output[str]
    failure_message: pulumi.Output[Optional[str]]
    tags: pulumi.Output[Optional[dict]]
    tags_all: pulumi.Output[dict]
    region: pulumi.Output[str]
    timeouts: pulumi.Output[Optional[dict]]

    def __init__(
        self,
        resource_name: str,
        args: ProvisionedModelThroughputArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        self._register(resource_name, args or ProvisionedModelThroughputArgs(**kwargs), opts)
