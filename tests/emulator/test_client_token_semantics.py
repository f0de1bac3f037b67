"""The two readings of clientRequestToken behind the emulator's switch (contracts: "ec2" default, "ignore")."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator, EmulatorControlError

HAIKU_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
DAY = 24 * 3600


@pytest.fixture
def semantics(bedrock_emulator: BedrockEmulator) -> Iterator[Callable[[str], None]]:
    yield bedrock_emulator.set_token_semantics
    bedrock_emulator.set_token_semantics("ec2")


def profile(bedrock: Any, model_arn: str) -> tuple[Callable[[], str], Callable[[str], None]]:
    request = {"inferenceProfileName": "p", "modelSource": {"copyFrom": HAIKU_ARN}, "clientRequestToken": "tok"}
    return (lambda: bedrock.create_inference_profile(**request)["inferenceProfileArn"],
            lambda arn: bedrock.delete_inference_profile(inferenceProfileIdentifier=arn))


def deployment(bedrock: Any, model_arn: str) -> tuple[Callable[[], str], Callable[[str], None]]:
    request = {"modelDeploymentName": "d", "modelArn": model_arn, "clientRequestToken": "tok"}
    return (lambda: bedrock.create_custom_model_deployment(**request)["customModelDeploymentArn"],
            lambda arn: bedrock.delete_custom_model_deployment(customModelDeploymentIdentifier=arn))


def throughput(bedrock: Any, model_arn: str) -> tuple[Callable[[], str], Callable[[str], None]]:
    request = {"modelUnits": 1, "provisionedModelName": "pt", "modelId": NOVA_PRO, "clientRequestToken": "tok"}
    return (lambda: bedrock.create_provisioned_model_throughput(**request)["provisionedModelArn"],
            lambda arn: bedrock.delete_provisioned_model_throughput(provisionedModelId=arn))


RESOURCES = [profile, deployment, throughput]


@pytest.fixture
def model_arn(bedrock_emulator: BedrockEmulator) -> str:
    return bedrock_emulator.seed_custom_model("m", "amazon.nova-micro-v1:0")


def test_ec2_is_the_default_and_reset_keeps_the_setting(bedrock_emulator: BedrockEmulator, semantics: Callable[[str], None]) -> None:
    assert bedrock_emulator.token_semantics() == "ec2"
    semantics("ignore")
    bedrock_emulator.reset(durations=0)
    assert bedrock_emulator.token_semantics() == "ignore"
    with pytest.raises(EmulatorControlError, match="ec2, ignore"):
        semantics("sometimes")


def test_constructor_sets_the_semantics() -> None:
    with BedrockEmulator(durations=0, token_semantics="ignore") as emulator:
        try:
            assert emulator.token_semantics() == "ignore"
        finally:
            emulator.set_token_semantics("ec2")


@pytest.mark.parametrize("resource", RESOURCES)
def test_ec2_replays_the_deleted_arn_for_24_hours_then_creates_anew(
    bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str, resource: Any
) -> None:
    create, delete = resource(bedrock, model_arn)
    first = create()
    assert create() == first
    delete(first)
    assert create() == first  # the original response, for a resource that is gone
    bedrock_emulator.advance(DAY - 60)
    assert create() == first
    bedrock_emulator.advance(120)
    second = create()
    assert second != first and create() == second


@pytest.mark.parametrize("resource", RESOURCES)
def test_ignore_replays_only_while_the_resource_exists(
    bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str, resource: Any, semantics: Callable[[str], None]
) -> None:
    semantics("ignore")
    create, delete = resource(bedrock, model_arn)
    first = create()
    assert create() == first
    delete(first)
    second = create()
    assert second != first and create() == second


@pytest.mark.parametrize("mode", ["ec2", "ignore"])
def test_different_parameters_with_a_remembered_token_are_rejected(
    bedrock: Any, mode: str, semantics: Callable[[str], None]
) -> None:
    semantics(mode)
    request = {"inferenceProfileName": "p", "modelSource": {"copyFrom": HAIKU_ARN}, "clientRequestToken": "tok"}
    bedrock.create_inference_profile(**request)
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(**{**request, "description": "other"})
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
