from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def model_arn(bedrock_emulator: BedrockEmulator) -> str:
    return bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU)


def test_seeded_custom_model_has_the_service_arn_format(bedrock: Any, model_arn: str) -> None:
    assert re.fullmatch(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/{re.escape(HAIKU)}/[a-z0-9]{{12}}", model_arn)
    model = bedrock.get_custom_model(modelIdentifier=model_arn)
    assert model["modelName"] == "tuned-haiku"
    assert model["modelStatus"] == "Active"
    assert model["baseModelArn"] == f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
    assert bedrock.get_custom_model(modelIdentifier="tuned-haiku")["modelArn"] == model_arn
    assert [m["modelArn"] for m in bedrock.list_custom_models()["modelSummaries"]] == [model_arn]


def test_customization_job_produces_a_deployable_custom_model(bedrock: Any) -> None:
    job_arn = bedrock.create_model_customization_job(
        jobName="job1",
        customModelName="from-job",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/bedrock",
        baseModelIdentifier=HAIKU,
        trainingDataConfig={"s3Uri": "s3://bucket/train.jsonl"},
        outputDataConfig={"s3Uri": "s3://bucket/out/"},
        hyperParameters={"epochCount": "1"},
        customModelTags=[{"key": "origin", "value": "job"}],
    )["jobArn"]
    job = bedrock.get_model_customization_job(jobIdentifier=job_arn)
    assert job["status"] == "Completed"
    model = bedrock.get_custom_model(modelIdentifier="from-job")
    assert model["modelArn"] == job["outputModelArn"]
    assert model["modelArn"].startswith(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/{HAIKU}/")
    assert bedrock.list_tags_for_resource(resourceARN=model["modelArn"])["tags"] == [{"key": "origin", "value": "job"}]
    deployment = bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=model["modelArn"])
    assert deployment["customModelDeploymentArn"]


def test_create_goes_from_creating_to_active_on_the_clock(
    bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str
) -> None:
    bedrock_emulator.set_durations(custom_model_deployment_create=600)
    arn = bedrock.create_custom_model_deployment(
        modelDeploymentName="chat", modelArn=model_arn, description="chat bot", tags=[{"key": "a", "value": "b"}]
    )["customModelDeploymentArn"]
    assert re.fullmatch(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model-deployment/[a-z0-9]{{12}}", arn)
    deployment = bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["status"] == "Creating"
    assert deployment["modelArn"] == model_arn and deployment["description"] == "chat bot"
    bedrock_emulator.advance(599)
    assert bedrock.get_custom_model_deployment(customModelDeploymentIdentifier="chat")["status"] == "Creating"
    bedrock_emulator.advance(2)
    deployment = bedrock.get_custom_model_deployment(customModelDeploymentIdentifier="chat")
    assert deployment["status"] == "Active"
    assert "failureMessage" not in deployment
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "a", "value": "b"}]


def test_forced_create_failure(bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str) -> None:
    bedrock_emulator.fail_next("CreateCustomModelDeployment", "capacity unavailable")
    arn = bedrock.create_custom_model_deployment(modelDeploymentName="bad", modelArn=model_arn)[
        "customModelDeploymentArn"
    ]
    deployment = bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["status"] == "Failed"
    assert deployment["failureMessage"] == "capacity unavailable"
    good = bedrock.create_custom_model_deployment(modelDeploymentName="good", modelArn=model_arn)
    assert bedrock.get_custom_model_deployment(
        customModelDeploymentIdentifier=good["customModelDeploymentArn"]
    )["status"] == "Active"


def test_update_swaps_the_model(bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str) -> None:
    other = bedrock_emulator.seed_custom_model("tuned-haiku-2", HAIKU)
    arn = bedrock.create_custom_model_deployment(modelDeploymentName="chat", modelArn=model_arn)[
        "customModelDeploymentArn"
    ]
    bedrock_emulator.set_durations(custom_model_deployment_update=60)
    assert bedrock.update_custom_model_deployment(customModelDeploymentIdentifier=arn, modelArn=other)[
        "customModelDeploymentArn"
    ] == arn
    deployment = bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["updateDetails"] == {"modelArn": other, "updateStatus": "Updating"}
    assert deployment["modelArn"] == model_arn and deployment["status"] == "Active"
    with pytest.raises(ClientError) as excinfo:
        bedrock.update_custom_model_deployment(customModelDeploymentIdentifier=arn, modelArn=model_arn)
    assert error_code(excinfo) == "ValidationException"
    bedrock_emulator.advance(60)
    deployment = bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["updateDetails"] == {"modelArn": other, "updateStatus": "UpdateCompleted"}
    assert deployment["modelArn"] == other


def test_failed_update_keeps_the_old_model(bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str) -> None:
    other = bedrock_emulator.seed_custom_model("tuned-haiku-2", HAIKU)
    arn = bedrock.create_custom_model_deployment(modelDeploymentName="chat", modelArn=model_arn)[
        "customModelDeploymentArn"
    ]
    bedrock_emulator.fail_next("UpdateCustomModelDeployment", "update broke")
    bedrock.update_custom_model_deployment(customModelDeploymentIdentifier="chat", modelArn=other)
    deployment = bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["updateDetails"] == {"modelArn": other, "updateStatus": "UpdateFailed"}
    assert deployment["modelArn"] == model_arn
    assert deployment["failureMessage"] == "update broke"


@pytest.mark.parametrize("status", ["Creating", "Failed"])
def test_model_must_be_an_active_custom_model(bedrock: Any, bedrock_emulator: BedrockEmulator, status: str) -> None:
    inactive = bedrock_emulator.seed_custom_model("not-ready", HAIKU, status=status)
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=inactive)
    assert error_code(excinfo) == "ValidationException"


def test_model_arn_must_name_an_existing_custom_model(bedrock: Any, model_arn: str) -> None:
    missing = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/{HAIKU}/abcdefabcdef"
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=missing)
    assert error_code(excinfo) == "ValidationException"
    arn = bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=model_arn)[
        "customModelDeploymentArn"
    ]
    with pytest.raises(ClientError) as excinfo:
        bedrock.update_custom_model_deployment(customModelDeploymentIdentifier=arn, modelArn=missing)
    assert error_code(excinfo) == "ValidationException"


def test_names_unique_and_idempotency(bedrock: Any, model_arn: str) -> None:
    first = bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=model_arn, clientRequestToken="t1")
    again = bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=model_arn, clientRequestToken="t1")
    assert first["customModelDeploymentArn"] == again["customModelDeploymentArn"]
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=model_arn)
    assert error_code(excinfo) == "ConflictException"
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_custom_model_deployment(
            modelDeploymentName="d2", modelArn=model_arn, clientRequestToken="t1"
        )
    assert error_code(excinfo) == "ValidationException"
    assert len(bedrock.list_custom_model_deployments()["modelDeploymentSummaries"]) == 1


def test_too_many_tags(bedrock: Any, model_arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_custom_model_deployment(
            modelDeploymentName="d", modelArn=model_arn, tags=[{"key": f"k{i}", "value": ""} for i in range(51)]
        )
    assert error_code(excinfo) == "TooManyTagsException"


def test_list_filters_and_paginates(bedrock: Any, bedrock_emulator: BedrockEmulator, model_arn: str) -> None:
    for index in range(3):
        bedrock.create_custom_model_deployment(modelDeploymentName=f"dep-{index}", modelArn=model_arn)
        bedrock_emulator.advance(1)
    bedrock_emulator.fail_next("CreateCustomModelDeployment")
    bedrock.create_custom_model_deployment(modelDeploymentName="broken", modelArn=model_arn)
    newest_first = [s["customModelDeploymentName"] for s in bedrock.list_custom_model_deployments()["modelDeploymentSummaries"]]
    assert newest_first == ["broken", "dep-2", "dep-1", "dep-0"]
    ascending = bedrock.list_custom_model_deployments(sortBy="CreationTime", sortOrder="Ascending")
    assert [s["customModelDeploymentName"] for s in ascending["modelDeploymentSummaries"]] == newest_first[::-1]
    failed = bedrock.list_custom_model_deployments(statusEquals="Failed")["modelDeploymentSummaries"]
    assert [s["customModelDeploymentName"] for s in failed] == ["broken"]
    assert len(bedrock.list_custom_model_deployments(nameContains="dep-")["modelDeploymentSummaries"]) == 3
    page = bedrock.list_custom_model_deployments(maxResults=3)
    rest = bedrock.list_custom_model_deployments(maxResults=3, nextToken=page["nextToken"])
    assert len(page["modelDeploymentSummaries"]) == 3 and len(rest["modelDeploymentSummaries"]) == 1
    assert "nextToken" not in rest


def test_delete_by_name_and_arn(bedrock: Any, model_arn: str) -> None:
    a = bedrock.create_custom_model_deployment(modelDeploymentName="a", modelArn=model_arn)["customModelDeploymentArn"]
    bedrock.create_custom_model_deployment(modelDeploymentName="b", modelArn=model_arn)
    bedrock.delete_custom_model_deployment(customModelDeploymentIdentifier=a)
    bedrock.delete_custom_model_deployment(customModelDeploymentIdentifier="b")
    assert bedrock.list_custom_model_deployments()["modelDeploymentSummaries"] == []
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=a)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        bedrock.list_tags_for_resource(resourceARN=a)
    assert error_code(excinfo) == "ResourceNotFoundException"
