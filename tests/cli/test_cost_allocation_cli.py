"""The cost loop through the real Pulumi engine against the emulator (Cost Explorer's cost
allocation tags): a key billing has not seen is pending and the run succeeds, a later up activates
it, preview and an up with nothing to change make no call, refresh finds a key deactivated by
hand, destroy leaves keys active; sets sharing a key never deactivate each other's."""

from __future__ import annotations

from collections.abc import Callable

import pulumi

from pulumi_bedrock_inference.components import InferenceProfileSet
from pulumi_bedrock_inference.providers.cost_allocation_tags import CostAllocationTags
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack, resources

from .commands import no_credentials
from .engine_events import run_with_steps

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def statuses(emulator: BedrockEmulator) -> dict[str, str]:
    listed = emulator.cost_explorer_client().list_cost_allocation_tags(Type="UserDefined")["CostAllocationTags"]
    return {tag["TagKey"]: tag["Status"] for tag in listed}


def test_cost_allocation_tags_life_cycle(bedrock_emulator: BedrockEmulator) -> None:
    def program() -> None:
        tags = CostAllocationTags("billing-keys", tag_keys=["tenant", "cost-center"])
        pulumi.export("active", tags.active_keys)
        pulumi.export("pending", tags.pending_keys)

    with emulator_stack(program, bedrock_emulator, project="cost-loop") as stack:
        bedrock_emulator.reset_log()
        with no_credentials():
            assert run_with_steps(stack.preview)[1] == {"billing-keys": "create"}
        assert bedrock_emulator.counts() == {}

        # billing has seen neither key yet: pending, and the run succeeds saying what happens next
        up = stack.up()
        assert sorted(up.outputs["pending"].value) == ["cost-center", "tenant"] and up.outputs["active"].value == []
        assert "pending" in up.stdout and "24 hours" in up.stdout

        bedrock_emulator.mark_tag_keys_seen(["tenant", "cost-center"])
        assert run_with_steps(stack.up)[1] == {"billing-keys": "update"}
        assert statuses(bedrock_emulator) == {"tenant": "Active", "cost-center": "Active"}
        assert sorted(resources(stack)["billing-keys"]["outputs"]["activated_keys"]) == ["cost-center", "tenant"]

        bedrock_emulator.reset_log()
        assert run_with_steps(stack.preview, expect_no_changes=True)[1] == {"billing-keys": "same"}
        assert bedrock_emulator.counts() == {}

        # deactivated by hand: refresh finds it, the next up activates it again
        bedrock_emulator.cost_explorer_client().update_cost_allocation_tags_status(
            CostAllocationTagsStatus=[{"TagKey": "tenant", "Status": "Inactive"}])
        stack.refresh()
        assert resources(stack)["billing-keys"]["outputs"]["inactive_keys"] == ["tenant"]
        assert run_with_steps(stack.up)[1] == {"billing-keys": "update"}
        assert statuses(bedrock_emulator)["tenant"] == "Active"

        bedrock_emulator.reset_log()
        assert run_with_steps(stack.destroy)[1] == {"billing-keys": "delete"}
        assert "UpdateCostAllocationTagsStatus" not in bedrock_emulator.counts()
        assert statuses(bedrock_emulator) == {"tenant": "Active", "cost-center": "Active"}


def test_sets_sharing_a_key_end_active_and_a_destroy_leaves_the_others_active(bedrock_emulator: BedrockEmulator) -> None:
    def team_set(name: str) -> Callable[[], None]:
        def program() -> None:
            teams = InferenceProfileSet(name, model=HAIKU, tenants={"search": {}, "chat": {}}, tags={"cost-center": "42"},
                                        cost_allocation_tag_keys=["cost-center"])
            pulumi.export("pending", teams.cost_allocation_tags.pending_keys)

        return program

    with emulator_stack(team_set("assistants"), bedrock_emulator, project="first", stack="a") as first, \
            emulator_stack(team_set("agents"), bedrock_emulator, project="second", stack="b") as second:
        assert first.up().outputs["pending"].value == []  # the fixture's emulator sees a key on a resource at once
        assert second.up().outputs["pending"].value == []
        assert statuses(bedrock_emulator) == {"tenant": "Active", "cost-center": "Active"}
        first.destroy()
        assert statuses(bedrock_emulator) == {"tenant": "Active", "cost-center": "Active"}
        assert second.preview(expect_no_changes=True).change_summary.get("same")
        second.destroy()
        assert statuses(bedrock_emulator) == {"tenant": "Active", "cost-center": "Active"}
