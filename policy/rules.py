"""The Bedrock inference policies: one validation function per rule, then the policy objects.

Every function takes ``(args: ResourceValidationArgs, report_violation)`` like any pulumi_policy
validation and reads its settings from ``args.get_config()``, falling back to the defaults of
its config schema. Resources of other types are left alone. A property that is unknown during
preview makes pulumi_policy skip the rule for that resource with a note (its proxy raises
``UnknownValueError``); ``pulumi up`` checks it again with the value known. No rule raises
anything else, whatever the shape of the inputs: a value of the wrong type or an absent one is
not judged (the resource's provider rejects it), except an IAM policy document, which must be
readable to be judged safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Optional

from pulumi_bedrock_inference import identifiers
from pulumi_bedrock_inference.identifiers import INVOKE_ACTION, SERVICE_TIER_KEY, SERVICE_TIERS, STREAM_ACTION
from pulumi_bedrock_inference.patterns import wildcard_fullmatches
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .resources import (
    DYNAMIC_PROVISIONED_THROUGHPUT,
    PROVISIONED_THROUGHPUT_TYPES,
    TAGGABLE_TYPES,
    PolicyDocument,
    as_list,
    commitment_duration,
    model_reference,
    model_units,
    parse_model_reference,
    policy_documents,
    stack_of,
    tags,
    text,
)

# Config schema defaults (lists, as the schema's JSON arrays).
COMMITMENT_DURATIONS = list(identifiers.COMMITMENT_DURATIONS)
DEFAULT_COST_TAG_KEYS = ["cost-center"]
DEFAULT_COMMITMENT_STACKS = ["prod"]
DEFAULT_MAX_MODEL_UNITS = 2
DEFAULT_INVOKE_ACTIONS = [INVOKE_ACTION, STREAM_ACTION]

Validation = Callable[[ResourceValidationArgs, ReportViolation], None]


def _setting(args: ResourceValidationArgs, key: str, default: Any) -> Any:
    value = args.get_config().get(key)
    return default if value is None else value


# --------------------------------------------------------------------------- the rules


def committed_throughput_protected(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A provisioned throughput with a commitment term is protected from deletion while it runs.

    This package's ``ProvisionedModelThroughput`` is, by its provider: a delete is refused while
    ``commitmentExpirationTime`` is ahead on AWS's clock, and a replacement deletes first, so it
    stops before a second throughput is bought. Pulumi's ``protect`` is needed only where that
    order is overridden (``delete_before_replace=False``), and for pulumi-aws's resource.
    """
    if args.resource_type not in PROVISIONED_THROUGHPUT_TYPES:
        return
    duration = commitment_duration(args.props, args.resource_type)
    if duration not in _setting(args, "commitment_durations", COMMITMENT_DURATIONS) or args.opts.protect:
        return
    if args.resource_type == DYNAMIC_PROVISIONED_THROUGHPUT:
        if args.opts.delete_before_replace is not False:
            return
        report_violation(
            f"Provisioned throughput '{args.name}' has a {duration} commitment and delete_before_replace=False: a "
            "replacing change would buy a second throughput before the first one's delete is refused (AWS bills "
            "both until the commitment ends). Remove delete_before_replace=False, or set "
            "opts=pulumi.ResourceOptions(protect=True).",
            None,
        )
        return
    report_violation(
        f"Provisioned throughput '{args.name}' has a {duration} commitment but is not protected: a "
        "destroy or a replacing change would try to delete it, which AWS refuses until the commitment "
        "ends (and bills it until then), and a replacement would buy a second one first. Set "
        "opts=pulumi.ResourceOptions(protect=True), or use pulumi_bedrock_inference's "
        "ProvisionedModelThroughput, whose provider refuses the delete itself.",
        None,
    )


def required_cost_allocation_tags(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Bedrock inference resources carry every required cost-allocation tag key, with a value."""
    if args.resource_type not in TAGGABLE_TYPES:
        return
    own = tags(args.props)
    missing = [key for key in _setting(args, "keys", DEFAULT_COST_TAG_KEYS) if own.get(key) in (None, "")]
    if missing:
        report_violation(
            f"'{args.name}' ({args.resource_type}) lacks the cost-allocation tag(s) {', '.join(missing)}: "
            "add them to its tags (stack aws:defaultTags do not count here: a policy sees only the "
            "resource's own tags).",
            None,
        )


def commitments_only_in_allowed_stacks(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Committed throughput (optionally any provisioned throughput) only in the listed stacks."""
    if args.resource_type not in PROVISIONED_THROUGHPUT_TYPES:
        return
    duration = commitment_duration(args.props, args.resource_type)
    if duration is None and not _setting(args, "include_no_commitment", False):
        return
    stack = stack_of(args.urn)
    allowed = _setting(args, "stacks", DEFAULT_COMMITMENT_STACKS)
    if stack not in allowed:
        what = f"a {duration} commitment" if duration else "provisioned throughput (billed per hour)"
        report_violation(
            f"Stack '{stack}' may not buy {what} ('{args.name}'); allowed stacks: {', '.join(allowed) or 'none'}.",
            None,
        )


def model_units_cap(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A provisioned throughput buys at most ``max_model_units`` model units."""
    if args.resource_type not in PROVISIONED_THROUGHPUT_TYPES:
        return
    units = model_units(args.props, args.resource_type)
    cap = int(_setting(args, "max_model_units", DEFAULT_MAX_MODEL_UNITS))
    if units is not None and units > cap:
        report_violation(
            f"Provisioned throughput '{args.name}' buys {units:g} model units; the cap is {cap} (policy config max_model_units).",
            None,
        )


def allowed_models_and_regions(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Only allowed model families, regions and cross-region geographies (data residency)."""
    if args.resource_type not in TAGGABLE_TYPES:
        return
    families = _setting(args, "model_families", [])
    regions = _setting(args, "regions", [])
    geographies = _setting(args, "geographies", [])
    region = text(args.props.get("region"))
    if regions and region and region not in regions:
        report_violation(f"'{args.name}' is created in {region}; allowed regions: {', '.join(regions)}.", None)
    reference = model_reference(args.props, args.resource_type)
    if not reference:
        return
    model = parse_model_reference(reference)
    if regions and model.region and model.region not in regions:
        report_violation(f"'{args.name}' uses {reference} in {model.region}; allowed regions: {', '.join(regions)}.", None)
    if geographies and model.geography and model.geography not in geographies:
        report_violation(
            f"'{args.name}' uses the {model.geography}. cross-region profile {reference}, which routes requests to "
            f"regions outside the allowed geographies ({', '.join(geographies)}); use a "
            f"{' or '.join(g + '.' for g in geographies)} profile or a single-region model.",
            None,
        )
    if families and model.model_id and not any(model.model_id.startswith(f) for f in families):
        report_violation(
            f"'{args.name}' uses model {model.model_id}, which is not in an allowed family ({', '.join(families)}).",
            None,
        )


def no_invoke_on_wildcard(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """No IAM policy allows ``bedrock:InvokeModel*`` on a resource pattern that matches more than
    one model, profile, throughput or deployment, and every policy document can be read.

    Documents whose values are unknown during preview are judged last: the known ones report
    their violations first, then the unknown one defers the rest of the rule to ``pulumi up``.
    """
    actions = _setting(args, "actions", DEFAULT_INVOKE_ACTIONS)

    def unreadable(document: PolicyDocument) -> None:
        report_violation(
            f"'{args.name}' ({args.resource_type}) {document.where} {document.problem}: it cannot be checked "
            f"for {', '.join(actions)} on wildcard resources, and IAM refuses it (MalformedPolicyDocument).",
            None,
        )

    for document, label, statement in _allowing_statements(args, unreadable):
        granted = _granted_actions(statement, actions)
        wildcard = _wildcard_resource(statement)
        if granted and wildcard:
            report_violation(
                f"'{args.name}' ({args.resource_type}) {document.where} statement {label} allows "
                f"{', '.join(granted)} on {wildcard}: grant the exact inference profile, deployment or "
                "provisioned model ARNs (InferenceEndpoint.grant_invoke / invoke_policy build such a policy).",
                None,
            )


def allowed_service_tiers(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An IAM policy that allows ``bedrock:InvokeModel*`` limits ``bedrock:ServiceTier`` to the
    allowed tiers. A request naming no ``serviceTier`` runs at the default tier and carries no
    ``bedrock:ServiceTier``, so an ``...IfExists`` condition grants ``default`` too; a statement
    without a tier condition grants every tier. Unreadable documents are left to
    ``bedrock-no-invoke-on-wildcard``."""
    allowed = _setting(args, "tiers", [])
    if not allowed:
        return
    for document, label, statement in _allowing_statements(args):
        if not _granted_actions(statement, DEFAULT_INVOKE_ACTIONS):
            continue
        extra = [t for t in _granted_tiers(statement.get("Condition")) if t not in allowed]
        if extra:
            report_violation(
                f"'{args.name}' ({args.resource_type}) {document.where} statement {label} allows the service "
                f"tier(s) {', '.join(extra)}; this stack may grant {', '.join(allowed)} only (policy config tiers): "
                f"pass grant_invoke(..., service_tiers={list(allowed)!r}), or a {SERVICE_TIER_KEY} condition.",
                None,
            )


def _allowing_statements(
    args: ResourceValidationArgs, unreadable: Optional[Callable[[PolicyDocument], None]] = None
) -> Iterator[tuple[PolicyDocument, str, dict[str, Any]]]:
    """``(document, label, statement)`` for every statement but a Deny of each readable policy
    document the resource declares, labelled by its Sid, else ``#<index>``. A document that cannot
    be read goes to ``unreadable``; one with a value unknown during preview is judged last: after
    the others' statements, the first unknown value met is raised, which defers the rest of the rule
    to ``pulumi up``."""
    unknown = None
    for document in policy_documents(args.props, args.resource_type):
        if document.unknown is not None:
            unknown = unknown or document.unknown
            continue
        if document.problem is not None:
            if unreadable is not None:
                unreadable(document)
            continue
        for index, statement in enumerate(document.statements):
            if str(statement.get("Effect", "")).lower() == "deny":
                continue
            yield document, statement.get("Sid") or f"#{index}", statement
    if unknown is not None:
        raise unknown


def _granted_tiers(condition: Any) -> list[str]:
    """The tiers a statement's Condition lets through (every tier when it does not limit them)."""
    granted: Optional[set[str]] = None
    for operator, block in (condition.items() if isinstance(condition, dict) else []):
        if operator not in ("StringEquals", "StringEqualsIfExists") or not isinstance(block, dict):
            continue
        for key, values in block.items():
            if str(key).lower() == SERVICE_TIER_KEY.lower():
                listed = {str(v) for v in as_list(values)} | ({"default"} if operator.endswith("IfExists") else set())
                granted = listed if granted is None else granted & listed
    return list(SERVICE_TIERS) if granted is None else sorted(granted)


def _granted_actions(statement: dict[str, Any], actions: list[str]) -> list[str]:
    """The ``actions`` a statement's Action (or NotAction) covers, with IAM wildcards; actions
    are case-insensitive."""
    if "NotAction" in statement:
        excluded = as_list(statement["NotAction"])
        return [a for a in actions if not any(iam_match(p.lower(), a.lower()) for p in excluded)]
    patterns = as_list(statement.get("Action"))
    return [a for a in actions if any(iam_match(p.lower(), a.lower()) for p in patterns)]


def _wildcard_resource(statement: dict[str, Any]) -> Optional[str]:
    """The first resource pattern that matches more than one Bedrock resource, described."""
    if "NotResource" in statement:
        return f"NotResource {as_list(statement['NotResource'])} (every other resource)"
    for resource in as_list(statement.get("Resource")):
        if _matches_many(resource):
            return resource
    return None


def _matches_many(resource: str) -> bool:
    """Whether an IAM resource pattern can match more than one Bedrock model, profile, throughput
    or deployment.

    A ``*`` or ``?`` anywhere in the resource part (``type/id``) does; so does one in the region or
    account of any ARN but a foundation model's (one model ID is one model in every region, as a
    cross-region profile's grant needs). A ``*`` that ends a segment may span colons (IAM), so a
    pattern with fewer than six segments matches anything after it. Another service's ARNs and
    a wildcard partition (one partition per account) do not count.
    """
    if not _has_wildcard(resource):
        return False
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return True
    _arn, _partition, service, region, account, name = parts
    if not iam_match(service, "bedrock"):
        return False
    if _has_wildcard(name):
        return True
    return not name.startswith("foundation-model/") and (_has_wildcard(region) or _has_wildcard(account))


def _has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def iam_match(pattern: str, value: str) -> bool:
    """Whether IAM's ``pattern`` (``*``: any run of characters, ``?``: any one; nothing else is
    special) matches all of ``value``, in linear time."""
    return wildcard_fullmatches(pattern, value)


# --------------------------------------------------------------------------- the policies


def _strings(description: str, default: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "default": default, "description": description}


POLICIES: list[ResourceValidationPolicy] = [
    ResourceValidationPolicy(
        name="bedrock-committed-throughput-protected",
        description=(
            "Provisioned throughput with a commitment term must be protected from deletion while it runs: "
            "pulumi-aws's by protect=True; this package's by its provider (unless delete_before_replace=False)."
        ),
        severity=Severity.HIGH,
        remediation_steps=(
            "On pulumi-aws's throughput set opts=pulumi.ResourceOptions(protect=True); on this package's, "
            "leave delete_before_replace unset (its provider refuses the delete while the commitment runs)."
        ),
        validate=committed_throughput_protected,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema({
            "commitment_durations": _strings("Commitment terms that require protect=True.", COMMITMENT_DURATIONS),
        }),
    ),
    ResourceValidationPolicy(
        name="bedrock-cost-allocation-tags",
        description="Bedrock inference profiles, deployments and throughput carry the required cost-allocation tags.",
        severity=Severity.LOW,
        remediation_steps="Add the required tag keys, with non-empty values, to the resource's own tags (aws:defaultTags do not count).",
        validate=required_cost_allocation_tags,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=PolicyConfigSchema({
            "keys": _strings("Tag keys every Bedrock inference resource must have (non-empty values).", DEFAULT_COST_TAG_KEYS),
        }),
    ),
    ResourceValidationPolicy(
        name="bedrock-commitments-in-allowed-stacks",
        description="Committed provisioned throughput only in the allowed stacks.",
        severity=Severity.HIGH,
        remediation_steps='Remove commitment_duration (hourly billing) in this stack, or add the stack to the policy config stacks.',
        validate=commitments_only_in_allowed_stacks,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema({
            "stacks": _strings("Stacks that may buy committed throughput.", DEFAULT_COMMITMENT_STACKS),
            "include_no_commitment": {
                "type": "boolean", "default": False,
                "description": "Also restrict provisioned throughput without a commitment (billed per hour).",
            },
        }),
    ),
    ResourceValidationPolicy(
        name="bedrock-model-units-cap",
        description="A provisioned throughput buys at most max_model_units model units.",
        severity=Severity.MEDIUM,
        remediation_steps='Lower model_units to at most max_model_units, or raise max_model_units in the policy config.',
        validate=model_units_cap,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema({
            "max_model_units": {"type": "integer", "minimum": 1, "default": DEFAULT_MAX_MODEL_UNITS,
                                "description": "The most model units one provisioned throughput may buy."},
        }),
    ),
    ResourceValidationPolicy(
        name="bedrock-allowed-models-and-regions",
        description="Only allowed model families, regions and cross-region geographies (e.g. no global. profile under data residency).",
        severity=Severity.HIGH,
        remediation_steps="Use a model of an allowed family, in an allowed region, through an allowed geography's profile (or a single-region model).",
        validate=allowed_models_and_regions,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema({
            "model_families": _strings(
                "Model ID prefixes allowed, without the geography prefix, e.g. anthropic.claude-3-5, amazon.nova. Empty: any.", []),
            "regions": _strings("Regions resources and source ARNs may be in. Empty: any.", []),
            "geographies": _strings(
                "Cross-region profile geographies allowed as a source (us, eu, apac, jp, global...). Empty: any.", []),
        }),
    ),
    ResourceValidationPolicy(
        name="bedrock-no-invoke-on-wildcard",
        description="No IAM policy allows bedrock:InvokeModel* on a wildcard resource (*, .../*, a wildcard region or account), "
                    "and every IAM policy document is readable.",
        severity=Severity.CRITICAL,
        remediation_steps='Grant exact ARNs: InferenceEndpoint.grant_invoke / InferenceProfileSet.grant_invoke, or their invoke_policy outputs.',
        validate=no_invoke_on_wildcard,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema({
            "actions": _strings("Actions that must never be allowed on a wildcard resource.", DEFAULT_INVOKE_ACTIONS),
        }),
    ),
    ResourceValidationPolicy(
        name="bedrock-allowed-service-tiers",
        description="IAM policies that allow bedrock:InvokeModel* limit bedrock:ServiceTier to the allowed service tiers.",
        severity=Severity.MEDIUM,
        remediation_steps="Pass service_tiers=[...] (allowed tiers only) to grant_invoke, or add a StringEquals "
                          "bedrock:ServiceTier condition listing allowed tiers to the statement.",
        validate=allowed_service_tiers,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema({
            "tiers": _strings("Service tiers (priority, default, flex, reserved) a stack may grant. Empty: any.", []),
        }),
    ),
]
"""Every policy of the pack, ready for ``PolicyPack(name, policies=POLICIES)``."""
