"""What the policies read from a resource, whichever provider declares it.

This package's dynamic resources carry their Python argument names (``model_units``); pulumi-aws
resources reach a policy pack with the engine's camelCase names (``modelUnits``). Each reader
below takes ``ResourceValidationArgs.props`` and the type token and answers in one vocabulary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Optional

DYNAMIC_INFERENCE_PROFILE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"
DYNAMIC_CUSTOM_MODEL_DEPLOYMENT = "pulumi-python:dynamic/bedrock:CustomModelDeployment"
DYNAMIC_PROVISIONED_THROUGHPUT = "pulumi-python:dynamic/bedrock:ProvisionedModelThroughput"
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

# Geography prefixes of system (cross-region) inference profile IDs, e.g. "eu.anthropic...".
GEOGRAPHIES = ("us", "us-gov", "eu", "apac", "jp", "au", "ca", "global")
_GEOGRAPHY = re.compile(rf"^(?P<geo>{'|'.join(re.escape(g) for g in GEOGRAPHIES)})\.(?P<model>.+)$")
_ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:(?P<region>[a-z0-9-]*):(?P<account>\d*):(?P<kind>[a-z-]+)/(?P<rest>.+)$")


def _is_dynamic(resource_type: str) -> bool:
    return resource_type.startswith("pulumi-python:dynamic/")


def prop(props: Mapping[str, Any], resource_type: str, snake: str, camel: str) -> Any:
    """The property under this package's name for dynamic resources, pulumi-aws's otherwise."""
    return props.get(snake if _is_dynamic(resource_type) else camel)


def tags(props: Mapping[str, Any]) -> dict[str, Any]:
    """The resource's own ``tags`` (stack default tags from ``aws:defaultTags`` are not inputs)."""
    return dict(props.get("tags") or {})


def commitment_duration(props: Mapping[str, Any], resource_type: str) -> Optional[str]:
    """A provisioned throughput's commitment term, or None for no commitment (hourly)."""
    return prop(props, resource_type, "commitment_duration", "commitmentDuration") or None


def model_units(props: Mapping[str, Any], resource_type: str) -> int:
    """A provisioned throughput's model units (numbers come through the engine as floats)."""
    return int(prop(props, resource_type, "model_units", "modelUnits"))


def model_reference(props: Mapping[str, Any], resource_type: str) -> Optional[str]:
    """What the resource serves: the profile's ``copy_from`` or the ``model_arn``."""
    if resource_type in INFERENCE_PROFILE_TYPES:
        source = prop(props, resource_type, "model_source", "modelSource") or {}
        return source.get("copy_from" if _is_dynamic(resource_type) else "copyFrom")
    return prop(props, resource_type, "model_arn", "modelArn")


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
    arn = _ARN.match(reference)
    if arn:
        region = arn["region"] or None
        kind, rest = arn["kind"], arn["rest"]
        if kind == "custom-model":
            base = rest.rsplit("/", 1)[0] if "/" in rest else ""
            identifier = "" if base in ("", "imported") else base
        elif kind in ("foundation-model", "inference-profile"):
            identifier = rest
        else:
            identifier = ""
    geography = None
    match = _GEOGRAPHY.match(identifier)
    if match:
        geography, identifier = match["geo"], match["model"]
    return ModelReference(identifier or None, geography, region)


def policy_documents(props: Mapping[str, Any], resource_type: str) -> Iterator[dict[str, Any]]:
    """The IAM policy documents a resource declares (parsed from JSON text where needed)."""
    if resource_type in IAM_POLICY_DOCUMENT_TYPES:
        candidates = [props.get("policy")]
    elif resource_type == IAM_ROLE:
        candidates = [inline.get("policy") for inline in props.get("inlinePolicies") or []]
    else:
        candidates = []
    for document in candidates:
        if isinstance(document, str) and document.strip():
            document = json.loads(document)
        if isinstance(document, Mapping):
            yield dict(document)


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A document's statements (``Statement`` may be one object or a list)."""
    found = document.get("Statement") or []
    return [dict(found)] if isinstance(found, Mapping) else [dict(s) for s in found]


def as_list(value: Any) -> list[str]:
    """An IAM ``Action``/``Resource`` value (string or list) as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def stack_of(urn: str) -> str:
    """The stack name in ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    return urn.split("::", 1)[0].split(":", 2)[2]
