"""At scale under the real engine (issue 14, 3k): a 200-profile stack's ``up`` and ``destroy``
with a quarter of all Bedrock requests faulted after the operation ran (the backend changed,
only the response was lost: a 500 during up, a reset connection during destroy) leave 0
duplicates and 0 orphans. Retries resend the same client token; a repeated delete that finds the
profile gone is success."""

from __future__ import annotations

import pickle

import pulumi

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

from .commands import live_resources

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
PROFILES = 200
FAULT_RATE = 0.25
TYPE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"


def program() -> None:
    for i in range(PROFILES):
        profile = ApplicationInferenceProfile(f"tenant-{i:03d}", model_source={"copy_from": HAIKU}, tags={"tenant": str(i)})
        pulumi.export(f"tenant-{i:03d}", profile.arn)


def test_200_profiles_up_and_destroy_under_a_quarter_of_requests_faulted(bedrock_emulator: BedrockEmulator) -> None:
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    with emulator_stack(program, bedrock_emulator) as stack:
        bedrock_emulator.inject_errors(FAULT_RATE, seed=14, after=True)
        up = stack.up(color="never")
        bedrock_emulator.clear_faults()

        creates = bedrock_emulator.requests("CreateInferenceProfile")
        lost = [r for r in creates if r["fault"] == "after"]
        assert len(lost) >= PROFILES * FAULT_RATE / 2  # the faults did strike creates that had run
        assert up.summary.resource_changes == {"create": PROFILES + 1}
        live = live_resources(bedrock_emulator)["profile"]
        assert len(live) == PROFILES and len({name for name, _ in live}) == PROFILES  # no duplicate
        state = {r["id"] for r in stack.export_stack().deployment["resources"] if r["type"] == TYPE}
        assert state == {arn for _, arn in live} == {output.value for output in up.outputs.values()}

        bedrock_emulator.reset_log()
        bedrock_emulator.inject_errors(FAULT_RATE, seed=15, after=True, reset=True)
        destroy = stack.destroy(color="never")
        bedrock_emulator.clear_faults()

        assert sum(r["connection_reset"] for r in bedrock_emulator.requests("DeleteInferenceProfile")) >= PROFILES * FAULT_RATE / 2
        assert destroy.summary.resource_changes == {"delete": PROFILES + 1}
        assert live_resources(bedrock_emulator)["profile"] == []  # no orphan
        assert stack.export_stack().deployment.get("resources", []) == []
    # The SDK wrapped pickle once per resource registered in this process; the stack undid it.
    assert pickle._Pickler._batch_setitems is batch_setitems  # type: ignore[attr-defined]
