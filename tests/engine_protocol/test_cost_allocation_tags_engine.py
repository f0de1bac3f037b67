"""CostAllocationTags through the real `python -m pulumi.dynamic` process, driven over gRPC as the
engine drives it, against the emulator's Cost Explorer: preview with no AWS call, up, up with no
change, refresh with a key deactivated by hand, destroy that keeps the keys."""

from __future__ import annotations

import os
from typing import Any

from pulumi_bedrock_inference.providers.cost_allocation_tags import CostAllocationTagsProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import UNKNOWN, DynamicProviderProcess, with_provider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/costexplorer:CostAllocationTags::teams-cost-allocation-tags"
NO_CREDENTIALS = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") or k.startswith("AWS_ENDPOINT_URL")}


def news(**values: Any) -> dict[str, Any]:
    props = {"tag_keys": ["tenant", "cost-center"], "_autoname": "proj/dev/teams-cost-allocation-tags",
             "active_keys": None, "pending_keys": None, "inactive_keys": None, "activated_keys": None}
    props.update(values)
    return with_provider(props, CostAllocationTagsProvider())


def statuses(emulator: BedrockEmulator) -> dict[str, str]:
    return {t["TagKey"]: t["Status"] for t in emulator.cost_explorer_client().list_cost_allocation_tags()["CostAllocationTags"]}


def test_preview_makes_no_aws_call_and_needs_no_credentials(bedrock_emulator: BedrockEmulator) -> None:
    with DynamicProviderProcess(env=NO_CREDENTIALS | {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}, project="proj") as process:
        process.configure({"aws:region": "us-east-1"})
        checked = process.check(URN, {}, news(tag_keys=["tenant", UNKNOWN]))
        assert checked.failures == []
        assert process.create(URN, checked.inputs, preview=True).id == ""
        old = {"tag_keys": ["tenant"], "active_keys": ["tenant"], "region": "us-east-1", "deactivate_on_delete": False}
        assert process.diff(URN, "cost-allocation-tags-x", old, checked.inputs).changes == "some"
    assert bedrock_emulator.counts() == {}


def test_check_failures_name_the_field_before_any_call(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    result = engine.check(URN, {}, news(tag_keys=["tenant", "tenant", "x" * 129, ""], deactivate_on_delete="yes"))
    reasons = {f.property: f.reason for f in result.failures}
    assert reasons["tag_keys[1]"] == "tag_keys[1] repeats 'tenant'"
    assert "must be at most 128 characters" in reasons["tag_keys[2]"] and "must not be empty" in reasons["tag_keys[3]"]
    assert reasons["deactivate_on_delete"] == "deactivate_on_delete must be true or false, got 'yes'"
    assert engine.check(URN, {}, news(tag_keys=[])).failures[0].reason.startswith("tag_keys must be a non-empty list")
    assert bedrock_emulator.counts() == {}


def test_up_again_refresh_with_drift_and_destroy(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.mark_tag_keys_seen(["tenant", "cost-center"])
    checked = engine.check(URN, {}, news())
    created = engine.create(URN, checked.inputs)
    assert created.outputs["active_keys"] == ["tenant", "cost-center"] and created.outputs["pending_keys"] == []
    assert statuses(bedrock_emulator) == {"cost-center": "Active", "tenant": "Active"}

    bedrock_emulator.reset_log()
    rechecked = engine.check(URN, checked.inputs, news())
    assert engine.diff(URN, created.id, created.outputs, rechecked.inputs).changes == "none"
    assert bedrock_emulator.counts() == {}

    bedrock_emulator.cost_explorer_client().update_cost_allocation_tags_status(
        CostAllocationTagsStatus=[{"TagKey": "tenant", "Status": "Inactive"}]
    )
    refreshed = engine.read(URN, created.id, created.outputs, checked.inputs)
    assert refreshed.id == created.id
    assert refreshed.outputs["inactive_keys"] == ["tenant"] and refreshed.outputs["active_keys"] == ["cost-center"]
    assert engine.diff(URN, created.id, refreshed.outputs, rechecked.inputs).changes == "some"
    repaired = engine.update(URN, created.id, refreshed.outputs, rechecked.inputs)
    assert repaired.outputs["active_keys"] == ["tenant", "cost-center"]

    bedrock_emulator.reset_log()
    engine.delete(URN, created.id, repaired.outputs)
    assert bedrock_emulator.counts() == {}
    assert statuses(bedrock_emulator) == {"cost-center": "Active", "tenant": "Active"}


def test_a_pending_key_is_reported_and_the_run_succeeds(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = engine.check(URN, {}, news(tag_keys=["tenant"]))
    created = engine.create(URN, checked.inputs)
    assert created.outputs["pending_keys"] == ["tenant"] and created.outputs["active_keys"] == []
    line = "'tenant' pending: AWS billing has not seen them on a resource yet"
    assert line in engine.wait_for_stderr(line)
    assert engine.diff(URN, created.id, created.outputs, engine.check(URN, checked.inputs, news(tag_keys=["tenant"])).inputs).changes == "some"
