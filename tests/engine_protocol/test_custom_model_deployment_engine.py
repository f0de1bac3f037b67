"""CustomModelDeployment through the real `python -m pulumi.dynamic` process against the emulator:
the create waits (printing progress the CLI shows), the model swaps in place, delete cleans up."""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError, with_provider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:CustomModelDeployment::tuned"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def engine(bedrock_emulator: BedrockEmulator) -> Iterator[DynamicProviderProcess]:
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        process.configure({"aws:region": "us-east-1", "aws:defaultTags": {"tags": {"env": "dev"}}})
        yield process


def news(model_arn: str, **values: Any) -> dict[str, Any]:
    props = {"model_arn": model_arn, "_autoname": "proj/dev/tuned", "arn": None, "status": None}
    props.update(values)
    return with_provider(props, CustomModelDeploymentProvider())


def test_create_waits_until_active_then_update_swaps_the_model_and_delete(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    first_model = bedrock_emulator.seed_custom_model("tuned-v1", HAIKU)
    second_model = bedrock_emulator.seed_custom_model("tuned-v2", HAIKU)
    bedrock_emulator.set_durations(custom_model_deployment_create=1, custom_model_deployment_update=0)

    checked = engine.check(URN, {}, news(first_model, tags={"app": "chat"}))
    assert checked.failures == []
    created = engine.create(URN, checked.inputs)
    assert created.outputs["status"] == "Active" and created.outputs["model_arn"] == first_model
    assert created.outputs["tags_all"] == {"app": "chat", "env": "dev"}
    line = f'waiting for Bedrock custom model deployment "{checked.inputs["name"]}": Creating, 0s'
    assert line in engine.wait_for_stderr(line)
    assert bedrock_emulator.count("CreateCustomModelDeployment") == 1

    swapped = engine.check(URN, checked.inputs, news(second_model, tags={"app": "chat"}))
    assert swapped.inputs["name"] == checked.inputs["name"]
    diff = engine.diff(URN, created.id, created.outputs, swapped.inputs)
    assert diff.changes == "some" and diff.replaces == []
    updated = engine.update(URN, created.id, created.outputs, swapped.inputs)
    assert updated.outputs["model_arn"] == second_model and updated.outputs["arn"] == created.id
    assert bedrock_emulator.count("UpdateCustomModelDeployment") == 1

    engine.delete(URN, created.id, updated.outputs)
    assert engine.read(URN, created.id, updated.outputs, swapped.inputs).id == ""


def test_a_failed_create_reports_the_reason_and_leaves_nothing_behind(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    bedrock_emulator.fail_next("CreateCustomModelDeployment", "Model artifacts are incompatible with on-demand inference")
    checked = engine.check(URN, {}, news(model, name="doomed"))
    with pytest.raises(ProviderError) as raised:
        engine.create(URN, checked.inputs)
    assert "Failed: Model artifacts are incompatible with on-demand inference" in str(raised.value)
    assert bedrock_emulator.client("us-east-1").list_custom_model_deployments()["modelDeploymentSummaries"] == []


def test_bad_inputs_fail_at_check_with_no_aws_call(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    result = engine.check(URN, {}, news("arn:aws:bedrock:us-east-1::foundation-model/" + HAIKU, name="bad name", timeouts={"create": "soon"}))
    assert {f.property for f in result.failures} == {"model_arn", "name", "timeouts.create"}
    assert bedrock_emulator.counts() == {}


def test_a_timed_out_create_is_resumed_by_the_next_up_without_a_duplicate(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    bedrock_emulator.set_durations(custom_model_deployment_create=3600)
    checked = engine.check(URN, {}, news(model, timeouts={"create": "1s"}))
    with pytest.raises(ProviderError) as raised:
        engine.create(URN, checked.inputs)
    assert "still Creating after 1s (timeout 1s)" in str(raised.value)
    assert "pulumi up" in str(raised.value)

    bedrock_emulator.advance(3600)
    again = engine.check(URN, {}, news(model, timeouts={"create": "1s"}))
    resumed = engine.create(URN, again.inputs)
    assert resumed.outputs["status"] == "Active"
    assert len(bedrock_emulator.client("us-east-1").list_custom_model_deployments()["modelDeploymentSummaries"]) == 1
