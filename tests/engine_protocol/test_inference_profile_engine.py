"""ApplicationInferenceProfile through the real `python -m pulumi.dynamic` process, driven over gRPC
as the engine drives it, against the local Bedrock emulator."""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import UNKNOWN, DynamicProviderProcess, ProviderError, with_provider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat"
MODEL_ID = "anthropic.claude-3-5-sonnet-20241022-v2:0"
CONFIG = {"aws:region": "us-west-2", "aws:defaultTags": {"tags": {"env": "dev", "team": "ml"}}}


@pytest.fixture
def engine(bedrock_emulator: BedrockEmulator) -> Iterator[DynamicProviderProcess]:
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        process.configure(CONFIG)
        yield process


def news(**values: Any) -> dict[str, Any]:
    props = {"model_source": {"copy_from": MODEL_ID}, "tags": {"app": "chat"}, "_autoname": "proj/dev/chat", "arn": None, "tags_all": None}
    props.update(values)
    return with_provider(props, ApplicationInferenceProfileProvider())


def test_whole_life_cycle_over_grpc(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = engine.check(URN, {}, news())
    assert checked.failures == []
    assert checked.inputs["region"] == "us-west-2"
    assert checked.inputs["name"].startswith("chat-")

    created = engine.create(URN, checked.inputs)
    assert created.id.startswith("arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/")
    assert created.outputs["tags_all"] == {"app": "chat", "env": "dev", "team": "ml"}
    assert created.outputs["model_source"] == {"copy_from": f"arn:aws:bedrock:us-west-2::foundation-model/{MODEL_ID}"}

    rechecked = engine.check(URN, checked.inputs, news())
    assert rechecked.inputs["name"] == checked.inputs["name"]
    assert engine.diff(URN, created.id, created.outputs, rechecked.inputs).changes == "none"

    read = engine.read(URN, created.id, created.outputs, checked.inputs)
    assert read.id == created.id and read.outputs["name"] == created.outputs["name"]

    retagged = engine.check(URN, checked.inputs, news(tags={"app": "chat", "cost-center": "42"}))
    diff = engine.diff(URN, created.id, read.outputs, retagged.inputs)
    assert diff.changes == "some" and diff.replaces == []
    updated = engine.update(URN, created.id, read.outputs, retagged.inputs)
    assert updated.outputs["tags_all"] == {"app": "chat", "cost-center": "42", "env": "dev", "team": "ml"}
    assert updated.outputs["arn"] == created.id and updated.outputs["models"] == created.outputs["models"]

    redescribed = engine.check(URN, checked.inputs, news(description="new"))
    replace = engine.diff(URN, created.id, updated.outputs, redescribed.inputs)
    assert set(replace.replaces) == {"description", "name"} and replace.delete_before_replace is False

    engine.delete(URN, created.id, updated.outputs)
    assert engine.read(URN, created.id, updated.outputs, checked.inputs).id == ""
    assert bedrock_emulator.client("us-west-2").list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []


def test_check_failures_cross_the_wire_with_property_names(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    result = engine.check(URN, {}, news(name="no spaces at end!", tags={"aws:x": "1"}))
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"name", "tags"}
    assert "letters and digits" in reasons["name"] and "reserved prefix" in reasons["tags"]
    assert bedrock_emulator.counts() == {}


def test_preview_unknowns_pass_check_and_diff_without_aws_calls(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    result = engine.check(URN, {}, news(description=UNKNOWN, tags={"app": UNKNOWN}))
    assert result.failures == []
    old = {"arn": "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc", "name": "x", "description": "d",
           "model_source": {"copy_from": MODEL_ID}, "region": "us-west-2", "tags": {}, "tags_all": {}}
    diff = engine.diff(URN, old["arn"], old, with_provider({**old, "description": UNKNOWN}, ApplicationInferenceProfileProvider()))
    assert "description" in diff.replaces
    assert bedrock_emulator.counts() == {}


def test_an_aws_error_reaches_the_user_as_one_clear_message(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = engine.check(URN, {}, news(name="denied"))
    bedrock_emulator.error_next("CreateInferenceProfile", "AccessDeniedException", "not authorized to perform bedrock:CreateInferenceProfile")
    with pytest.raises(ProviderError) as raised:
        engine.create(URN, checked.inputs)
    assert 'creating Bedrock application inference profile "denied": AccessDeniedException: not authorized to perform bedrock:CreateInferenceProfile' in str(raised.value)
