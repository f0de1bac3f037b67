"""Tag keys with the reserved ``aws:`` prefix are refused in any letter case (see
``models.RESERVED_TAG_KEY_PREFIX`` for the source), on create and on TagResource."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
RESERVED = ["aws:team", "AWS:team", "Aws:team", "aWs:", "aws:cloudformation:stack-name"]
Create = Callable[[Any, list[dict[str, str]]], str]
ALLOWED = ["team", "aws", "aws-team", "awsteam", "team:aws:x", " aws:team", "aws_team:x"]


def create_profile(bedrock: Any, tags: list[dict[str, str]]) -> str:
    return bedrock.create_inference_profile(
        inferenceProfileName="p", modelSource={"copyFrom": HAIKU_ARN}, tags=tags
    )["inferenceProfileArn"]


def create_deployment(bedrock: Any, tags: list[dict[str, str]], model_arn: str) -> str:
    return bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=model_arn, tags=tags)[
        "customModelDeploymentArn"
    ]


def create_throughput(bedrock: Any, tags: list[dict[str, str]]) -> str:
    return bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId="amazon.nova-pro-v1:0", tags=tags
    )["provisionedModelArn"]


def listed(bedrock: Any) -> int:
    return (
        len(bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"])
        + len(bedrock.list_custom_model_deployments()["modelDeploymentSummaries"])
        + len(bedrock.list_provisioned_model_throughputs()["provisionedModelSummaries"])
    )


@pytest.fixture(params=["profile", "deployment", "throughput"])
def create(request: pytest.FixtureRequest, bedrock_emulator: BedrockEmulator) -> Create:
    if request.param == "profile":
        return create_profile
    if request.param == "deployment":
        model_arn = bedrock_emulator.seed_custom_model("tuned", HAIKU)
        return lambda bedrock, tags: create_deployment(bedrock, tags, model_arn)
    return create_throughput


@pytest.mark.parametrize("key", RESERVED)
def test_create_with_a_reserved_tag_key_is_refused_and_creates_nothing(
    bedrock: Any, create: Create, key: str
) -> None:
    tags = [{"key": "team", "value": "search"}, {"key": key, "value": "x"}]
    with pytest.raises(ClientError) as excinfo:
        create(bedrock, tags)
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = excinfo.value.response["Error"]["Message"]
    assert f"'{key}' at 'tags.2.member.key'" in message and "reserved" in message
    assert listed(bedrock) == 0


def test_create_with_keys_that_merely_contain_aws_succeeds(
    bedrock: Any, create: Create
) -> None:
    tags = [{"key": key, "value": "aws:value-is-not-checked"} for key in ALLOWED]
    arn = create(bedrock, tags)
    assert sorted(t["key"] for t in bedrock.list_tags_for_resource(resourceARN=arn)["tags"]) == sorted(ALLOWED)


@pytest.mark.parametrize("key", RESERVED)
def test_tag_resource_with_a_reserved_key_is_refused_and_changes_no_tag(bedrock: Any, key: str) -> None:
    arn = create_profile(bedrock, [{"key": "team", "value": "search"}])
    with pytest.raises(ClientError) as excinfo:
        bedrock.tag_resource(resourceARN=arn, tags=[{"key": "team", "value": "ads"}, {"key": key, "value": "x"}])
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "team", "value": "search"}]
