"""Leaving a committed throughput (issue 15 item 6), through the real `python -m pulumi.dynamic`
process against the emulator, as the engine drives an ``InferenceEndpoint``'s child.

The engine (pulumi/pulumi ``pkg/resource/deploy``): a replacement is refused when ``protect`` is set
in both the old state and the program (``step_generator.go``); a resource the program no longer
registers is deleted at the end of the ``up`` unless ``protect`` is set in the *old state*
(``DeleteStep.Apply`` in ``step.go``). ``InferenceEndpoint`` sets no ``protect`` by default
(tests/components/test_inference_endpoint.py), so these steps reach the provider, and the
provider alone decides, on AWS's clock, whether the commitment still runs.

Each move is played twice: while the commitment runs, the provider refuses the delete and nothing
is deleted or bought; once it has ended (the emulator's clock), the same single ``pulumi up``
succeeds.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import CreateResult, DynamicProviderProcess, ProviderError, with_provider

ENDPOINT = "bedrock-inference:index:InferenceEndpoint"
THROUGHPUT_URN = f"urn:pulumi:dev::proj::{ENDPOINT}$pulumi-python:dynamic/bedrock:ProvisionedModelThroughput::chat-throughput"
PROFILE_URN = f"urn:pulumi:dev::proj::{ENDPOINT}$pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat-profile"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def throughput(**values: Any) -> dict[str, Any]:
    """The child's inputs as InferenceEndpoint registers them."""
    props = {
        "model_arn": HAIKU, "model_units": 1, "commitment_duration": "OneMonth", "_autoname": "proj/dev/chat-throughput",
        "provisioned_model_arn": None, **values,
    }
    return with_provider(props, ProvisionedModelThroughputProvider())


def profile() -> dict[str, Any]:
    props = {"model_source": {"copy_from": HAIKU}, "_autoname": "proj/dev/chat-profile", "arn": None, "tags_all": None}
    return with_provider(props, ApplicationInferenceProfileProvider())


def committed(engine: DynamicProviderProcess) -> tuple[dict[str, Any], CreateResult]:
    checked = engine.check(THROUGHPUT_URN, {}, throughput())
    return checked.inputs, engine.create(THROUGHPUT_URN, checked.inputs)


def end_commitment(emulator: BedrockEmulator, created: CreateResult) -> None:
    expires = emulator.client().get_provisioned_model_throughput(provisionedModelId=created.id)["commitmentExpirationTime"]
    emulator.advance((expires - emulator.now()).total_seconds() + 60)


def throughputs(emulator: BedrockEmulator) -> list[tuple[str, int, str | None]]:
    client = emulator.client()
    summaries = client.list_provisioned_model_throughputs()["provisionedModelSummaries"]
    return sorted((s["provisionedModelArn"], s["modelUnits"], s.get("commitmentDuration")) for s in summaries)


def replace(engine: DynamicProviderProcess, old_inputs: dict[str, Any], created: CreateResult, **change: Any) -> CreateResult:
    """One `pulumi up` replacing the child: Check, Diff, then, delete-first as the diff asks, Delete
    of the old one, a Check with no olds (the replacement's) and Create."""
    checked = engine.check(THROUGHPUT_URN, old_inputs, throughput(**change))
    diff = engine.diff(THROUGHPUT_URN, created.id, created.outputs, checked.inputs, old_inputs)
    assert diff.replaces and diff.delete_before_replace is True
    engine.delete(THROUGHPUT_URN, created.id, created.outputs, old_inputs)
    replacement = engine.check(THROUGHPUT_URN, {}, throughput(**change))
    return engine.create(THROUGHPUT_URN, replacement.inputs)


@pytest.mark.parametrize(
    "change", [{"model_units": 2}, {"commitment_duration": None}], ids=["other-units", "no-commitment"]
)
def test_a_replacement_stops_at_the_delete_while_the_commitment_runs_and_is_one_up_once_it_has_ended(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator, change: dict[str, Any]
) -> None:
    old_inputs, created = committed(engine)
    before = throughputs(bedrock_emulator)

    with pytest.raises(ProviderError, match="CommitmentNotExpired") as refused:
        replace(engine, old_inputs, created, **change)
    assert "Nothing was deleted" in str(refused.value)
    assert throughputs(bedrock_emulator) == before  # nothing deleted, no second throughput bought
    assert bedrock_emulator.count("CreateProvisionedModelThroughput") == 1
    assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 0

    end_commitment(bedrock_emulator, created)
    new = replace(engine, old_inputs, created, **change)
    units = change.get("model_units", 1)
    duration = change.get("commitment_duration", "OneMonth")
    assert throughputs(bedrock_emulator) == [(new.id, units, duration)] and new.id != created.id


def test_a_move_to_on_demand_deletes_the_throughput_in_the_same_up_once_the_commitment_has_ended(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator
) -> None:
    old_inputs, created = committed(engine)

    # `pulumi up` with provisioned_throughput removed: the new child is created, then the old one,
    # no longer in the program, is deleted.
    checked = engine.check(PROFILE_URN, {}, profile())
    new_profile = engine.create(PROFILE_URN, checked.inputs)
    with pytest.raises(ProviderError, match="CommitmentNotExpired"):
        engine.delete(THROUGHPUT_URN, created.id, created.outputs, old_inputs)
    assert [arn for arn, _, _ in throughputs(bedrock_emulator)] == [created.id]
    assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 0

    # The next `pulumi up` after the commitment's end: the profile is unchanged, the delete is retried.
    end_commitment(bedrock_emulator, created)
    rechecked = engine.check(PROFILE_URN, checked.inputs, profile())
    assert engine.diff(PROFILE_URN, new_profile.id, new_profile.outputs, rechecked.inputs, checked.inputs).changes == "none"
    engine.delete(THROUGHPUT_URN, created.id, created.outputs, old_inputs)
    assert throughputs(bedrock_emulator) == []
    assert [r["params"]["provisionedModelId"] for r in bedrock_emulator.requests("DeleteProvisionedModelThroughput")] == [created.id]


def test_a_move_to_on_demand_after_the_commitment_has_ended_is_one_up(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator
) -> None:
    old_inputs, created = committed(engine)
    end_commitment(bedrock_emulator, created)
    bedrock_emulator.reset_log()

    checked = engine.check(PROFILE_URN, {}, profile())
    engine.create(PROFILE_URN, checked.inputs)
    engine.delete(THROUGHPUT_URN, created.id, created.outputs, old_inputs)
    assert throughputs(bedrock_emulator) == []
    assert bedrock_emulator.count("CreateInferenceProfile") == 1 and bedrock_emulator.count("DeleteProvisionedModelThroughput") == 1
