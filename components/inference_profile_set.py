"""InferenceProfileSet: one application inference profile per tenant or team, for cost allocation.

Every profile copies the same model; the tenant key goes into a tag (``tag_key``), so Cost Explorer
splits cost per tenant. Each child is named ``<set name>[<tenant key>]``: adding or
removing a tenant creates or deletes that tenant's profile and touches no other, and no two sets
(nor an :class:`~.inference_endpoint.InferenceEndpoint`, whose children end in a letter) can name
a child alike, because a tenant key holds no ``[`` or ``]``.

The cost loop (:mod:`.cost_allocation`): by default ``tag_key`` and the keys named in
``cost_allocation_tag_keys`` are activated as cost allocation tags (``<set>-cost-allocation-tags``,
never deactivated, so sets and stacks sharing a key never fight over it); opt-in ``budget`` arguments
add ``aws.budgets.Budget`` children filtered to a tenant's tag value (``<set>[<tenant>]-budget``, named like the profile so no two sets collide) or
to every tenant of the set (``<set>-budget``).

Reads top to bottom: arguments → the component → checks.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, TypedDict, Union

import pulumi

from ..providers.inference_profile import DESCRIPTION_RULE, NAME_RULE, ApplicationInferenceProfile
from ..providers.validation import api_rule
from ..providers.cost_allocation_tags import CostAllocationTags
from . import cost_allocation, iam
from .cost_allocation import BudgetArgs
from .validation import (
    InvalidArgumentError,
    check_fields,
    check_string,
    check_tags,
    classify_model,
    known,
    stack_default_tags,
)

if TYPE_CHECKING:
    import pulumi_aws as aws

TYPE_TOKEN = "bedrock-inference:index:InferenceProfileSet"
DEFAULT_TAG_KEY = "tenant"
TAG_VALUE_RULE = api_rule("TagResource", "tags.[].value")


class TenantArgs(TypedDict, total=False):
    """One tenant of :class:`InferenceProfileSet`; every field is optional."""

    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]]
    """Tags for this tenant's profile, over the set's ``tags`` (same key: the tenant's wins). Must not
    set ``tag_key``. Updated in place."""
    description: Optional[pulumi.Input[str]]
    """1–200 characters of letters, digits, ``:`` and ``.``, each optionally followed by one space,
    ``_`` or ``-``. Default: none. Replaces the tenant's profile on change."""
    name: Optional[pulumi.Input[str]]
    """The profile's name in AWS, 1–64 characters as ``description`` but without ``:`` and ``.``.
    Default: ``<set name>-<tenant>-<8 hex>``. Replaces the tenant's profile on change."""
    previous_keys: Sequence[str]
    """Keys this tenant had before, when it is renamed (a list of values, not Outputs): its profile
    keeps its Pulumi state (aliases), its ARN and its AWS name; only the ``tag_key`` tag changes to
    the new key, in place, so cost reports show usage up to the rename under the old key. Each follows
    the key rules and differs, ignoring case, from every other tenant's keys. Default: none."""
    budget: Optional[BudgetArgs]
    """A monthly AWS Budget on this tenant's cost (``tag_key`` = the tenant key), notifying on actual and
    forecast spend: ``{"monthly_limit_usd": 500, "notify": ["team@example.com"]}``. An
    ``aws.budgets.Budget`` child (pulumi-aws: AWS credentials needed even to preview). Default: none."""


class _InferenceProfileSetRequired(TypedDict):
    model: pulumi.Input[str]
    """The model every profile copies: a foundation model ID or ARN or a system (cross-region)
    inference profile ID or ARN. Changing it replaces every profile."""
    tenants: Mapping[str, TenantArgs]
    """Tenant key → :class:`TenantArgs`. A key is 1–64 characters: letters and digits, each optionally
    followed by one space, ``_`` or ``-`` (valid in a profile name and a tag value); no two keys may
    be equal ignoring case (``search`` and ``Search`` would be two profiles and two cost lines for one
    tenant). The mapping and its keys must be values (the fields inside may be Outputs)."""


class InferenceProfileSetArgs(_InferenceProfileSetRequired, total=False):
    """Arguments of :class:`InferenceProfileSet` (``model`` and ``tenants`` required)."""

    tag_key: str
    """The tag that holds the tenant key on each profile. Default: ``tenant``. Key rules: 1–128
    characters of ``[a-zA-Z0-9\\s._:/=+@-]``, no ``aws:`` prefix."""
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]]
    """Tags on every profile, merged over the stack's ``aws:defaultTags``. With the tenant's tags and
    ``tag_key`` at most 50 per profile. Updated in place."""
    region: Optional[pulumi.Input[str]]
    """Region of the profiles. Default: stack config ``aws:region``, else the region boto3 reads (``AWS_DEFAULT_REGION``
    or the AWS profile's config file; not ``AWS_REGION``). Replaces every profile on change."""
    activate_cost_allocation_tags: bool
    """Activate ``tag_key`` and ``cost_allocation_tag_keys`` as cost allocation tags (a
    ``CostAllocationTags`` child; needs the management or a standalone account). A key AWS billing has
    not seen yet is pending, and a later ``pulumi up`` activates it. Keys are never deactivated.
    Default: true."""
    cost_allocation_tag_keys: Sequence[str]
    """More tag keys to activate with ``tag_key``, e.g. ``["cost-center"]`` (tag key rules as ``tag_key``).
    Default: none."""
    budget: Optional[BudgetArgs]
    """A monthly AWS Budget on the whole set's cost (``tag_key`` = any tenant key), as a tenant's
    ``budget``. Default: none."""


ARGUMENTS = tuple(InferenceProfileSetArgs.__annotations__)
TENANT_ARGUMENTS = tuple(TenantArgs.__annotations__)


class InferenceProfileSet(pulumi.ComponentResource):
    """One Bedrock application inference profile per tenant, all copying one model, each tagged with
    its tenant key for cost allocation, with a per-tenant IAM policy."""

    model_ids: pulumi.Output[dict[str, str]]
    """Tenant key → the profile's ARN, to pass as ``modelId``."""
    invoke_policies: pulumi.Output[dict[str, str]]
    """Tenant key → IAM policy JSON that invokes that tenant's profile only."""
    profiles: dict[str, ApplicationInferenceProfile]
    """Tenant key → the child profile."""
    cost_allocation_tags: Optional[CostAllocationTags]
    """The child activating the cost allocation tags (None with ``activate_cost_allocation_tags=False``)."""
    budgets: dict[str, pulumi.CustomResource]
    """Tenant key → that tenant's ``aws.budgets.Budget`` (tenants with ``budget`` only)."""
    budget: Optional[pulumi.CustomResource]
    """The whole set's ``aws.budgets.Budget``, if ``budget`` was given."""

    def __init__(
        self,
        resource_name: str,
        args: Optional[InferenceProfileSetArgs] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
        **kwargs: Any,
    ) -> None:
        """
        :param resource_name: The component's name; each child is ``<resource_name>[<tenant key>]``.
        :param args: The arguments (or give them as keyword arguments).
        :param opts: Options for the component; children get ``parent=self``.
        """
        if args is not None and kwargs:
            raise TypeError("InferenceProfileSet takes args or keyword arguments, not both")
        arguments: Mapping[str, Any] = dict(args if args is not None else kwargs)
        label = f'InferenceProfileSet "{resource_name}"'
        _check(label, arguments, stack_default_tags())
        super().__init__(TYPE_TOKEN, resource_name, None, opts)

        tag_key = arguments.get("tag_key", DEFAULT_TAG_KEY)
        shared_tags = arguments.get("tags")
        self.profiles = {}
        self._targets: dict[str, pulumi.Output[list[Any]]] = {}
        for tenant, tenant_args in sorted(arguments["tenants"].items()):
            tenant_args = tenant_args or {}
            keys = [tenant, *(tenant_args.get("previous_keys") or ())]
            claims = [claim_legacy_name(resource_name, key) for key in keys]
            # Earlier names: under each previous key, and as versions before the [key] names had them.
            aliases = [
                *(pulumi.Alias(name=child_name(resource_name, key)) for key in keys[1:]),
                *(legacy_alias(resource_name, tenant, key, claimed) for key, claimed in zip(keys, claims)),
            ]
            profile = ApplicationInferenceProfile(
                child_name(resource_name, tenant),
                model_source={"copy_from": arguments["model"]},
                name=tenant_args.get("name"),
                description=tenant_args.get("description"),
                tags=tenant_tags(shared_tags, tenant_args.get("tags"), tag_key, tenant),
                region=arguments.get("region"),
                opts=pulumi.ResourceOptions(parent=self, aliases=aliases),
            )
            for key, claimed in zip(keys, claims):
                warn_of_shared_legacy_name(profile, resource_name, key, claimed)
            self.profiles[tenant] = profile
            self._targets[tenant] = iam.profile_invoke_target(profile)
        self._planned = iam.planned_endpoint("profile", arguments["model"], iam.planned_region(arguments.get("region")))

        self._add_cost_loop(resource_name, arguments, tag_key)

        self.model_ids = pulumi.Output.all(**{t: p.arn for t, p in self.profiles.items()}) if self.profiles else pulumi.Output.from_input({})
        policies = {t: iam.invoke_policy_json(target, streaming=True) for t, target in self._targets.items()}
        self.invoke_policies = pulumi.Output.all(**policies) if policies else pulumi.Output.from_input({})
        self.register_outputs({"model_ids": self.model_ids, "invoke_policies": self.invoke_policies})

    def _add_cost_loop(self, resource_name: str, arguments: Mapping[str, Any], tag_key: str) -> None:
        profiles = list(self.profiles.values())
        self.cost_allocation_tags = None
        if arguments.get("activate_cost_allocation_tags", True):
            # tag_key, then the other keys named, without repeats; after the profiles billing must see first
            keys = list(dict.fromkeys([tag_key, *(arguments.get("cost_allocation_tag_keys") or [])]))
            self.cost_allocation_tags = CostAllocationTags(
                f"{resource_name}-cost-allocation-tags", tag_keys=keys, opts=pulumi.ResourceOptions(parent=self, depends_on=profiles)
            )
        self.budgets = {}
        for tenant, tenant_args in sorted(arguments["tenants"].items()):
            if (tenant_args or {}).get("budget") is not None:
                self.budgets[tenant] = cost_allocation.tag_budget(
                    self, f"{resource_name}[{tenant}]-budget", tenant_args["budget"], tag_key, [tenant], [self.profiles[tenant]]
                )
        self.budget = None
        if arguments.get("budget") is not None:
            self.budget = cost_allocation.tag_budget(
                self, f"{resource_name}-budget", arguments["budget"], tag_key, sorted(self.profiles), profiles
            )

    def grant_invoke(
        self,
        tenant: Union[str, Sequence[str]],
        role: Union["aws.iam.Role", pulumi.Input[str]],
        *,
        streaming: bool = True,
        name: Optional[str] = None,
        service_tiers: Optional[Sequence[str]] = None,
        marketplace_product_ids: Optional[Sequence[str]] = None,
    ) -> "aws.iam.RolePolicy":
        """Attach the policy of ``tenant`` (or of several tenants, merged) to ``role`` as an inline
        ``aws.iam.RolePolicy`` child of this component.

        Several tenants on one role: give their keys as a list. The policy is then one document whose
        statements list every tenant's profile, and whose model statement admits requests through any
        of those profiles only (a condition listing them), the most compact exact grant: see the README
        for how many tenants fit per role. pulumi-aws needs AWS credentials for this resource even in
        ``pulumi preview`` (pulumi-aws#3971); :attr:`invoke_policies` alone keeps previews credential-free.

        :param tenant: A key of ``tenants``, or a list of keys.
        :param role: An ``aws.iam.Role``, a role name or a role ARN, each plain or as an Output. IAM is sent the role's name.
        :param streaming: Also grant ``bedrock:InvokeModelWithResponseStream``. Default: true.
        :param name: The RolePolicy's resource name. Default: ``<set>-<tenant>-invoke-<role resource name or role name>``
            (tenants joined by ``+`` for a list; without the role part for a role given as an Output).
        :param service_tiers: The ``serviceTier`` values the role may request (see ``InferenceEndpoint.grant_invoke``). Default: any.
        :param marketplace_product_ids: AWS Marketplace product IDs the role may subscribe the account to on a first
            invocation (see ``InferenceEndpoint.grant_invoke``). Default: none.
        :raises KeyError: an unknown tenant.
        :raises InvalidArgumentError: a malformed role, tier or product ID, a name already used, or a policy that would
            push the role's inline policies past IAM's 10,240 characters (counted for every grant of the program).
        """
        tenants = [tenant] if isinstance(tenant, str) else list(tenant)
        label = f'InferenceProfileSet "{self.pulumi_resource_name}"'
        for key in tenants:
            if key not in self.profiles:
                raise KeyError(f"{label}: no tenant {key!r}; tenants are {sorted(self.profiles)}")
        if not tenants or len(set(tenants)) != len(tenants):
            raise InvalidArgumentError(label, "tenant", f"must name one tenant or a list of distinct tenants, got {tenant!r}")
        return iam.grant_invoke(
            self, f"{self.pulumi_resource_name}-{'+'.join(tenants)}", role, name,
            label=label, grant=("InferenceProfileSet", self.pulumi_resource_name, *tenants),
            planned=[self._planned] * len(tenants), targets=[self._targets[t] for t in tenants],
            streaming=streaming, service_tiers=service_tiers, marketplace_product_ids=marketplace_product_ids,
        )


def child_name(set_name: str, tenant: str) -> str:
    """The tenant's profile's resource name: ``<set name>[<tenant key>]``, one name per (set, key)."""
    return f"{set_name}[{tenant}]"


def legacy_child_name(set_name: str, tenant: str) -> str:
    """The name earlier versions gave the child, ``<set name>-<key>``: set ``chat`` with key
    ``eu-search`` and set ``chat-eu`` with key ``search`` both had ``chat-eu-search``."""
    return f"{set_name}-{tenant}"


_legacy_claims: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, list[tuple[str, str]]]]" = weakref.WeakKeyDictionary()
"""Per program run (its event loop): legacy child name → the (set, key) pairs of this program that had it."""


def claim_legacy_name(set_name: str, key: str) -> list[tuple[str, str]]:
    """Record that ``key`` of set ``set_name`` had the legacy child name; every claimant of that name so far."""
    claims = _legacy_claims.setdefault(asyncio.get_event_loop(), {}).setdefault(legacy_child_name(set_name, key), [])
    claims.append((set_name, key))
    return claims


def legacy_alias(set_name: str, tenant: str, key: str, claims: list[tuple[str, str]]) -> pulumi.Output[pulumi.Alias]:
    """An alias to the name ``key`` had under the ``<set>-<key>`` scheme of earlier versions, so a
    stack deployed with them keeps its profiles, unless another tenant of this program had that name
    (``claims``: :func:`claim_legacy_name` of ``key``, filled in by every set of the program).

    Two such children would both claim the one old resource, which the engine refuses, and nothing
    tells which tenant it belonged to: then the child gets none (:func:`warn_of_shared_legacy_name`
    says what to run). The decision waits until the program's synchronous part has constructed
    every set: an ``apply`` runs on the event loop only after that. The SDK needs an alias either
    way; an alias to the child's own name is one the engine never matches.
    """
    shared = pulumi.Alias(name=child_name(set_name, tenant))
    return pulumi.Output.from_input(legacy_child_name(set_name, key)).apply(
        lambda legacy: pulumi.Alias(name=legacy) if len(claims) == 1 else shared
    )


def warn_of_shared_legacy_name(profile: ApplicationInferenceProfile, set_name: str, key: str, claims: list[tuple[str, str]]) -> None:
    """Warn, naming the ``pulumi state rename`` to run, when :func:`legacy_alias` gave no alias (its ``claims``)."""
    legacy = legacy_child_name(set_name, key)

    def warn(urn: str) -> None:
        if len(claims) == 1:
            return
        old_urn = f"{urn.rsplit('::', 1)[0]}::{legacy}"
        owners = " or ".join(f"set \"{s}\" tenant {k!r}: `pulumi state rename '{old_urn}' '{child_name(s, k)}'`" for s, k in claims)
        pulumi.log.warn(
            f'InferenceProfileSet "{set_name}": tenant {key!r} gets no alias to its name before this version, '
            f"{legacy!r}, which {len(claims)} tenants of this program had. If this stack holds {old_urn}, it "
            f"belongs to one of them ({owners}); run that command before `pulumi up`, or that profile is "
            "replaced (a new ARN).",
            profile,
        )

    profile.urn.apply(warn)


def tenant_tags(shared: Any, own: Any, tag_key: str, tenant: str) -> Any:
    """The set's tags, overlaid by the tenant's, plus ``tag_key: tenant``.

    A plain mapping while both are mappings (their values may be Outputs), so plain tags stay
    plain and the profile's ``tags_all`` is secret only when a tag really may be; an Output only
    when a whole mapping is one.
    """
    if isinstance(shared, (Mapping, type(None))) and isinstance(own, (Mapping, type(None))):
        return {**(shared or {}), **(own or {}), tag_key: tenant}
    return pulumi.Output.all(shared, own).apply(lambda values: {**(values[0] or {}), **(values[1] or {}), tag_key: tenant})


# checks


def _check(label: str, arguments: Mapping[str, Any], default_tags: Mapping[str, str]) -> None:
    check_fields(label, arguments, ARGUMENTS)
    model = arguments.get("model")
    if model is None:
        raise InvalidArgumentError(label, "model", "is required: a foundation model or system inference profile, ID or ARN")
    if not isinstance(model, pulumi.Output):
        classified = classify_model(model) if isinstance(model, str) else None
        if classified is None or classified.kind == "custom-model":
            raise InvalidArgumentError(
                label, "model",
                "must be a foundation model ID or ARN or a system inference profile ID or ARN (an application "
                f"inference profile cannot copy a custom model), got {model!r}",
            )
    tag_key = arguments.get("tag_key", DEFAULT_TAG_KEY)
    if not isinstance(tag_key, str):
        raise InvalidArgumentError(label, "tag_key", f"must be a string (not an Output), got {type(tag_key).__name__}")
    check_tags(label, "tag_key", {tag_key: ""}, {})
    shared = known(arguments.get("tags"))
    check_tags(label, "tags", shared, default_tags)
    if isinstance(shared, Mapping) and tag_key in shared:
        raise InvalidArgumentError(label, "tags", f"must not set {tag_key!r}: the set puts each tenant's key there")
    _check_cost_loop(label, arguments)
    tenants = arguments.get("tenants")
    if not isinstance(tenants, Mapping):
        raise InvalidArgumentError(label, "tenants", f"must be a mapping of tenant key to tenant arguments, got {type(tenants).__name__} (a value, not an Output: each tenant is a child resource)")
    names: dict[str, str] = {}
    keys: dict[str, tuple[str, str]] = {}  # every key and previous key, case-folded → (tenant, as written)
    for tenant, tenant_args in tenants.items():
        field = f"tenants[{tenant!r}]"
        if not isinstance(tenant, str) or isinstance(tenant, pulumi.Output):
            raise InvalidArgumentError(label, "tenants", f"keys must be strings, got {tenant!r}")
        _check_key(label, f"{field} (the key)", tenant, tag_key)
        _claim_key(label, f"{field} (the key)", tenant, tenant, keys)
        tenant_args = tenant_args or {}
        if not isinstance(tenant_args, Mapping):
            raise InvalidArgumentError(label, field, f"must be a mapping with tags, description, name, previous_keys, got {type(tenant_args).__name__}")
        check_fields(label, tenant_args, TENANT_ARGUMENTS, f"{field}.")
        check_string(label, f"{field}.description", tenant_args.get("description"), DESCRIPTION_RULE)
        check_string(label, f"{field}.name", tenant_args.get("name"), NAME_RULE)
        explicit = tenant_args.get("name")
        if isinstance(explicit, str):
            if explicit in names:
                raise InvalidArgumentError(label, f"{field}.name", f"{explicit!r} is also tenant {names[explicit]!r}'s profile name")
            names[explicit] = tenant
        cost_allocation.check_budget(label, f"{field}.budget", tenant_args.get("budget"))
        own = known(tenant_args.get("tags"))
        if isinstance(own, Mapping) and tag_key in own:
            raise InvalidArgumentError(label, f"{field}.tags", f"must not set {tag_key!r}: the set puts the tenant key there")
        own_known = own if isinstance(own, Mapping) else {} if own is None else None
        shared_known = shared if isinstance(shared, Mapping) else {} if shared is None else None
        if own_known is not None:
            # With the set's tags unknown, the tenant's own tags and the tenant tag still count.
            check_tags(label, f"{field}.tags", {**(shared_known or {}), **own_known, tag_key: tenant}, default_tags)
    for tenant, tenant_args in tenants.items():
        _check_previous_keys(label, f"tenants[{tenant!r}].previous_keys", tenant, (tenant_args or {}).get("previous_keys"), tag_key, keys)


def _check_key(label: str, field: str, key: str, tag_key: str) -> None:
    for rule in (NAME_RULE, TAG_VALUE_RULE):
        problem = rule.problem(key)
        if problem:
            raise InvalidArgumentError(label, field, f"is used in the profile's resource name and tag {tag_key!r}: it {problem}")


def _claim_key(label: str, field: str, tenant: str, key: str, keys: dict[str, tuple[str, str]]) -> None:
    """Record ``key`` for ``tenant``; refuse it when another tenant has a key equal to it ignoring case."""
    holder = keys.setdefault(key.casefold(), (tenant, key))
    if holder[0] != tenant:
        other = f"tenant {holder[0]!r}" if holder[1] == holder[0] else f"tenant {holder[0]!r}'s previous key {holder[1]!r}"
        raise InvalidArgumentError(
            label, field,
            f"{key!r} equals {other} ignoring case: keys must differ in more than case (each would be its own "
            "profile and its own line in cost reports)",
        )


def _check_previous_keys(
    label: str, field: str, tenant: str, previous: Any, tag_key: str, keys: dict[str, tuple[str, str]]
) -> None:
    if previous is None:
        return
    if isinstance(previous, (str, pulumi.Output)) or not isinstance(previous, Sequence):
        raise InvalidArgumentError(label, field, f"must be a list of earlier tenant keys (values, not Outputs), got {previous!r}")
    for key in previous:
        if not isinstance(key, str):
            raise InvalidArgumentError(label, field, f"must hold tenant keys (strings), got {key!r}")
        _check_key(label, f"{field} {key!r}", key, tag_key)
        if key == tenant:
            raise InvalidArgumentError(label, field, f"holds the tenant's current key {key!r}")
        _claim_key(label, field, tenant, key, keys)


def _check_cost_loop(label: str, arguments: Mapping[str, Any]) -> None:
    activate = arguments.get("activate_cost_allocation_tags", True)
    if not isinstance(activate, bool):
        raise InvalidArgumentError(label, "activate_cost_allocation_tags", f"must be true or false (a value, not an Output), got {activate!r}")
    keys = arguments.get("cost_allocation_tag_keys")
    if keys is not None:
        if not isinstance(keys, (list, tuple)):
            raise InvalidArgumentError(label, "cost_allocation_tag_keys", f"must be a list of tag keys (a value, not an Output), got {type(keys).__name__}")
        for index, key in enumerate(keys):
            if not isinstance(key, str):
                raise InvalidArgumentError(label, f"cost_allocation_tag_keys[{index}]", f"must be a string, got {type(key).__name__}")
            check_tags(label, f"cost_allocation_tag_keys[{index}]", {key: ""}, {})
    cost_allocation.check_budget(label, "budget", arguments.get("budget"))
