"""Destroy then up through the real `python -m pulumi.dynamic` process, under both readings of
client tokens: the second create gets a new resource, never the deleted one (issue 7 §3)."""

from __future__ import annotations

from typing import Iterator

import pytest

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, with_provider

from .conftest import deployment

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:CustomModelDeployment::tuned"


@pytest.fixture
def engine(token_semantics: str) -> Iterator[DynamicProviderProcess]:
    with deployment() as process:
        yield process


def test_destroy_then_up_creates_a_new_deployment(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    model_arn = bedrock_emulator.seed_custom_model("tuned", "anthropic.claude-3-haiku-20240307-v1:0")
    news = with_provider({"model_arn": model_arn, "_autoname": "proj/dev/tuned", "arn": None}, CustomModelDeploymentProvider())
    checked = engine.check(URN, {}, news)
    first = engine.create(URN, checked.inputs)
    engine.delete(URN, first.id, first.outputs)

    again = engine.check(URN, {}, news)
    assert again.inputs["name"] == checked.inputs["name"]
    second = engine.create(URN, again.inputs)
    assert second.id != first.id and second.outputs["status"] == "Active"
    listed = bedrock_emulator.client().list_custom_model_deployments()["modelDeploymentSummaries"]
    assert [d["customModelDeploymentArn"] for d in listed] == [second.id]
