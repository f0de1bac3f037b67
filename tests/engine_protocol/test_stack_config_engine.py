"""Bad stack config through the real `python -m pulumi.dynamic` process: Configure succeeds, and every
resource's Check answers with failures naming the config key and the rule (no traceback, no AWS call)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from pulumi.dynamic import ResourceProvider

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, with_provider

BAD_CONFIG = {
    "aws:region": "US East",
    "aws:profile": "missing",
    "aws:defaultTags": "{not json",
    "aws:maxRetries": "abc",
    "aws:endpoints": json.dumps([{"bedrock": "ftp://example.com"}]),
}
RESOURCES: list[tuple[str, ResourceProvider, dict[str, Any]]] = [
    ("ApplicationInferenceProfile", ApplicationInferenceProfileProvider(),
     {"model_source": {"copy_from": "anthropic.claude-3-haiku-20240307-v1:0"}}),
    ("CustomModelDeployment", CustomModelDeploymentProvider(),
     {"model_arn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"}),
    ("ProvisionedModelThroughput", ProvisionedModelThroughputProvider(),
     {"model_arn": "anthropic.claude-3-haiku-20240307-v1:0", "model_units": 1}),
]


@pytest.fixture
def engine(bedrock_emulator: BedrockEmulator, tmp_path: Path) -> Iterator[DynamicProviderProcess]:
    (tmp_path / "config").write_text("[profile ml]\nregion = us-east-1\n")
    env = {**os.environ, "AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    with DynamicProviderProcess(env=env, project="proj") as process:
        yield process


@pytest.mark.parametrize(("type_name", "provider", "inputs"), RESOURCES, ids=[r[0] for r in RESOURCES])
def test_bad_config_is_a_check_failure_per_key_on_every_resource(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator, type_name: str, provider: ResourceProvider, inputs: dict[str, Any]
) -> None:
    engine.configure(BAD_CONFIG)  # raises ProviderError if Configure fails
    urn = f"urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:{type_name}::x"
    news = with_provider({**inputs, "_autoname": "proj/dev/x"}, provider)

    checked = engine.check(urn, {}, news)

    reasons = {f.property: f.reason for f in checked.failures}
    assert sorted(reasons) == sorted(BAD_CONFIG)
    assert "got 'US East'" in reasons["aws:region"] and "an AWS region such as us-east-1" in reasons["aws:region"]
    assert "'missing' is not one (profiles there: ml)" in reasons["aws:profile"]
    assert reasons["aws:defaultTags"].startswith("aws:defaultTags (stack config) must be JSON")
    assert "whole number from 0 to 100, got 'abc'" in reasons["aws:maxRetries"]
    assert "http:// or https:// URL" in reasons["aws:endpoints"]
    assert not any("Traceback" in reason for reason in reasons.values())
    assert bedrock_emulator.requests() == []


def test_good_config_after_a_fix_checks_clean(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    engine.configure({"aws:region": "us-east-1", "aws:profile": "ml", "aws:defaultTags": {"tags": {"team": "ml"}}, "aws:maxRetries": "3"})
    type_name, provider, inputs = RESOURCES[0]
    checked = engine.check(f"urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:{type_name}::x", {}, with_provider({**inputs, "_autoname": "proj/dev/x"}, provider))
    assert checked.failures == [] and checked.inputs["region"] == "us-east-1"


@pytest.mark.parametrize(("type_name", "provider", "inputs"), RESOURCES, ids=[r[0] for r in RESOURCES])
def test_a_missing_aws_profile_in_the_environment_is_a_check_failure_not_a_traceback(
    bedrock_emulator: BedrockEmulator, tmp_path: Path, type_name: str, provider: ResourceProvider, inputs: dict[str, Any]
) -> None:
    # botocore raises ProfileNotFound on any session built under AWS_PROFILE=nope, even with aws:region set.
    (tmp_path / "config").write_text("[profile ml]\nregion = us-east-1\n")
    env = {**os.environ, "AWS_PROFILE": "nope", "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    with DynamicProviderProcess(env=env, project="proj") as engine:
        engine.configure({"aws:region": "us-east-1"})
        urn = f"urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:{type_name}::x"
        checked = engine.check(urn, {}, with_provider({**inputs, "_autoname": "proj/dev/x"}, provider))

    assert [f.property for f in checked.failures] == ["AWS_PROFILE"]
    assert "'nope' is not one (profiles there: ml)" in checked.failures[0].reason
    assert bedrock_emulator.counts() == {}
