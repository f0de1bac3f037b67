"""IAM policy documents that grant exactly what invoking one Bedrock endpoint needs.

The one place this library builds IAM. :func:`invoke_policy_document` is pure: it takes ARNs that
are already known (the components call it inside ``apply``) and returns a standard policy document.
:func:`role_policy` attaches such a document to a role with pulumi-aws (``grant_invoke``).

What AWS authorizes (Amazon Bedrock user guide, "Prerequisites for inference profiles"; actions,
resource types and condition keys from the Service Authorization Reference for Amazon Bedrock):

- ``bedrock:InvokeModel`` covers InvokeModel and Converse; ``bedrock:InvokeModelWithResponseStream``
  covers InvokeModelWithResponseStream and ConverseStream.
- A request through an application inference profile is authorized on the profile's ARN **and**
  on the foundation-model ARN in the region the request is routed to: any region in the profile's
  ``models``. Granting only the source region breaks cross-region profiles (aws/aws-cdk#36774).
- The foundation-model statement is conditioned on ``bedrock:InferenceProfileArn`` equal to the
  profile, so the models are reachable only through it: a client that calls a foundation model or
  a system-defined profile directly, bypassing the profile's cost tags, is refused.
- A profile that copies a system-defined (cross-region) profile also needs that system profile's
  ARN. It is granted unconditioned: calling the system profile directly still needs the models,
  which only this profile's ARN unlocks.
- A provisioned throughput (``provisioned-model/...``) or a custom model deployment
  (``custom-model-deployment/...``) is invoked by its own ARN, which is all it needs.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Iterable, Optional

if TYPE_CHECKING:
    import pulumi
    import pulumi_aws as aws

__all__ = [
    "CONDITION_KEY",
    "GET_PROFILE_ACTION",
    "INVOKE_ACTION",
    "STREAM_ACTION",
    "invoke_policy_document",
    "invoke_policy_json",
    "invoke_target",
    "profile_invoke_target",
    "role_policy",
]

INVOKE_ACTION = "bedrock:InvokeModel"
STREAM_ACTION = "bedrock:InvokeModelWithResponseStream"
GET_PROFILE_ACTION = "bedrock:GetInferenceProfile"
CONDITION_KEY = "bedrock:InferenceProfileArn"
CONDITION_OPERATOR = "ArnEquals"
"""The key's value type is an ARN, so it is compared with an ARN operator."""

ENDPOINT_RESOURCE_TYPES = ("application-inference-profile", "provisioned-model", "custom-model-deployment")

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):bedrock:(?P<region>[a-z]{2}(-[a-z]+)+-\d):(?P<account>\d{12})?:"
    r"(?P<type>[a-z-]+)/(?P<id>[^*?\s]+)"
)


def invoke_policy_document(
    model_id: str,
    *,
    models: Iterable[str] = (),
    source_profile: Optional[str] = None,
    streaming: bool = True,
) -> dict[str, Any]:
    """The identity policy that lets a caller invoke ``model_id``, and nothing else.

    :param model_id: The ARN clients pass as ``modelId``: an application inference profile
        (``application-inference-profile/...``), a provisioned throughput (``provisioned-model/...``)
        or a custom model deployment (``custom-model-deployment/...``).
    :param models: For a profile, required: the foundation-model ARNs of its ``models``, one per
        region a request may be served in. Must be empty for the other kinds.
    :param source_profile: For a profile copied from a system-defined (cross-region) profile, that
        profile's ARN (``inference-profile/us....``). Default: none (copied from a foundation model).
    :param streaming: Also grant ``bedrock:InvokeModelWithResponseStream`` (streaming InvokeModel
        and ConverseStream). Default: true.
    :returns: ``{"Version": "2012-10-17", "Statement": [...]}`` with exact ARNs, never wildcards.
    :raises ValueError: an ARN of the wrong kind or shape, or ``models``/``source_profile`` given for
        a kind that has none, or missing for a profile.
    """
    endpoint = _parse(model_id, "model_id", ENDPOINT_RESOURCE_TYPES)
    model_arns = sorted(set(models))
    actions = [INVOKE_ACTION, STREAM_ACTION] if streaming else [INVOKE_ACTION]
    if endpoint["type"] != "application-inference-profile":
        if model_arns or source_profile:
            raise ValueError(f"model_id {model_id!r} is a {endpoint['type']}: it has no models or source_profile to grant")
        return _document([_allow("InvokeEndpoint", actions, [model_id])])

    if not model_arns:
        raise ValueError(f"models is required for the application inference profile {model_id!r}: the foundation-model ARNs it routes to")
    for arn in model_arns:
        model = _parse(arn, "models[]", ("foundation-model",))
        if model["partition"] != endpoint["partition"]:
            raise ValueError(f"models[] {arn!r} is in partition {model['partition']}, the profile in {endpoint['partition']}")
    invoked = [model_id]
    if source_profile:
        _parse(source_profile, "source_profile", ("inference-profile",))
        invoked.append(source_profile)
    return _document([
        _allow("InvokeEndpoint", actions, invoked),
        _allow("ReadInferenceProfile", [GET_PROFILE_ACTION], [model_id]),
        _allow(
            "InvokeModelsThroughProfile", actions, model_arns,
            condition={CONDITION_OPERATOR: {CONDITION_KEY: model_id}},
        ),
    ])


def _parse(arn: Any, field: str, types: tuple[str, ...]) -> dict[str, str]:
    match = _ARN.fullmatch(arn) if isinstance(arn, str) else None
    if not match or match.group("type") not in types:
        kinds = " or ".join(types)
        raise ValueError(f"{field} must be the ARN of a Bedrock {kinds} (arn:<partition>:bedrock:<region>:...), got {arn!r}")
    if (match.group("type") == "foundation-model") != (match.group("account") is None):
        raise ValueError(f"{field} {arn!r}: a foundation-model ARN has no account, every other Bedrock ARN has one")
    return match.groupdict()


def _allow(sid: str, actions: list[str], resources: list[str], condition: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def _document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


# the components' side: policy documents from resource outputs


def invoke_target(model_id: "pulumi.Input[str]", models: Any = (), source_profile: Any = None) -> "pulumi.Output[list[Any]]":
    """``[model_id, models, source_profile]`` as one Output, the arguments of :func:`invoke_policy_document`."""
    import pulumi

    return pulumi.Output.all(model_id, models, source_profile)


def profile_invoke_target(profile: Any) -> "pulumi.Output[list[Any]]":
    """The invoke target of an ``ApplicationInferenceProfile``: its ARN, its ``models`` ARNs and its
    system-profile source (``model_source.copy_from`` once resolved to an ARN), if any."""
    return invoke_target(profile.arn, profile.models.apply(_model_arns), profile.model_source.apply(_system_profile_source))


def invoke_policy_json(target: "pulumi.Output[list[Any]]", streaming: bool) -> "pulumi.Output[str]":
    """:func:`invoke_policy_document` of ``target`` as JSON text, the form IAM resources take."""
    return target.apply(
        lambda values: json.dumps(invoke_policy_document(values[0], models=values[1], source_profile=values[2], streaming=streaming))
    )


def _model_arns(models: Any) -> list[str]:
    return [m["model_arn"] for m in models or []]


def _system_profile_source(model_source: Any) -> Optional[str]:
    copy_from = (model_source or {}).get("copy_from") or ""
    return copy_from if ":inference-profile/" in copy_from else None


def role_policy(
    parent: "pulumi.Resource", parent_name: str, role: Any, policy: "pulumi.Input[str]", name: Optional[str] = None
) -> "aws.iam.RolePolicy":
    """An inline ``aws.iam.RolePolicy`` holding ``policy`` on ``role``, a child of ``parent``.

    pulumi-aws is imported here, on first use, so that programs using only the policy documents
    never load it (and never need AWS credentials in preview: pulumi-aws#3971).
    """
    import pulumi
    import pulumi_aws as aws

    if isinstance(role, aws.iam.Role):
        role_name, label = role.name, role.pulumi_resource_name
    elif isinstance(role, str):
        role_name, label = role, role
    elif isinstance(role, pulumi.Output):
        if name is None:
            raise ValueError(f"grant_invoke on {parent_name}: name is required when role is an Output (the role's name is not known yet)")
        role_name, label = role, ""
    else:
        raise TypeError(f"grant_invoke on {parent_name}: role must be an aws.iam.Role or a role name, got {type(role).__name__}")
    return aws.iam.RolePolicy(
        name or f"{parent_name}-invoke-{label}",
        role=role_name,
        policy=policy,
        opts=pulumi.ResourceOptions(parent=parent),
    )
