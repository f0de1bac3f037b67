"""CostAllocationTags provider over HTTP against the emulator's Cost Explorer: pending keys, what it
activated versus found active, drift, deletes that keep keys, batches and throttling."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.cost_allocation_tags import CostAllocationTagsProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
HAIKU_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


def provider(**config: str) -> CostAllocationTagsProvider:
    p = CostAllocationTagsProvider()
    p.configure(FakeConfigureRequest({"aws:region": REGION, **config}))  # type: ignore[arg-type]
    return p


def checked(p: CostAllocationTagsProvider, **news: Any) -> dict[str, Any]:
    result = p.check({}, {"_autoname": "proj/dev/teams-cost-allocation-tags", **news})
    assert result.failures == []
    return result.inputs


def statuses(emulator: BedrockEmulator) -> dict[str, str]:
    tags = emulator.cost_explorer_client(REGION).list_cost_allocation_tags()["CostAllocationTags"]
    return {t["TagKey"]: t["Status"] for t in tags}


def tag_a_profile(emulator: BedrockEmulator, name: str, tags: dict[str, str]) -> str:
    return emulator.client(REGION).create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": HAIKU_ARN}, tags=[{"key": k, "value": v} for k, v in tags.items()]
    )["inferenceProfileArn"]


def test_an_unseen_key_is_pending_and_a_later_update_activates_it(
    bedrock_emulator: BedrockEmulator, capfd: pytest.CaptureFixture[str]
) -> None:
    bedrock_emulator.set_durations(cost_allocation_tag_seen=24 * 3600)
    tag_a_profile(bedrock_emulator, "search", {"tenant": "search"})
    p = provider()
    inputs = checked(p, tag_keys=["tenant"])

    created = p.create(inputs)
    assert created.outs["pending_keys"] == ["tenant"] and created.outs["active_keys"] == []
    message = capfd.readouterr().err
    assert "'tenant' pending: AWS billing has not seen them" in message and "up to 24 hours" in message
    assert "run `pulumi up` again" in message
    assert p.diff(created.id, created.outs, inputs).changes is True  # the next up tries again

    bedrock_emulator.advance(24 * 3600)
    updated = p.update(created.id, created.outs, inputs)
    assert updated.outs["active_keys"] == ["tenant"] and updated.outs["pending_keys"] == []
    assert updated.outs["activated_keys"] == ["tenant"]
    assert statuses(bedrock_emulator) == {"tenant": "Active"}
    assert p.diff(created.id, updated.outs, inputs).changes is False


def test_create_activates_inactive_keys_and_only_records_those_it_activated(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.mark_tag_keys_seen(["tenant", "cost-center"])
    ce = bedrock_emulator.cost_explorer_client(REGION)
    ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "cost-center", "Status": "Active"}])
    bedrock_emulator.reset_log()
    p = provider()
    created = p.create(checked(p, tag_keys=["tenant", "cost-center"]))
    assert created.outs["active_keys"] == ["tenant", "cost-center"]
    assert created.outs["activated_keys"] == ["tenant"]  # cost-center was active already: not ours
    assert bedrock_emulator.counts() == {"ListCostAllocationTags": 1, "UpdateCostAllocationTagsStatus": 1}
    (update,) = bedrock_emulator.requests("UpdateCostAllocationTagsStatus")
    assert update["params"]["CostAllocationTagsStatus"] == [{"TagKey": "tenant", "Status": "Active"}]

    again = p.create(checked(p, tag_keys=["tenant", "cost-center"]))  # a retried create: nothing left to do
    assert again.id == created.id and again.outs["active_keys"] == ["tenant", "cost-center"]
    assert bedrock_emulator.count("UpdateCostAllocationTagsStatus") == 1


def test_refresh_sees_a_key_deactivated_by_hand_and_the_next_update_reactivates_it(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.mark_tag_keys_seen(["tenant"])
    p = provider()
    inputs = checked(p, tag_keys=["tenant"])
    created = p.create(inputs)
    ce = bedrock_emulator.cost_explorer_client(REGION)
    ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "tenant", "Status": "Inactive"}])

    read = p.read(created.id, created.outs)
    assert read.outs["inactive_keys"] == ["tenant"] and read.outs["active_keys"] == []
    assert p.diff(created.id, read.outs, inputs).changes is True
    repaired = p.update(created.id, read.outs, inputs)
    assert repaired.outs["active_keys"] == ["tenant"] and statuses(bedrock_emulator) == {"tenant": "Active"}


def test_delete_keeps_keys_active_by_default_and_deactivates_only_its_own_when_asked(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.mark_tag_keys_seen(["tenant", "team"])
    ce = bedrock_emulator.cost_explorer_client(REGION)
    ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "team", "Status": "Active"}])
    p = provider()
    kept = p.create(checked(p, tag_keys=["tenant", "team"]))
    bedrock_emulator.reset_log()
    p.delete(kept.id, kept.outs)
    assert bedrock_emulator.counts() == {}
    assert statuses(bedrock_emulator) == {"tenant": "Active", "team": "Active"}

    ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "tenant", "Status": "Inactive"}])
    owner = p.create(checked(p, tag_keys=["tenant", "team"], deactivate_on_delete=True))
    assert owner.outs["activated_keys"] == ["tenant"]
    p.delete(owner.id, owner.outs)
    assert statuses(bedrock_emulator) == {"tenant": "Inactive", "team": "Active"}  # team was found active: kept


def test_a_key_removed_from_the_list_is_deactivated_only_with_the_option(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.mark_tag_keys_seen(["tenant", "team"])
    p = provider()
    inputs = checked(p, tag_keys=["tenant", "team"])
    created = p.create(inputs)
    narrower = checked(p, tag_keys=["team"])
    assert p.diff(created.id, created.outs, narrower).changes is True
    updated = p.update(created.id, created.outs, narrower)
    assert updated.outs["activated_keys"] == ["team"] and statuses(bedrock_emulator)["tenant"] == "Active"

    owner = p.create(checked(p, tag_keys=["tenant", "team"], deactivate_on_delete=True))
    p.update(owner.id, {**owner.outs, "activated_keys": ["tenant", "team"]}, checked(p, tag_keys=["team"], deactivate_on_delete=True))
    assert statuses(bedrock_emulator) == {"tenant": "Inactive", "team": "Active"}


def test_many_keys_go_in_batches_of_the_api_limits(bedrock_emulator: BedrockEmulator) -> None:
    keys = [f"key-{i:03}" for i in range(130)]
    bedrock_emulator.mark_tag_keys_seen(keys)
    p = provider()
    created = p.create(checked(p, tag_keys=keys))
    assert created.outs["active_keys"] == keys
    updates = [len(r["params"]["CostAllocationTagsStatus"]) for r in bedrock_emulator.requests("UpdateCostAllocationTagsStatus")]
    lists = [len(r["params"]["TagKeys"]) for r in bedrock_emulator.requests("ListCostAllocationTags")]
    assert updates == [20] * 6 + [10] and lists == [100, 30]


def test_throttling_is_retried_and_other_errors_name_the_resource(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.mark_tag_keys_seen(["tenant"])
    p = provider()
    inputs = checked(p, tag_keys=["tenant"])
    bedrock_emulator.error_next("UpdateCostAllocationTagsStatus", "LimitExceededException", count=2)
    assert p.create(inputs).outs["active_keys"] == ["tenant"]
    assert [r["status"] for r in bedrock_emulator.requests("UpdateCostAllocationTagsStatus")] == [400, 400, 200]

    bedrock_emulator.error_next(
        "ListCostAllocationTags", "AccessDeniedException", "Failed to update Cost Allocation Tag: Linked account doesn't have access to cost allocation tags."
    )
    with pytest.raises(errors.AccessDeniedError) as raised:
        p.create(inputs)
    assert str(raised.value).startswith('listing Cost Explorer cost allocation tags "teams-cost-allocation-tags": AccessDeniedException: ')


def test_two_sets_sharing_a_key_and_a_destroy_of_either_leave_it_active(bedrock_emulator: BedrockEmulator) -> None:
    tag_a_profile(bedrock_emulator, "search-a", {"tenant": "a"})
    tag_a_profile(bedrock_emulator, "chat-b", {"tenant": "b"})
    p = provider()
    first = p.create(checked(p, tag_keys=["tenant"], _autoname="proj/dev/search-cost-allocation-tags"))
    second = provider().create(checked(p, tag_keys=["tenant"], _autoname="other/prod/chat-cost-allocation-tags"))
    assert first.outs["activated_keys"] == ["tenant"] and second.outs["activated_keys"] == []
    assert first.id != second.id
    p.delete(first.id, first.outs)
    assert statuses(bedrock_emulator) == {"tenant": "Active"}
    assert p.diff(second.id, p.read(second.id, second.outs).outs, checked(p, tag_keys=["tenant"])).changes is False
    p.delete(second.id, second.outs)
    assert statuses(bedrock_emulator) == {"tenant": "Active"}
