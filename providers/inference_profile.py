"""Amazon Bedrock application inference profile: a tracked, taggable copy of a model or system profile.

Reads top to bottom: inputs → provider (check, diff, create, read, update, delete) → finders →
the ``ApplicationInferenceProfile`` resource. The service has no update API: only tags change in
place; name, description, model source and region replace the profile.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Annotated, Any, Mapping, Optional, TypedDict

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from pulumi_bedrock_inference.identifiers import (
    APPLICATION_INFERENCE_PROFILE, GEOGRAPHIC_PREFIXES, MODEL_ID_MAX_LENGTH,  # noqa: F401 (GEOGRAPHIC_PREFIXES: its old home)
    MODEL_ID_PATTERN, bedrock_arn, foundation_model_arn,
    is_model_id, parse_arn, split_profile_id,
)

from . import schema as s
from . import tags as tagging
from .base import BedrockProvider, BedrockResource, timestamp
from .errors import InvalidRequestError, NotFoundError, aws_call, ignore_not_found
from .tokens import CreateOperation, client_token
from .validation import InputChecker, StringRule, api_rule, is_unknown

NAME_RULE = api_rule("CreateInferenceProfile", "inferenceProfileName").meaning_is(
    "letters and digits, each optionally followed by one space, _ or -"
)
DESCRIPTION_RULE = api_rule("CreateInferenceProfile", "description").meaning_is(
    "letters, digits, : and ., each optionally followed by one space, _ or -"
)
COPY_FROM_ARN_RULE = api_rule("CreateInferenceProfile", "modelSource.copyFrom")
COPY_FROM_ID_RULE = StringRule(1, MODEL_ID_MAX_LENGTH, MODEL_ID_PATTERN)
"""A model or system profile ID as a rule: the test ``check`` makes, :func:`~pulumi_bedrock_inference.identifiers.is_model_id`
(kept for the tests, which feed it adversarial input and hold the check to it)."""


def _check_model_source(_provider: BedrockProvider, checker: InputChecker, _field: str, _olds: Mapping[str, Any]) -> None:
    source = checker.inputs.get("model_source")
    if source is None:
        checker.fail("model_source", 'is required: {"copy_from": <foundation model or system inference profile, ID or ARN>}')
        return
    if is_unknown(source):
        return
    if not isinstance(source, Mapping) or set(source) - {"copy_from"}:
        checker.fail("model_source", 'must be an object with exactly one key, copy_from')
        return
    copy_from = source.get("copy_from")
    if copy_from is None:
        checker.fail("model_source.copy_from", "is required")
        return
    if is_unknown(copy_from):
        return
    if not isinstance(copy_from, str):
        checker.fail("model_source.copy_from", f"must be a string, got {type(copy_from).__name__}")
        return
    if copy_from.startswith("arn:"):
        problem = COPY_FROM_ARN_RULE.problem(copy_from)
        if problem:
            checker.fail(
                "model_source.copy_from",
                f"must be a foundation-model ARN or a system-defined inference-profile ARN: it {problem}",
            )
            return
        region = checker.inputs.get("region")
        arn_region = parse_arn(copy_from).region  # type: ignore[union-attr]
        if isinstance(region, str) and arn_region and arn_region != region:
            checker.fail("model_source.copy_from", f"is in region {arn_region}, but the profile is created in {region}")
    elif not is_model_id(copy_from):
        checker.fail(
            "model_source.copy_from",
            "must be a foundation model ID (anthropic.claude-3-5-sonnet-20241022-v2:0), a system inference "
            f"profile ID (us.anthropic.claude-3-5-sonnet-20241022-v2:0) or the ARN of either (got {copy_from!r})",
        )


class ApplicationInferenceProfileProps(TypedDict, total=False):
    """A profile's properties, as the provider receives them (decoded): its inputs, in check order,
    then its outputs. The service has no update API: everything but tags replaces the profile (the
    name too)."""

    region: Annotated[str, s.argument(
        s.region, s.Replaces(),
        doc=f"Region to create the profile in. {s.REGION_DEFAULT}",
    )]
    description: Annotated[Optional[str], s.argument(
        s.string(DESCRIPTION_RULE), s.Replaces(key=lambda description: description or None),
        doc="1–200 characters: letters, digits, ``:`` and ``.``, each optionally followed by one space, ``_`` or ``-``. "
        "Default: none.",
    )]
    model_source: Annotated[dict[str, str], s.argument(
        _check_model_source, s.Replaces(key=lambda source: _source_id(source)),
        derived=("models",),
        doc="Required. ``{\"copy_from\": ...}``: the model or system profile the profile routes to.",
        output_doc="``{\"copy_from\": <ARN>}``: the resolved source (recovered from ``models`` on refresh).",
    )]
    tags: Annotated[Optional[dict[str, str]], s.TAGS]
    adopt_existing: Annotated[Optional[bool], s.adopt_existing_argument(
        "profile", "it must have the same model source and description; its tags are set to this resource's",
    )]
    name: Annotated[str, s.name_argument(
        NAME_RULE, "1–64", s.Replaces(),
    )]
    arn: Annotated[str, s.Output("The profile's ARN, also its Pulumi ID: pass it as ``modelId`` when invoking.")]
    models: Annotated[list[dict[str, str]], s.Output(
        "``[{\"model_arn\": ...}]``: the foundation models (one per region the profile routes to)."
    )]
    status: Annotated[str, s.Output("``ACTIVE``.")]
    type: Annotated[str, s.Output("``APPLICATION``.")]
    created_at: Annotated[str, s.Output("ISO 8601.")]
    updated_at: Annotated[str, s.Output("ISO 8601.")]
    tags_all: Annotated[dict[str, str], s.TAGS_ALL]


SCHEMA = s.Schema.of(ApplicationInferenceProfileProps)
INPUTS, OUTPUTS = SCHEMA.input_names, SCHEMA.outputs


class ApplicationInferenceProfileProvider(BedrockProvider[ApplicationInferenceProfileProps]):
    """Dynamic provider for ``pulumi-python:dynamic/bedrock:ApplicationInferenceProfile`` (public API: keep the path)."""

    kind = "Bedrock application inference profile"
    noun = "profile"
    schema = SCHEMA

    def _create(self, props: ApplicationInferenceProfileProps) -> CreateResult:
        region, name = props["region"], props["name"]
        client = self.client(region)
        copy_from = self._resolve_copy_from(client, region, props["model_source"]["copy_from"], name)
        tags_all = self.tags_all(props)
        request: dict[str, Any] = {"inferenceProfileName": name, "modelSource": {"copyFrom": copy_from}}
        if props.get("description"):
            request["description"] = props["description"]
        if tags_all:
            request["tags"] = tagging.to_aws(tags_all)
        token = client_token("inference-profile", region, name, request)
        label = self.label(name)
        arn, profile = self.create_or_take_over(
            CREATE.call(client, request, label), token, props,
            lambda: self._adopt(client, name, copy_from, props.get("description"), tags_all),
        )
        if profile is None:
            profile = find_profile(client, arn, label)
        return CreateResult(arn, self._outputs(profile, region, copy_from, tags_all, props.get("tags")))

    def _resolve_copy_from(self, client: Any, region: str, copy_from: str, name: str) -> str:
        """An ID becomes its ARN in ``region``: a system profile ID through the service, a model ID locally.

        A system profile ARN is looked up once per client (region) and ID; once one lookup has told
        the process its account, other system profile ARNs of that region are built without a call
        (the service then rejects an ID that is not a system profile, naming it).
        """
        if copy_from.startswith("arn:"):
            return copy_from
        known = _KNOWN_SOURCES.setdefault(client, _KnownSources())
        if split_profile_id(copy_from)[0] is not None:
            arn = known.profile_arns.get(copy_from)
            if arn is None and known.account:
                arn = bedrock_arn(client.meta.partition, region, known.account, "inference-profile", copy_from)
            if arn is None:
                try:
                    arn = find_profile(client, copy_from, f'system inference profile "{copy_from}"')["inferenceProfileArn"]
                except NotFoundError as error:
                    raise InvalidRequestError(
                        "creating", self.label(name), error.code,
                        f"model_source.copy_from {copy_from!r} is not a system-defined inference profile in {region}: {error.aws_message}",
                    ) from error
                known.remember(copy_from, arn)
            return arn
        return foundation_model_arn(region, copy_from, client.meta.partition)

    def _adopt(self, client: Any, name: str, copy_from: str, description: str | None, tags_all: dict[str, str]) -> str:
        profile = find_profile_by_name(client, name, self.label(name))
        mismatches = []
        recovered = recover_copy_from(profile.get("models", []), copy_from)
        if not same_source({"copy_from": recovered}, {"copy_from": copy_from}):
            mismatches.append(f"model_source.copy_from is {recovered}, not {copy_from}")
        if (profile.get("description") or None) != (description or None):
            mismatches.append(f"description is {profile.get('description')!r}, not {description!r}")
        refusal = "the existing profile differs in what cannot change in place: " + "; ".join(mismatches) if mismatches else None
        return self.taken_over(client, profile["inferenceProfileArn"], name, tags_all, refusal)

    def _read(self, id_: str, props: ApplicationInferenceProfileProps) -> ReadResult:
        region = props.get("region") or parse_arn(id_).region  # type: ignore[union-attr]
        client = self.client(region)
        label = self.label(props.get("name") or id_)
        profile = ignore_not_found(lambda: find_profile(client, id_, label))
        if profile is None:
            return ReadResult("", {})
        tags_all = ignore_not_found(lambda: self.read_tags(client, id_, profile["inferenceProfileName"]))
        if tags_all is None:
            return ReadResult("", {})
        previous = (props.get("model_source") or {}).get("copy_from")
        copy_from = recover_copy_from(profile.get("models", []), previous) or self._system_profile_with(
            client, profile.get("models", []), label
        )
        return ReadResult(id_, self._outputs(profile, region, copy_from, tags_all, props.get("tags")))

    def _system_profile_with(self, client: Any, models: list[Mapping[str, str]], label: str) -> str | None:
        wanted = sorted(m["modelArn"] for m in models)
        with aws_call("finding the source of", label):
            for page in client.get_paginator("list_inference_profiles").paginate(typeEquals="SYSTEM_DEFINED"):
                for summary in page.get("inferenceProfileSummaries", []):
                    if sorted(m["modelArn"] for m in summary.get("models", [])) == wanted:
                        return summary["inferenceProfileArn"]
        return None

    def _update(self, id_: str, olds: ApplicationInferenceProfileProps, news: ApplicationInferenceProfileProps) -> UpdateResult:
        client = self.client(olds["region"])
        wanted = self.tags_all(news)
        self.sync_tags(client, id_, olds["name"], olds.get("tags_all") or {}, wanted)
        outputs = {k: v for k, v in olds.items() if k != "__provider"}
        outputs.update(self.tag_outputs(wanted, news.get("tags")))
        return UpdateResult(outputs)

    def _delete(self, id_: str, props: ApplicationInferenceProfileProps) -> None:
        client = self.client(props["region"])

        def delete_profile() -> None:
            with aws_call("deleting", self.label(props.get("name") or id_)):
                client.delete_inference_profile(inferenceProfileIdentifier=id_)

        ignore_not_found(delete_profile)

    def _outputs(
        self, profile: Mapping[str, Any], region: str, copy_from: str | None, tags_all: Mapping[str, str], own: Any
    ) -> dict[str, Any]:
        return {
            "arn": profile["inferenceProfileArn"],
            "name": profile["inferenceProfileName"],
            "description": profile.get("description"),
            "model_source": {"copy_from": copy_from},
            "models": [{"model_arn": m["modelArn"]} for m in profile.get("models", [])],
            "status": profile.get("status"),
            "type": profile.get("type"),
            "created_at": timestamp(profile.get("createdAt")),
            "updated_at": timestamp(profile.get("updatedAt")),
            "region": region,
            **self.tag_outputs(tags_all, own),
        }


# what earlier calls told this process


@dataclass
class _KnownSources:
    """System inference profile ARNs by ID, and the account, as one client's responses showed them."""

    profile_arns: dict[str, str] = field(default_factory=dict)
    account: str | None = None

    def remember(self, profile_id: str, arn: str) -> None:
        self.profile_arns[profile_id] = arn
        parsed = parse_arn(arn)
        if parsed and parsed.account:
            self.account = parsed.account


_KNOWN_SOURCES: "weakref.WeakKeyDictionary[Any, _KnownSources]" = weakref.WeakKeyDictionary()
"""Per cached boto3 client (one region, profile and endpoint), for the life of the process."""


# finders


def find_profile(client: Any, identifier: str, label: str) -> dict[str, Any]:
    """GetInferenceProfile by ID or ARN; ResourceNotFoundException becomes NotFoundError."""
    with aws_call("reading", label):
        return client.get_inference_profile(inferenceProfileIdentifier=identifier)


def find_profile_by_name(client: Any, name: str, label: str) -> dict[str, Any]:
    with aws_call("finding", label):
        for page in client.get_paginator("list_inference_profiles").paginate(typeEquals="APPLICATION"):
            for summary in page.get("inferenceProfileSummaries", []):
                if summary.get("inferenceProfileName") == name:
                    return summary
    raise NotFoundError("finding", label, "ResourceNotFoundException", "no application inference profile has this name")


CREATE = CreateOperation(
    "create_inference_profile", arn_key="inferenceProfileArn", name_key="inferenceProfileName",
    describe=find_profile, describe_by_name=find_profile_by_name,
)


def recover_copy_from(models: list[Mapping[str, str]], previous: str | None) -> str | None:
    """The model source, which GetInferenceProfile does not return, recovered from ``models``.

    The previous value is kept when it is consistent with the models (so an ID stays an ID and a
    system profile stays that profile); one model is that foundation model; several models mean a
    system-defined profile, which the caller looks up.
    """
    model_ids = {m["modelArn"].rsplit("/", 1)[-1] for m in models}
    if previous and not is_unknown(previous):
        base = _source_id({"copy_from": previous})
        geography, model_id = split_profile_id(base)
        if geography is not None:
            if len(models) >= 1 and model_ids == {model_id}:
                return previous
        elif len(models) == 1 and model_ids == {base}:
            return previous
    if len(models) == 1:
        return models[0]["modelArn"]
    return None


def same_source(old: Any, new: Any) -> bool:
    """Model sources are equal when they name the same model or profile ID: an ID, its ARN and its
    region-less ARN alike (``check`` holds a regional ARN to the profile's own region)."""
    return _source_id(old) == _source_id(new)


def _source_id(source: Any) -> Any:
    if not isinstance(source, Mapping):
        return source
    copy_from = source.get("copy_from")
    if not isinstance(copy_from, str):
        return copy_from
    parsed = parse_arn(copy_from)
    return parsed.resource_id if parsed else copy_from


# the resource


class ModelSourceArgs(TypedDict):
    copy_from: pulumi.Input[str]
    """Foundation model or system-defined inference profile to copy: an ID such as
    ``anthropic.claude-3-5-sonnet-20241022-v2:0`` or ``us.anthropic.claude-3-5-sonnet-20241022-v2:0``
    (resolved to its ARN in the profile's region), or the ARN of either. Changing it replaces the profile."""


@SCHEMA.documents
@dataclass
class ApplicationInferenceProfileArgs:
    """Arguments of :class:`ApplicationInferenceProfile`, named as pulumi-aws ``aws.bedrock.InferenceProfile``."""

    model_source: pulumi.Input[ModelSourceArgs]
    name: Optional[pulumi.Input[str]] = None
    description: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    region: Optional[pulumi.Input[str]] = None
    adopt_existing: Optional[pulumi.Input[bool]] = None


class ApplicationInferenceProfile(BedrockResource, module=APPLICATION_INFERENCE_PROFILE.module, name=APPLICATION_INFERENCE_PROFILE.name
):
    """An Amazon Bedrock application inference profile (``pulumi-python:dynamic/bedrock:ApplicationInferenceProfile``).

    Invoke a model through ``arn`` to track its usage and cost by the profile's tags.
    """

    provider_class = ApplicationInferenceProfileProvider

    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[Optional[str]]
    model_source: pulumi.Output[dict]
    models: pulumi.Output[list]
    status: pulumi.Output[str]
    type: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    tags: pulumi.Output[Optional[dict]]
    tags_all: pulumi.Output[dict]
    region: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: ApplicationInferenceProfileArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        self._register(resource_name, args or ApplicationInferenceProfileArgs(**kwargs), opts)
