"""What the policies read from a resource, whichever provider declares it.

This package's dynamic resources carry their Python argument names (``model_units``); pulumi-aws
resources reach a policy pack with the engine's camelCase names (``modelUnits``). Each reader
below takes ``ResourceValidationArgs.props`` and the type token and answers in one vocabulary.

Readers never raise on a value of the wrong type: they answer None (or empty), and a rule judges
only what it can read. A value unknown during preview arrives as a sentinel string that the
props proxy turns into ``UnknownValueError`` when read; that one is let through, as pulumi_policy
expects (it skips the rule for the resource with a note, and ``pulumi up`` checks it again).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from pulumi_policy.proxy import UnknownValueError

from pulumi_bedrock_inference.identifiers import (
    APPLICATION_INFERENCE_PROFILE,
    CUSTOM_MODEL_DEPLOYMENT,
    PROVISIONED_MODEL_THROUGHPUT,
    parse_arn,
    split_profile_id,
)

DYNAMIC_INFERENCE_PROFILE = str(APPLICATION_INFERENCE_PROFILE)
DYNAMIC_CUSTOM_MODEL_DEPLOYMENT = str(CUSTOM_MODEL_DEPLOYMENT)
DYNAMIC_PROVISIONED_THROUGHPUT = str(PROVISIONED_MODEL_THROUGHPUT)
AWS_INFERENCE_PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile"
AWS_PROVISIONED_THROUGHPUT = "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput"

INFERENCE_PROFILE_TYPES = (DYNAMIC_INFERENCE_PROFILE, AWS_INFERENCE_PROFILE)
PROVISIONED_THROUGHPUT_TYPES = (DYNAMIC_PROVISIONED_THROUGHPUT, AWS_PROVISIONED_THROUGHPUT)
CUSTOM_MODEL_DEPLOYMENT_TYPES = (DYNAMIC_CUSTOM_MODEL_DEPLOYMENT,)
TAGGABLE_TYPES = INFERENCE_PROFILE_TYPES + PROVISIONED_THROUGHPUT_TYPES + CUSTOM_MODEL_DEPLOYMENT_TYPES

IAM_POLICY_DOCUMENT_TYPES = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
IAM_ROLE = "aws:iam/role:Role"


def _is_dynamic(resource_type: str) -> bool:
    return resource_type.startswith("pulumi-python:dynamic/")


def prop(props: Mapping[str, Any], resource_type: str, snake: str, camel: str) -> Any:
    """The property under this package's name for dynamic resources, pulumi-aws's otherwise."""
    return props.get(snake if _is_dynamic(resource_type) else camel)


def text(value: Any) -> Optional[str]:
    """``value`` if it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def tags(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """The resource's own ``tags`` (stack default tags from ``aws:defaultTags`` are not inputs);
    empty when absent or not a map. Values are read lazily, so only an unknown value that is
    looked at defers a rule."""
    found = props.get("tags")
    return found if isinstance(found, Mapping) else {}


def commitment_duration(props: Mapping[str, Any], resource_type: str) -> Optional[str]:
    """A provisioned throughput's commitment term, or None for no commitment (hourly) or a non-string."""
    return text(prop(props, resource_type, "commitment_duration", "commitmentDuration"))


def model_units(props: Mapping[str, Any], resource_type: str) -> Optional[float]:
    """A provisioned throughput's model units (numbers come through the engine as floats; a numeric
    string counts, as providers may coerce it), or None when absent or not a finite number."""
    units = prop(props, resource_type, "model_units", "modelUnits")
    if isinstance(units, str):
        try:
            units = float(units)
        except ValueError:
            return None
    if isinstance(units, bool) or not isinstance(units, (int, float)) or not math.isfinite(units):
        return None
    return units


def model_reference(props: Mapping[str, Any], resource_type: str) -> Optional[str]:
    """What the resource serves: the profile's ``copy_from`` or the ``model_arn`` (None if absent)."""
    if resource_type in INFERENCE_PROFILE_TYPES:
        source = prop(props, resource_type, "model_source", "modelSource")
        if not isinstance(source, Mapping):
            return None
        return text(source.get("copy_from" if _is_dynamic(resource_type) else "copyFrom"))
    return text(prop(props, resource_type, "model_arn", "modelArn"))


@dataclass(frozen=True)
class ModelReference:
    """A model ID or ARN taken apart."""

    model_id: Optional[str]
    """The foundation model ID (``anthropic.claude-3-haiku-20240307-v1:0``), None when unknowable
    (an imported custom model, a provisioned or application profile ARN)."""
    geography: Optional[str]
    """``us``, ``eu``, ``apac``, ``global``... for a system inference profile, else None."""
    region: Optional[str]
    """The region named in an ARN, else None."""


def parse_model_reference(reference: str) -> ModelReference:
    """Split an ID or ARN of a foundation model, system profile or custom model."""
    region: Optional[str] = None
    identifier = reference
    arn = parse_arn(reference)
    if arn:
        region = arn.region or None
        kind, rest = arn.resource_type, arn.resource_id
        if kind == "custom-model":
            base = rest.rsplit("/", 1)[0] if "/" in rest else ""
            identifier = "" if base in ("", "imported") else base
        elif kind in ("foundation-model", "inference-profile"):
            identifier = rest
        else:
            identifier = ""
    geography, identifier = split_profile_id(identifier)
    return ModelReference(identifier or None, geography, region)


@dataclass(frozen=True)
class PolicyDocument:
    """One IAM policy document a resource declares, read as far as it can be."""

    where: str
    """The property it was read from: ``policy``, ``inlinePolicies[0].policy``."""
    statements: tuple[dict[str, Any], ...] = ()
    """Its statements as plain dicts of ``Sid``, ``Effect``, ``Action``, ``NotAction``,
    ``Resource``, ``NotResource`` (those present); the last four are checked to be a string or a
    list of strings."""
    problem: Optional[str] = None
    """Why it could not be read (not JSON, not an object, a malformed statement), else None."""
    unknown: Optional[UnknownValueError] = None
    """The unknown value met while reading it during preview, else None."""


STATEMENT_LISTS = ("Action", "NotAction", "Resource", "NotResource")
STATEMENT_KEYS = ("Sid", "Effect", "Condition") + STATEMENT_LISTS


def policy_documents(props: Mapping[str, Any], resource_type: str) -> list[PolicyDocument]:
    """The IAM policy documents a resource declares (parsed from JSON text where needed).

    Absent or empty documents are left out; one that cannot be read carries its ``problem``, one
    with a value unknown during preview its ``unknown``, so that the others are still judged.
    """
    if resource_type in IAM_POLICY_DOCUMENT_TYPES:
        places: list[tuple[str, Any]] = [("policy", props)]
    elif resource_type == IAM_ROLE:
        inline = props.get("inlinePolicies")
        entries = inline if isinstance(inline, Sequence) and not isinstance(inline, str) else []
        places = [(f"inlinePolicies[{i}].policy", entry) for i, entry in enumerate(entries)]
    else:
        places = []
    documents = []
    for where, holder in places:
        try:
            document = holder.get("policy") if isinstance(holder, Mapping) else None
            if document is None or (isinstance(document, str) and not document.strip()):
                continue
            documents.append(_read_document(where, document))
        except UnknownValueError as unknown:
            documents.append(PolicyDocument(where, unknown=unknown))
    return documents


def _read_document(where: str, document: Any) -> PolicyDocument:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except (ValueError, RecursionError) as error:
            detail = f"{error.msg} at line {error.lineno} column {error.colno}" if isinstance(error, json.JSONDecodeError) else str(error)
            return PolicyDocument(where, problem=f"is not valid JSON ({detail})")
    if not isinstance(document, Mapping):
        return PolicyDocument(where, problem=f"is not a JSON object but {_json_kind(document)}")
    found = document.get("Statement")
    if found is None:
        return PolicyDocument(where)
    if isinstance(found, Mapping):
        found = [found]
    elif isinstance(found, str) or not isinstance(found, Sequence):
        return PolicyDocument(where, problem=f"has a Statement that is {_json_kind(found)}, not an object or a list")
    statements = []
    for index, statement in enumerate(found):
        if not isinstance(statement, Mapping):
            return PolicyDocument(where, problem=f"has a Statement[{index}] that is {_json_kind(statement)}, not an object")
        read = {key: statement.get(key) for key in STATEMENT_KEYS if key in statement}
        for key in STATEMENT_LISTS:
            if read.get(key) is not None and not _strings(read[key]):
                return PolicyDocument(where, problem=f"has a Statement[{index}].{key} that is not a string or a list of strings")
        statements.append(read)
    return PolicyDocument(where, tuple(statements))


def _strings(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, Sequence) and all(isinstance(item, str) for item in value)


def _json_kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Sequence):
        return "a list"
    return "null" if value is None else type(value).__name__


def as_list(value: Any) -> list[str]:
    """An IAM ``Action``/``Resource`` value (string or list) as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def stack_of(urn: str) -> str:
    """The stack name in ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    parts = urn.split("::", 1)[0].split(":", 2)
    return parts[2] if len(parts) == 3 else urn
