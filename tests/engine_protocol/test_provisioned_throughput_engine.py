"""ProvisionedModelThroughput through the real `python -m pulumi.dynamic` process against the emulator:
floats for ints, replacement that says it costs money, and a committed throughput that refuses deletion."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError, with_provider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ProvisionedModelThroughput::pt"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def news(**values: Any) -> dict[str, Any]:
    props = {"model_arn": MODEL, "model_units": 1, "_autoname": "proj/dev/pt", "provisioned_model_arn": None}
    props.update(values)
    return with_provider(props, ProvisionedModelThroughputProvider())


def test_model_units_arrive_as_floats_and_leave_as_ints(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = engine.check(URN, {}, news(model_units=2))
    assert checked.failures == []
    created = engine.create(URN, checked.inputs)
    assert created.outputs["status"] == "InService"
    request = bedrock_emulator.requests("CreateProvisionedModelThroughput")[0]
    assert request["params"]["modelUnits"] == 2 and isinstance(request["params"]["modelUnits"], int)
    half = engine.check(URN, {}, news(model_units=1.5))
    assert [(f.property, f.reason) for f in half.failures] == [("model_units", "model_units must be a whole number, got 1.5")]
    engine.delete(URN, created.id, created.outputs)


def test_more_units_replace_and_the_provider_says_it_buys_a_new_throughput(engine: DynamicProviderProcess) -> None:
    checked = engine.check(URN, {}, news())
    created = engine.create(URN, checked.inputs)
    more = engine.check(URN, checked.inputs, news(model_units=3))
    diff = engine.diff(URN, created.id, created.outputs, more.inputs)
    assert "model_units" in diff.replaces
    line = "changing model_units (1 → 3) replaces it: a new throughput is bought"
    assert line in engine.wait_for_stderr(line)
    engine.delete(URN, created.id, created.outputs)


def test_a_committed_throughput_refuses_deletion_and_is_left_untouched(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = engine.check(URN, {}, news(commitment_duration="OneMonth"))
    created = engine.create(URN, checked.inputs)
    assert created.outputs["commitment_expiration_time"]
    with pytest.raises(ProviderError) as raised:
        engine.delete(URN, created.id, created.outputs)
    assert "commitmentExpirationTime" in str(raised.value) and "pulumi state delete" in str(raised.value)
    assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 0
    assert engine.read(URN, created.id, created.outputs, checked.inputs).outputs["status"] == "InService"
