"""IAM policy documents that grant exactly what invoking Bedrock endpoints needs, and their attachment.

The one place this library builds IAM. :func:`invoke_policy_document` and
:func:`merged_invoke_policy_document` are pure: they take ARNs that are already known (the
components call them inside ``apply``) and return a standard policy document. :func:`role_policy`
attaches such a document to a role with pulumi-aws (``grant_invoke``), after checking at
construction (so at preview) that the role's inline policies stay within IAM's size limit.

What AWS authorizes (Amazon Bedrock user guide, "Prerequisites for inference profiles",
"Geographic cross-Region inference", "Global cross-Region inference"; actions, resource types and
condition keys from the Service Authorization Reference for Amazon Bedrock):

- ``bedrock:InvokeModel`` covers InvokeModel and Converse; ``bedrock:InvokeModelWithResponseStream``
  covers InvokeModelWithResponseStream and ConverseStream.
- A request through an application inference profile is authorized on the profile's ARN **and**
  on the foundation-model ARN in the region the request is routed to: any region in the profile's
  ``models``. Granting only the source region breaks cross-region profiles (aws/aws-cdk#36774).
- The foundation-model statement is conditioned on ``bedrock:InferenceProfileArn`` equal to the
  profile, so the models are reachable only through it: a client that calls a foundation model or
  a system-defined profile directly, bypassing the profile's cost tags, is refused.
- A ``global.`` profile's ``models`` are the model in the source region and the region-less
  ``arn:aws:bedrock:::foundation-model/<id>``. AWS's "IAM policy requirements for global
  cross-Region inference"
  (https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html)
  grants the source-region model under ``aws:RequestedRegion`` = the source region and the
  region-less model under ``aws:RequestedRegion`` = ``unspecified``, both scoped to the profile.
- A profile that copies a system-defined (cross-region) profile also needs that system profile's
  ARN. It is granted unconditioned: calling the system profile directly still needs the models,
  which only this profile's ARN unlocks.
- A provisioned throughput (``provisioned-model/...``) or a custom model deployment
  (``custom-model-deployment/...``) is invoked by its own ARN, which is all it needs.
- ``bedrock:ServiceTier`` is in the request context only when the request names a tier
  (``serviceTier``); without one the request is served at the default tier ("Control access to
  service tiers",
  https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples-agent.html).
- A first invocation of a third-party model in an account subscribes the account to it through AWS
  Marketplace, which needs ``aws-marketplace:Subscribe`` (scoped with ``aws-marketplace:ProductId``),
  ``aws-marketplace:Unsubscribe`` and ``aws-marketplace:ViewSubscriptions`` ("Request access to
  models", https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html); once the model is
  enabled in the account no Marketplace permission is needed.
- A role's inline policies together hold at most 10,240 characters, white space not counted ("IAM
  and AWS STS quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence

import pulumi

from pulumi_bedrock_inference.identifiers import (
    DEFAULT_PARTITION, GEOGRAPHY_REGION_PREFIXES, GET_PROFILE_ACTION, GLOBAL_GEOGRAPHY, GLOBAL_REQUESTED_REGION, INFERENCE_PROFILE_ARN_KEY,
    INVOKE_ACTION, PARTITION_PATTERN, SERVICE_TIER_KEY, SERVICE_TIERS, STREAM_ACTION, BedrockArn, bedrock_arn, foundation_model_arn,
    parse_arn, partition_of, service_regions, split_profile_id,
)
from pulumi_bedrock_inference.patterns import LinearPattern

from ..providers.validation import api_rule
from .validation import InvalidArgumentError, stack_provider_config

if TYPE_CHECKING:
    import pulumi_aws as aws

__all__ = [
    "CONDITION_KEY",
    "GET_PROFILE_ACTION",
    "GLOBAL_REQUESTED_REGION",
    "INLINE_POLICY_LIMIT",
    "INVOKE_ACTION",
    "SERVICE_TIER_KEY",
    "SERVICE_TIERS",
    "STREAM_ACTION",
    "Endpoint",
    "invoke_policy_document",
    "invoke_policy_json",
    "invoke_target",
    "merged_invoke_policy_document",
    "policy_size",
    "profile_invoke_target",
    "role_name",
    "role_policy",
]

CONDITION_KEY = INFERENCE_PROFILE_ARN_KEY
CONDITION_OPERATOR = "ArnEquals"
"""The key's value type is an ARN, so it is compared with an ARN operator."""
REQUESTED_REGION_KEY = "aws:RequestedRegion"
MARKETPLACE_PRODUCT_KEY = "aws-marketplace:ProductId"
INLINE_POLICY_LIMIT = 10_240
"""Characters (white space not counted) of all inline policies of one IAM role together."""

ENDPOINT_RESOURCE_TYPES = ("application-inference-profile", "provisioned-model", "custom-model-deployment")

_ROLE_ARN = LinearPattern(rf"arn:{PARTITION_PATTERN}:iam::\d{{12}}:role/(?:[^*?\s]*/)?(?P<name>[^/*?\s]+)")
_PRODUCT_ID = LinearPattern(r"prod-[a-z0-9]+")
ROLE_NAME_RULE = api_rule("PutRolePolicy", "RoleName", service="iam")
POLICY_NAME_RULE = api_rule("PutRolePolicy", "PolicyName", service="iam")


@dataclass(frozen=True)
class Endpoint:
    """What one invokable endpoint needs granted: the arguments of :func:`invoke_policy_document`."""

    model_id: str
    """The ARN clients pass as ``modelId``."""
    models: tuple[str, ...] = ()
    """For a profile: the foundation-model ARNs of its ``models``."""
    source_profile: Optional[str] = None
    """For a profile copied from a system-defined profile: that profile's ARN."""


def invoke_policy_document(
    model_id: str,
    *,
    models: Iterable[str] = (),
    source_profile: Optional[str] = None,
    streaming: bool = True,
    service_tiers: Optional[Sequence[str]] = None,
    marketplace_product_ids: Optional[Sequence[str]] = None,
) -> dict[str, Any]:
    """The identity policy that lets a caller invoke ``model_id``, and nothing else.

    :param model_id: The ARN clients pass as ``modelId``: an application inference profile
        (``application-inference-profile/...``), a provisioned throughput (``provisioned-model/...``)
        or a custom model deployment (``custom-model-deployment/...``).
    :param models: For a profile, required: the foundation-model ARNs of its ``models``, one per
        region a request may be served in (for a ``global.`` profile: the source region's and the
        region-less ``arn:aws:bedrock:::foundation-model/<id>``). Must be empty for the other kinds.
    :param source_profile: For a profile copied from a system-defined (cross-region) profile, that
        profile's ARN (``inference-profile/us....``). Default: none (copied from a foundation model).
    :param streaming: Also grant ``bedrock:InvokeModelWithResponseStream`` (streaming InvokeModel
        and ConverseStream). Default: true.
    :param service_tiers: The service tiers (``priority``, ``default``, ``flex``, ``reserved``) a
        request may name in ``serviceTier``. A request naming none is served at the default tier and
        is allowed when ``default`` is listed. Default: none, any tier.
    :param marketplace_product_ids: AWS Marketplace product IDs (``prod-...``) of third-party models
        the caller may subscribe the account to on first invocation. Default: none (no Marketplace
        permission; the model must already be enabled in the account).
    :returns: ``{"Version": "2012-10-17", "Statement": [...]}`` with exact ARNs, never wildcards.
    :raises ValueError: an ARN of the wrong kind or shape, ``models``/``source_profile`` given for
        a kind that has none or missing for a profile, an unknown service tier or a malformed product ID.
    """
    endpoint = Endpoint(model_id, tuple(models), source_profile)
    return merged_invoke_policy_document(
        [endpoint], streaming=streaming, service_tiers=service_tiers, marketplace_product_ids=marketplace_product_ids
    )


def merged_invoke_policy_document(
    endpoints: Iterable[Endpoint],
    *,
    streaming: bool = True,
    service_tiers: Optional[Sequence[str]] = None,
    marketplace_product_ids: Optional[Sequence[str]] = None,
) -> dict[str, Any]:
    """One policy granting exactly what invoking each of ``endpoints`` needs, as compact as IAM allows.

    The endpoints' ARNs share one ``InvokeEndpoint`` and one ``ReadInferenceProfile`` statement;
    profiles that route to the same models share one model statement whose
    ``bedrock:InferenceProfileArn`` condition lists them all (any value may match), so each model is
    still reachable only through those profiles. Sids are unique. Arguments as
    :func:`invoke_policy_document`.
    """
    actions = [INVOKE_ACTION, STREAM_ACTION] if streaming else [INVOKE_ACTION]
    tiers = _service_tier_condition(service_tiers)
    invoked: list[str] = []
    read: list[str] = []
    routes: dict[tuple[BedrockArn, ...], list[str]] = {}
    for endpoint in endpoints:
        _check_endpoint(endpoint, invoked, read, routes)
    if not invoked:
        raise ValueError("endpoints must name at least one endpoint to grant")

    statements = [_allow("InvokeEndpoint", actions, _unique(invoked), tiers)]
    if read:
        statements.append(_allow("ReadInferenceProfile", [GET_PROFILE_ACTION], _unique(read)))
    sids: dict[str, int] = {}
    for models, profiles in routes.items():
        through = {CONDITION_OPERATOR: {CONDITION_KEY: profiles[0] if len(profiles) == 1 else sorted(set(profiles))}}
        regional = [str(model) for model in models if model.region]
        regionless = [str(model) for model in models if not model.region]
        if not regionless:
            statements.append(_allow(_sid("InvokeModelsThroughProfile", sids), actions, regional, _merge(through, tiers)))
            continue
        source_regions = regions_of(regional)
        if regional:
            in_region = {"StringEquals": {REQUESTED_REGION_KEY: source_regions[0] if len(source_regions) == 1 else source_regions}}
            statements.append(_allow(_sid("InvokeModelInSourceRegion", sids), actions, regional, _merge(through, in_region, tiers)))
        anywhere = {"StringEquals": {REQUESTED_REGION_KEY: GLOBAL_REQUESTED_REGION}}
        statements.append(_allow(_sid("InvokeGlobalModel", sids), actions, regionless, _merge(through, anywhere, tiers)))
    statements += _marketplace_statements(marketplace_product_ids)
    return {"Version": "2012-10-17", "Statement": statements}


def _check_endpoint(endpoint: Endpoint, invoked: list[str], read: list[str], routes: dict[tuple[BedrockArn, ...], list[str]]) -> None:
    model_id = endpoint.model_id
    parsed = _parse(model_id, "model_id", ENDPOINT_RESOURCE_TYPES)
    model_arns = tuple(sorted(set(endpoint.models)))
    if parsed.resource_type != "application-inference-profile":
        if model_arns or endpoint.source_profile:
            raise ValueError(f"model_id {model_id!r} is a {parsed.resource_type}: it has no models or source_profile to grant")
        invoked.append(model_id)
        return
    if not model_arns:
        raise ValueError(f"models is required for the application inference profile {model_id!r}: the foundation-model ARNs it routes to")
    models = []
    for arn in model_arns:
        model = _parse(arn, "models[]", ("foundation-model",))
        if model.partition != parsed.partition:
            raise ValueError(f"models[] {arn!r} is in partition {model.partition}, the profile in {parsed.partition}")
        models.append(model)
    if all(not model.region for model in models):
        raise ValueError(f"models of {model_id!r} name no region: a profile's models include its source region's model")
    invoked.append(model_id)
    if endpoint.source_profile:
        _parse(endpoint.source_profile, "source_profile", ("inference-profile",))
        invoked.append(endpoint.source_profile)
    read.append(model_id)
    routes.setdefault(tuple(models), []).append(model_id)


def _parse(arn: Any, field: str, types: tuple[str, ...]) -> BedrockArn:
    parsed = parse_arn(arn)
    if parsed is None or not parsed.is_canonical or parsed.resource_type not in types:
        kinds = " or ".join(types)
        raise ValueError(f"{field} must be the ARN of a Bedrock {kinds} (arn:<partition>:bedrock:<region>:...), got {arn!r}")
    if (parsed.resource_type == "foundation-model") != (not parsed.account):
        raise ValueError(f"{field} {arn!r}: a foundation-model ARN has no account, every other Bedrock ARN has one")
    if parsed.resource_type != "foundation-model" and not parsed.region:
        raise ValueError(f"{field} {arn!r} names no region: only a foundation-model ARN may be region-less")
    return parsed


def _service_tier_condition(service_tiers: Optional[Sequence[str]]) -> dict[str, Any]:
    if service_tiers is None:
        return {}
    tiers = list(service_tiers) if not isinstance(service_tiers, str) else [service_tiers]
    unknown = [t for t in tiers if t not in SERVICE_TIERS]
    if not tiers or unknown:
        raise ValueError(f"service_tiers must list one or more of {', '.join(SERVICE_TIERS)}, got {list(service_tiers)!r}")
    # Without serviceTier the request has no bedrock:ServiceTier and runs at the default tier.
    operator = "StringEqualsIfExists" if "default" in tiers else "StringEquals"
    return {operator: {SERVICE_TIER_KEY: sorted(set(tiers), key=SERVICE_TIERS.index)}}


def _marketplace_statements(product_ids: Optional[Sequence[str]]) -> list[dict[str, Any]]:
    if product_ids is None:
        return []
    ids = [product_ids] if isinstance(product_ids, str) else list(product_ids)
    bad = [p for p in ids if not isinstance(p, str) or not _PRODUCT_ID.fullmatch(p)]
    if not ids or bad:
        raise ValueError(f"marketplace_product_ids must list AWS Marketplace product IDs such as prod-m5ilt4siql27k, got {product_ids!r}")
    return [
        _allow("SubscribeToModel", ["aws-marketplace:Subscribe"], ["*"],
               {"ForAnyValue:StringEquals": {MARKETPLACE_PRODUCT_KEY: sorted(set(ids))}}),
        _allow("ManageModelSubscription", ["aws-marketplace:Unsubscribe", "aws-marketplace:ViewSubscriptions"], ["*"]),
    ]


def _merge(*conditions: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    merged: dict[str, dict[str, Any]] = {}
    for condition in conditions:
        for operator, keys in condition.items():
            merged.setdefault(operator, {}).update(keys)
    return merged


def _sid(base: str, used: dict[str, int]) -> str:
    used[base] = used.get(base, 0) + 1
    return base if used[base] == 1 else f"{base}{used[base]}"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _allow(sid: str, actions: list[str], resources: list[str], condition: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = dict(condition)
    return statement


def policy_size(document: Mapping[str, Any] | str) -> int:
    """The characters IAM counts against its size limits: the JSON text without white space."""
    text = document if isinstance(document, str) else json.dumps(document)
    return sum(1 for c in text if not c.isspace())


# the components' side: policy documents from resource outputs


def invoke_target(model_id: "pulumi.Input[str]", models: Any = (), source_profile: Any = None) -> "pulumi.Output[list[Any]]":
    """``[model_id, models, source_profile]`` as one Output, the arguments of :func:`invoke_policy_document`."""
    return pulumi.Output.all(model_id, models, source_profile)


def profile_invoke_target(profile: Any) -> "pulumi.Output[list[Any]]":
    """The invoke target of an ``ApplicationInferenceProfile``: its ARN, its ``models`` ARNs and its
    system-profile source (``model_source.copy_from`` once resolved to an ARN), if any."""
    return invoke_target(profile.arn, profile.models.apply(_model_arns), profile.model_source.apply(_system_profile_source))


def invoke_policy_json(
    targets: "pulumi.Output[list[Any]] | Sequence[pulumi.Output[list[Any]]]",
    streaming: bool,
    service_tiers: Optional[Sequence[str]] = None,
    marketplace_product_ids: Optional[Sequence[str]] = None,
) -> "pulumi.Output[str]":
    """:func:`merged_invoke_policy_document` of one target or several, as JSON text, the form IAM resources take."""
    many = list(targets) if isinstance(targets, (list, tuple)) else [targets]

    def document(values: list[list[Any]]) -> str:
        endpoints = [Endpoint(v[0], tuple(v[1] or ()), v[2]) for v in values]
        return json.dumps(merged_invoke_policy_document(
            endpoints, streaming=streaming, service_tiers=service_tiers, marketplace_product_ids=marketplace_product_ids
        ))

    return pulumi.Output.all(*many).apply(document)


def _model_arns(models: Any) -> list[str]:
    return [m["model_arn"] for m in models or []]


def _system_profile_source(model_source: Any) -> Optional[str]:
    copy_from = (model_source or {}).get("copy_from") or ""
    parsed = parse_arn(copy_from)
    return copy_from if parsed is not None and parsed.resource_type == "inference-profile" else None


def regions_of(model_arns: Iterable[str]) -> list[str]:
    """The regions named by ``model_arns``, sorted; a region-less ARN (a ``global.`` profile's) names none."""
    return sorted({parsed.region for parsed in map(parse_arn, model_arns) if parsed is not None and parsed.region})


# attaching a policy to a role


def role_name(role: str) -> str:
    """The role name IAM's PutRolePolicy takes, from a role name or a role ARN
    (``arn:aws:iam::123456789012:role/path/name`` → ``name``).

    :raises ValueError: neither a role name (botocore's IAM model: ``[\\w+=,.@-]``, 1–64) nor a role ARN.
    """
    match = _ROLE_ARN.fullmatch(role) if isinstance(role, str) and role.startswith("arn:") else None
    name = match.group("name") if match else role
    problem = ROLE_NAME_RULE.problem(name) if isinstance(name, str) else "must be a string"
    if problem:
        raise ValueError(f"role must be an IAM role name or role ARN: the name {problem}")
    return name


def inline_policy_name(*parts: str) -> str:
    """A PutRolePolicy ``PolicyName`` for a grant identified by ``parts`` (project, stack, component,
    tenant...): their readable characters, then a hash of all of them, so that two different grants
    never share a name on one role (a PutRolePolicy under an existing name replaces that policy)."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    readable = "".join(c if (c.isascii() and (c.isalnum() or c in "_+=,.@-")) else "-" for c in "-".join(parts[2:]))
    readable = readable.strip("-")[: int(POLICY_NAME_RULE.max_length or 128) - len(digest) - 1]
    return f"{readable}-{digest}" if readable else digest


# One running total of inline-policy characters per role and program run (keyed by the run's root
# stack resource: a new run, a new total).
_ROLE_POLICY_SIZES: "weakref.WeakKeyDictionary[Any, dict[Any, list[tuple[str, int]]]]" = weakref.WeakKeyDictionary()


def role_policy(
    parent: "pulumi.Resource",
    parent_name: str,
    role: Any,
    policy: "pulumi.Input[str]",
    name: Optional[str] = None,
    *,
    label: str,
    grant: Sequence[str],
    size_estimate: int,
) -> "aws.iam.RolePolicy":
    """An inline ``aws.iam.RolePolicy`` holding ``policy`` on ``role``, a child of ``parent``.

    ``role`` is an ``aws.iam.Role``, a role name or a role ARN, each plain or as an Output; IAM is
    sent the role's name. The policy's IAM name is :func:`inline_policy_name` of the project, the
    stack and ``grant``. ``size_estimate`` is the policy's size with every unknown ARN at its
    largest; the grants of one program on one role are added up, and past
    :data:`INLINE_POLICY_LIMIT` this raises :class:`~.validation.InvalidArgumentError` before
    anything registers, so ``pulumi preview`` fails rather than ``pulumi up``.

    pulumi-aws is imported here, on first use, so that programs using only the policy documents
    never load it (and never need AWS credentials in preview: pulumi-aws#3971).
    """
    import pulumi_aws as aws

    try:
        if isinstance(role, aws.iam.Role):
            iam_role, role_label, key = role.name, role.pulumi_resource_name, ("resource", id(role))
        elif isinstance(role, pulumi.Output):
            iam_role, role_label, key = role.apply(role_name), None, None
        elif isinstance(role, str):
            iam_role = role_name(role)
            role_label, key = iam_role, ("name", iam_role)
        else:
            raise InvalidArgumentError(label, "role", f"must be an aws.iam.Role, a role name or a role ARN (or an Output of one), got {type(role).__name__}")
    except ValueError as error:
        if isinstance(error, InvalidArgumentError):
            raise
        raise InvalidArgumentError(label, "role", str(error).removeprefix("role ")) from None

    resource_name = name or f"{parent_name}-invoke" + (f"-{role_label}" if role_label else "")
    used = parent.__dict__.setdefault("_grant_resource_names", set())
    if resource_name in used:
        raise InvalidArgumentError(
            label, "name", f"{resource_name!r} is already a grant of this component: pass name=... (required for a second grant to a role given as an Output)"
        )
    if key is not None:
        _count_role_policy(label, key, role_label or "", resource_name, size_estimate)
    used.add(resource_name)
    return aws.iam.RolePolicy(
        resource_name,
        name=inline_policy_name(pulumi.get_project(), pulumi.get_stack(), *grant),
        role=iam_role,
        policy=policy,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _count_role_policy(label: str, key: Any, role_label: str, resource_name: str, size: int) -> None:
    run = pulumi.runtime.settings.get_root_resource() or pulumi.runtime.settings.SETTINGS
    sizes = _ROLE_POLICY_SIZES.setdefault(run, {}).setdefault(key, [])
    total = sum(s for _, s in sizes) + size
    if total > INLINE_POLICY_LIMIT:
        others = f" with {', '.join(n for n, _ in sizes)}" if sizes else ""
        raise InvalidArgumentError(
            label, "role",
            f"{role_label!r}: the grant {resource_name!r} ({size:,} characters at most){others} would hold {total:,} characters "
            f"of inline policies, over IAM's limit of {INLINE_POLICY_LIMIT:,} per role "
            "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): grant several tenants in "
            "one policy (InferenceProfileSet.grant_invoke with a list of tenants), or split them over roles",
        )
    sizes.append((resource_name, size))


# sizes known before anything exists: every ARN at its final length, every model set at its largest

ENDPOINT_ID_LENGTH = 12
"""Characters of the ID in an endpoint's ARN, for each of :data:`ENDPOINT_RESOURCE_TYPES`
(``application-inference-profile/<id>``, ``provisioned-model/<id>``, ``custom-model-deployment/<id>``:
``[a-z0-9]{12}`` in botocore's ``bedrock`` model)."""


def planned_region(region: Any) -> Optional[str]:
    """The region a child will be created in, as far as construction knows, resolved as its provider's
    check does (``BedrockProvider.check_region``): the argument, else stack config ``aws:region``, else
    the region boto3 reads for the stack's ``aws:profile`` (``AWS_DEFAULT_REGION`` or the profile's
    config file; boto3 ignores ``AWS_REGION``). None when unknown: an Output, an ``aws:region`` or
    ``aws:profile`` the provider refuses, no region anywhere, or an AWS profile that does not exist."""
    if isinstance(region, str):
        return region
    if region is not None:
        return None
    from botocore.exceptions import ProfileNotFound

    try:
        return stack_provider_config().default_region()
    except ProfileNotFound:
        return None


def _arn_regions(region: Optional[str]) -> tuple[str, list[str]]:
    """The partition and the candidate regions (the known one, else every Bedrock region of the default partition)."""
    if region:
        return partition_of(region), [region]
    return DEFAULT_PARTITION, list(service_regions().get(DEFAULT_PARTITION, ("us-east-1",)))


def planned_endpoint(kind: str, model: Any, region: Optional[str]) -> Endpoint:
    """An :class:`Endpoint` shaped as the one ``kind`` (``profile``, ``deployment``, ``provisioned``)
    of ``model`` will be, each ARN at its largest length and each profile's models at their most."""
    partition, regions = _arn_regions(region)
    home = max(regions, key=len)
    account = "0" * 12
    if kind != "profile":
        resource = "provisioned-model" if kind == "provisioned" else "custom-model-deployment"
        return Endpoint(bedrock_arn(partition, home, account, resource, "x" * ENDPOINT_ID_LENGTH))
    profile = bedrock_arn(partition, home, account, "application-inference-profile", "x" * ENDPOINT_ID_LENGTH)
    model_text = model if isinstance(model, str) else ""
    source_id = model_text.rsplit("/", 1)[-1]
    geography, model_id = split_profile_id(source_id)
    if model_text and geography == GLOBAL_GEOGRAPHY:
        models = (foundation_model_arn("", model_id, partition), foundation_model_arn(home, model_id, partition))
        return Endpoint(profile, models, bedrock_arn(partition, home, account, "inference-profile", source_id))
    if model_text and geography is not None:
        candidates = [r for r in service_regions().get(partition, ()) if r.startswith(GEOGRAPHY_REGION_PREFIXES[geography])] or regions
        models = tuple(foundation_model_arn(r, model_id, partition) for r in candidates)
        return Endpoint(profile, models, bedrock_arn(partition, home, account, "inference-profile", source_id))
    if model_text:
        return Endpoint(profile, (foundation_model_arn(home, source_id, partition),))
    # the model is an Output: any Bedrock region of the partition
    models = tuple(foundation_model_arn(r, "x" * 64, partition) for r in service_regions().get(partition, regions))
    return Endpoint(profile, models, bedrock_arn(partition, home, account, "inference-profile", "x" * 70))


def planned_size(endpoints: Sequence[Endpoint], streaming: bool, service_tiers: Optional[Sequence[str]], marketplace_product_ids: Optional[Sequence[str]]) -> int:
    """:func:`policy_size` of the merged policy of ``endpoints`` (from :func:`planned_endpoint`)."""
    distinct = [Endpoint(e.model_id[:-ENDPOINT_ID_LENGTH] + f"{i:0{ENDPOINT_ID_LENGTH}d}", e.models, e.source_profile) for i, e in enumerate(endpoints)]
    document = merged_invoke_policy_document(
        distinct, streaming=streaming, service_tiers=service_tiers, marketplace_product_ids=marketplace_product_ids
    )
    return policy_size(document)


def grant_size(
    label: str, endpoints: Sequence[Endpoint], streaming: bool, service_tiers: Optional[Sequence[str]], product_ids: Optional[Sequence[str]]
) -> int:
    """:func:`planned_size`, with a bad ``service_tiers`` or ``marketplace_product_ids`` reported as the
    component's :class:`~.validation.InvalidArgumentError` naming the field."""
    try:
        _service_tier_condition(service_tiers)
    except ValueError as error:
        raise InvalidArgumentError(label, "service_tiers", str(error).removeprefix("service_tiers ")) from None
    try:
        _marketplace_statements(product_ids)
    except ValueError as error:
        raise InvalidArgumentError(label, "marketplace_product_ids", str(error).removeprefix("marketplace_product_ids ")) from None
    return planned_size(endpoints, streaming, service_tiers, product_ids)


def grant_invoke(
    parent: "pulumi.Resource",
    parent_name: str,
    role: Any,
    name: Optional[str],
    *,
    label: str,
    grant: Sequence[str],
    planned: Sequence[Endpoint],
    targets: "pulumi.Output[list[Any]] | Sequence[pulumi.Output[list[Any]]]",
    streaming: bool,
    service_tiers: Optional[Sequence[str]],
    marketplace_product_ids: Optional[Sequence[str]],
) -> "aws.iam.RolePolicy":
    """The components' ``grant_invoke``: the merged policy of ``targets`` (:func:`invoke_policy_json`)
    attached to ``role`` by :func:`role_policy`, its size at most :func:`grant_size` of ``planned``
    (the targets' shapes from :func:`planned_endpoint`), checked before anything registers."""
    size = grant_size(label, planned, streaming, service_tiers, marketplace_product_ids)
    policy = invoke_policy_json(targets, streaming, service_tiers, marketplace_product_ids)
    return role_policy(parent, parent_name, role, policy, name, label=label, grant=grant, size_estimate=size)
