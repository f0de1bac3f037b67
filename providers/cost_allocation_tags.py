"""Cost allocation tags: tag keys activated in AWS Billing, so Cost Explorer and CUR split cost by them.

Reads top to bottom: inputs → provider (check, diff, create, read, update, delete) → Cost Explorer
calls → the ``CostAllocationTags`` resource.

What AWS does, and what this resource does about it:

- Activation is account-wide and only the management (payer) account or a standalone account may
  do it; a member account gets AccessDeniedException ("Linked account doesn't have access to cost
  allocation tags"). Only a key that AWS billing has already seen on a resource can be activated:
  "After you create and apply user-defined tags to your resources, it can take up to 24 hours for
  the tag keys to appear on your cost allocation tags page for activation"
  (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html).
- ``UpdateCostAllocationTagsStatus`` takes 1–20 keys per call and answers HTTP 200 with a per-key
  ``Errors`` list; a key billing has not seen is ``TagKeysNotFoundException`` there, not an
  exception (API reference, Example 2:
  https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_UpdateCostAllocationTagsStatus.html).
  Activating an active key is a no-op. ``ListCostAllocationTags`` lists only keys billing has seen,
  at most 100 keys per filter. Its throttling error is ``LimitExceededException``. The limits are
  read from botocore's ``ce`` model.
- pulumi-aws's ``aws.costexplorer.CostAllocationTag`` (Terraform's ``aws_ce_cost_allocation_tag``)
  fails for an unseen key and deactivates the key for the whole account on destroy.

Here an unseen key is **pending**: the run succeeds, the key is listed in ``pending_keys`` with a
message, and every later ``pulumi up`` tries again (``diff`` reports a change while a key is not
active) until billing has seen it; ``pulumi refresh`` shows where each key stands. Destroy keeps
the keys active by default; ``deactivate_on_delete=True`` deactivates only the keys this resource
found inactive and activated (``activated_keys``), never one that was already active, which other
stacks may rely on.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from typing import Annotated, Any, Iterable, Iterator, Mapping, Optional, Sequence, TypedDict

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_bedrock_inference.identifiers import COST_ALLOCATION_TAGS

from . import schema as s
from . import tags as tagging
from .base import BedrockProvider, BedrockResource
from .naming import AUTONAME
from .errors import InvalidRequestError, aws_call
from .validation import InputChecker, api_rule, contains_unknown, is_unknown

ACTIVE, INACTIVE = "Active", "Inactive"
NOT_SEEN_CODE = "TagKeysNotFoundException"
"""The per-key error code of UpdateCostAllocationTagsStatus for a key billing has not seen yet."""
SEEN_WITHIN = "up to 24 hours"
"""How long AWS billing takes to see a new tag key (activating-tags.html, quoted above)."""


class CostAllocationTagsProps(TypedDict, total=False):
    """The resource's properties, as the provider receives them (decoded): its inputs, in check
    order, then its outputs. Nothing replaces: every input updates in place. The diff is the
    provider's own (see ``_diff``)."""

    region: Annotated[str, s.argument(
        s.region, s.Updates(),
        doc="Picks the partition's Cost Explorer endpoint (``us-east-1`` serves the ``aws`` partition whatever "
        f"the region). {s.REGION_DEFAULT}",
    )]
    tag_keys: Annotated[list[str], s.argument(
        lambda _provider, checker, _field, _olds: _check_tag_keys(checker),
        s.Updates(lambda old, new: sorted(old or []) == sorted(new or [])),
        doc="Required. The tag keys to activate (at least one; each 1–128 characters of "
        "``[a-zA-Z0-9\\s._:/=+@-]``, no repeats). Any number: they are sent 20 per call.",
    )]
    deactivate_on_delete: Annotated[Optional[bool], s.argument(
        s.boolean, s.Updates(lambda old, new: bool(old) == bool(new)),
        doc="On destroy, and for keys removed from ``tag_keys``, deactivate the keys this resource activated "
        "(``activated_keys``; never a key it found active). Deactivation is account-wide: other stacks using "
        "a key this resource activated lose it. Default: false (keys stay active).",
    )]
    active_keys: Annotated[list[str], s.Output("Keys that are active cost allocation tags.")]
    pending_keys: Annotated[list[str], s.Output("Keys AWS billing has not seen yet; a later ``pulumi up`` activates them.")]
    inactive_keys: Annotated[list[str], s.Output(
        "Keys seen by billing but inactive (deactivated by hand; found by ``pulumi refresh``); the next ``up`` activates them."
    )]
    activated_keys: Annotated[list[str], s.Output(
        "Keys this resource activated (they were inactive); only these are ever deactivated by it."
    )]


SCHEMA = s.Schema.of(CostAllocationTagsProps)
INPUTS, OUTPUTS = SCHEMA.input_names, SCHEMA.outputs


class CostAllocationTagsProvider(BedrockProvider[CostAllocationTagsProps]):
    """Dynamic provider for ``pulumi-python:dynamic/costexplorer:CostAllocationTags`` (public API: keep the path)."""

    kind = "Cost Explorer cost allocation tags"
    service = "ce"
    schema = SCHEMA

    def _diff(self, _id: str, olds: CostAllocationTagsProps, news: CostAllocationTagsProps) -> DiffResult:
        """Its own diff, which never replaces: the schema's in-place inputs, and keys not active yet."""
        keys = news.get("tag_keys")
        if contains_unknown(keys):
            return DiffResult(changes=True, replaces=[])
        changed = (
            any(not equal(olds.get(field), news.get(field)) for field, equal in self.schema.updating.items())
            # A pending key, or one deactivated by hand (refresh shows it inactive): the next up activates it.
            or not set(keys or []) <= set(olds.get("active_keys") or [])
        )
        return DiffResult(changes=changed, replaces=[])

    def _create(self, props: CostAllocationTagsProps) -> CreateResult:
        outputs = self._activate(props, previously_activated=())
        return CreateResult(_resource_id(props), outputs)

    def _read(self, id_: str, props: CostAllocationTagsProps) -> ReadResult:
        client = self.client(props["region"])
        keys = list(props.get("tag_keys") or [])
        statuses = self._statuses(client, keys, self.label(_name(props)))
        return ReadResult(id_, {**_inputs_of(props), **_status_outputs(keys, statuses, props.get("activated_keys") or [])})

    def _update(self, id_: str, olds: CostAllocationTagsProps, news: CostAllocationTagsProps) -> UpdateResult:
        wanted = set(news.get("tag_keys") or [])
        ours = [k for k in olds.get("activated_keys") or []]
        dropped = [k for k in ours if k not in wanted]
        if dropped and news.get("deactivate_on_delete"):
            self._deactivate(news, dropped)
        return UpdateResult(self._activate(news, previously_activated=[k for k in ours if k in wanted]))

    def _delete(self, id_: str, props: CostAllocationTagsProps) -> None:
        if props.get("deactivate_on_delete") and props.get("activated_keys"):
            self._deactivate(props, list(props["activated_keys"]))

    # the work

    def _activate(self, props: Mapping[str, Any], previously_activated: Iterable[str]) -> dict[str, Any]:
        """Activate every wanted key billing has seen and that is inactive; report the rest as pending."""
        label = self.label(_name(props))
        client = self.client(props["region"])
        keys = list(props["tag_keys"])
        statuses = self._statuses(client, keys, label)
        inactive = [k for k in keys if statuses.get(k) == INACTIVE]
        not_seen = set(self._update_statuses(client, inactive, ACTIVE, "activating", label))
        for key in inactive:
            statuses[key] = INACTIVE if key in not_seen else ACTIVE
        for key in not_seen:
            statuses.pop(key, None)
        previously = set(previously_activated)
        activated = [k for k in keys if k in previously or (k in inactive and k not in not_seen)]
        outputs = {**_inputs_of(props), **_status_outputs(keys, statuses, activated)}
        if outputs["pending_keys"]:
            print(pending_message(label, outputs["pending_keys"]), file=sys.stderr, flush=True)
        return outputs

    def _deactivate(self, props: Mapping[str, Any], keys: list[str]) -> None:
        label = self.label(_name(props))
        self._update_statuses(self.client(props["region"]), keys, INACTIVE, "deactivating", label)

    def _statuses(self, client: Any, keys: Sequence[str], label: str) -> dict[str, str]:
        """``{key: "Active" | "Inactive"}`` for the keys billing has seen; an unseen key is absent."""
        statuses: dict[str, str] = {}
        with aws_call("listing", label):
            for batch in _batches(keys, _list_limit()):
                for page in client.get_paginator("list_cost_allocation_tags").paginate(TagKeys=batch):
                    for tag in page.get("CostAllocationTags", []):
                        statuses[tag["TagKey"]] = tag["Status"]
        return {k: v for k, v in statuses.items() if k in set(keys)}

    def _update_statuses(self, client: Any, keys: Sequence[str], status: str, action: str, label: str) -> list[str]:
        """Set ``status`` on ``keys`` (batches of the API's maximum); return the keys billing has not seen.
        Any other per-key error is raised, naming the key."""
        not_seen: list[str] = []
        for batch in _batches(keys, _update_limit()):
            with aws_call(action, label):
                errors = client.update_cost_allocation_tags_status(
                    CostAllocationTagsStatus=[{"TagKey": key, "Status": status} for key in batch]
                ).get("Errors") or []
            for error in errors:
                if error.get("Code") == NOT_SEEN_CODE:
                    not_seen.append(error.get("TagKey", ""))
                else:
                    raise InvalidRequestError(
                        action, label, error.get("Code", ""), f"tag key {error.get('TagKey')!r}: {error.get('Message', '')}"
                    )
        return not_seen


def pending_message(label: str, keys: Sequence[str]) -> str:
    """What the run prints for keys billing has not seen yet, and how they complete."""
    listed = ", ".join(repr(k) for k in keys)
    return (
        f"{label}: tag key(s) {listed} pending: AWS billing has not seen them on a resource yet (new tag keys take "
        f"{SEEN_WITHIN} to appear for activation). Nothing failed; run `pulumi up` again after that to activate them "
        "(`pulumi refresh` shows their status)."
    )


# checks and shapes


KEY_RULE = tagging.KEY_RULE
"""A cost allocation tag key is a resource tag key; a longer or odd key could never be seen by billing."""


def _check_tag_keys(checker: InputChecker) -> None:
    keys = checker.inputs.get("tag_keys")
    if keys is None:
        checker.fail("tag_keys", "is required: a list of tag keys to activate, such as [\"tenant\", \"cost-center\"]")
        return
    if is_unknown(keys):
        return
    if not isinstance(keys, (list, tuple)) or not keys:
        checker.fail("tag_keys", f"must be a non-empty list of tag keys, got {keys!r}")
        return
    seen: set[str] = set()
    for index, key in enumerate(keys):
        field = f"tag_keys[{index}]"
        if is_unknown(key):
            continue
        if not isinstance(key, str):
            checker.fail(field, f"must be a string, got {type(key).__name__}")
            continue
        problem = KEY_RULE.problem(key)
        if problem:
            checker.fail(field, f"is a tag key: it {problem}")
        if key in seen:
            checker.fail(field, f"repeats {key!r}")
        seen.add(key)
    checker.inputs["tag_keys"] = list(keys)


def _update_limit() -> int:
    return api_rule("UpdateCostAllocationTagsStatus", "CostAllocationTagsStatus", service="ce").max_length  # type: ignore[return-value]


def _list_limit() -> int:
    return api_rule("ListCostAllocationTags", "TagKeys", service="ce").max_length  # type: ignore[return-value]


def _batches(keys: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield list(keys[start : start + size])


def _status_outputs(keys: Sequence[str], statuses: Mapping[str, str], activated: Iterable[str]) -> dict[str, list[str]]:
    ours = set(activated)
    return {
        "active_keys": [k for k in keys if statuses.get(k) == ACTIVE],
        "inactive_keys": [k for k in keys if statuses.get(k) == INACTIVE],
        "pending_keys": [k for k in keys if k not in statuses],
        "activated_keys": [k for k in keys if k in ours],
    }


def _inputs_of(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "tag_keys": list(props.get("tag_keys") or []),
        "deactivate_on_delete": bool(props.get("deactivate_on_delete")),
        "region": props.get("region"),
        AUTONAME: props.get(AUTONAME),
    }


def _name(props: Mapping[str, Any]) -> str:
    seed = props.get(AUTONAME)
    return seed.rsplit("/", 1)[-1] if isinstance(seed, str) else "cost-allocation-tags"


def _resource_id(props: Mapping[str, Any]) -> str:
    """Stable per stack resource: activation is account-wide, there is no AWS ID to use."""
    seed = str(props.get(AUTONAME) or sorted(props.get("tag_keys") or []))
    return f"cost-allocation-tags-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


# the resource


@SCHEMA.documents
@dataclass
class CostAllocationTagsArgs:
    """Arguments of :class:`CostAllocationTags`."""

    tag_keys: pulumi.Input[Sequence[pulumi.Input[str]]]
    deactivate_on_delete: Optional[pulumi.Input[bool]] = None
    region: Optional[pulumi.Input[str]] = None


class CostAllocationTags(BedrockResource, module=COST_ALLOCATION_TAGS.module, name=COST_ALLOCATION_TAGS.name):
    """Tag keys activated as AWS cost allocation tags (``pulumi-python:dynamic/costexplorer:CostAllocationTags``).

    A key AWS billing has not seen yet is ``pending``, not an error: the next ``pulumi up`` after
    billing has seen it (up to 24 hours after it was first applied to a resource) activates it.
    Destroy leaves the keys active unless ``deactivate_on_delete=True``. Needs the management (payer)
    account or a standalone account, and ``ce:ListCostAllocationTags`` and
    ``ce:UpdateCostAllocationTagsStatus``. Makes no AWS call in ``pulumi preview``.
    """

    provider_class = CostAllocationTagsProvider

    tag_keys: pulumi.Output[list]
    deactivate_on_delete: pulumi.Output[bool]
    region: pulumi.Output[str]
    active_keys: pulumi.Output[list]
    pending_keys: pulumi.Output[list]
    inactive_keys: pulumi.Output[list]
    activated_keys: pulumi.Output[list]

    def __init__(
        self,
        resource_name: str,
        args: CostAllocationTagsArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        self._register(resource_name, args or CostAllocationTagsArgs(**kwargs), opts)
