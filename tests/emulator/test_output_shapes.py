"""Every response body the emulator produces validates against botocore's output shape."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.emulator.validation import validate_output

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
ACCOUNT = "123456789012"


@pytest.fixture
def recorded(bedrock: Any) -> list[tuple[str, int, Any]]:
    """(operation, status, decoded body) of every successful response ``bedrock`` receives."""
    responses: list[tuple[str, int, Any]] = []

    def record(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        if response_dict["status_code"] < 300:
            body = response_dict["body"]
            responses.append((operation_model.name, response_dict["status_code"], json.loads(body) if body else {}))

    bedrock.meta.events.register("before-parse.bedrock.*", record)
    return responses


def drive_every_operation(bedrock: Any, emulator: BedrockEmulator) -> None:
    emulator.set_durations(60)
    haiku_arn = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
    bedrock.list_foundation_models()
    bedrock.get_foundation_model(modelIdentifier=HAIKU)
    profile = bedrock.create_inference_profile(
        inferenceProfileName="p", description="d", modelSource={"copyFrom": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{HAIKU}"},
        tags=[{"key": "k", "value": "v"}],
    )["inferenceProfileArn"]
    bedrock.get_inference_profile(inferenceProfileIdentifier=profile)
    bedrock.get_inference_profile(inferenceProfileIdentifier=f"us.{HAIKU}")
    bedrock.list_inference_profiles(maxResults=3)
    bedrock.list_inference_profiles(typeEquals="APPLICATION")
    bedrock.tag_resource(resourceARN=profile, tags=[{"key": "a", "value": ""}])
    bedrock.list_tags_for_resource(resourceARN=profile)
    bedrock.untag_resource(resourceARN=profile, tagKeys=["a"])

    job = bedrock.create_model_customization_job(
        jobName="job", customModelName="from-job", roleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
        baseModelIdentifier=HAIKU, trainingDataConfig={"s3Uri": "s3://bucket/train"}, outputDataConfig={"s3Uri": "s3://bucket/out"},
        hyperParameters={"epochCount": "1"},
    )["jobArn"]
    bedrock.get_model_customization_job(jobIdentifier=job)
    model = emulator.seed_custom_model("seeded", HAIKU)
    other = emulator.seed_custom_model("seeded-2", HAIKU)
    bedrock.get_custom_model(modelIdentifier=model)
    bedrock.list_custom_models()

    emulator.fail_next("CreateCustomModelDeployment", "boom")
    failed = bedrock.create_custom_model_deployment(modelDeploymentName="failed", modelArn=model)
    deployment = bedrock.create_custom_model_deployment(modelDeploymentName="dep", modelArn=model, description="x")[
        "customModelDeploymentArn"
    ]
    bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=deployment)  # Creating
    bedrock.list_custom_model_deployments()
    emulator.advance(60)
    bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=failed["customModelDeploymentArn"])
    bedrock.update_custom_model_deployment(customModelDeploymentIdentifier=deployment, modelArn=other)
    bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=deployment)  # Updating
    emulator.advance(60)
    bedrock.get_custom_model_deployment(customModelDeploymentIdentifier=deployment)  # UpdateCompleted
    bedrock.list_custom_model_deployments(maxResults=1)

    throughput = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId=model, commitmentDuration="OneMonth"
    )["provisionedModelArn"]
    bedrock.get_provisioned_model_throughput(provisionedModelId=throughput)  # Creating
    emulator.advance(60)
    bedrock.update_provisioned_model_throughput(provisionedModelId=throughput, desiredModelId=other)
    bedrock.get_provisioned_model_throughput(provisionedModelId=throughput)  # Updating
    bedrock.list_provisioned_model_throughputs()
    emulator.advance(60 * 86400)
    bedrock.delete_provisioned_model_throughput(provisionedModelId=throughput)
    basic = bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="b", modelId=haiku_arn)
    bedrock.list_provisioned_model_throughputs(maxResults=1)

    bedrock.delete_custom_model_deployment(customModelDeploymentIdentifier=deployment)
    bedrock.delete_provisioned_model_throughput(provisionedModelId=basic["provisionedModelArn"])
    bedrock.delete_inference_profile(inferenceProfileIdentifier=profile)
    bedrock.delete_custom_model(modelIdentifier="from-job")


def test_every_response_matches_the_output_shape(
    bedrock: Any, bedrock_emulator: BedrockEmulator, recorded: list[tuple[str, int, Any]]
) -> None:
    drive_every_operation(bedrock, bedrock_emulator)
    service = botocore.session.get_session().get_service_model("bedrock")
    assert {op for op, _, _ in recorded} >= {
        "ListFoundationModels", "GetFoundationModel",
        "CreateInferenceProfile", "GetInferenceProfile", "ListInferenceProfiles", "DeleteInferenceProfile",
        "CreateCustomModelDeployment", "GetCustomModelDeployment", "ListCustomModelDeployments",
        "UpdateCustomModelDeployment", "DeleteCustomModelDeployment",
        "CreateProvisionedModelThroughput", "GetProvisionedModelThroughput", "ListProvisionedModelThroughputs",
        "UpdateProvisionedModelThroughput", "DeleteProvisionedModelThroughput",
        "TagResource", "UntagResource", "ListTagsForResource",
        "CreateModelCustomizationJob", "GetModelCustomizationJob", "GetCustomModel", "ListCustomModels",
        "DeleteCustomModel",
    }
    problems = []
    for operation, status, body in recorded:
        model = service.operation_model(operation)
        if status != model.http.get("responseCode", 200) and operation != "CreateModelCustomizationJob":
            problems.append(f"{operation}: status {status}, modelled {model.http.get('responseCode')}")
        problems += [f"{operation}: {error}" for error in validate_output(model.output_shape, body)]
    assert problems == [], "\n".join(problems)


def test_output_validator_catches_shape_violations() -> None:
    service = botocore.session.get_session().get_service_model("bedrock")
    shape = service.operation_model("GetCustomModelDeployment").output_shape
    body = {
        "customModelDeploymentArn": "arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/UPPER",
        "modelDeploymentName": "d",
        "modelArn": f"arn:aws:bedrock:us-east-1:123456789012:custom-model/{HAIKU}/abcdefabcdef",
        "createdAt": 1700000000,
        "status": "Running",
        "extra": 1,
    }
    errors = validate_output(shape, body)
    assert any("'customModelDeploymentArn'" in e and "regular expression" in e for e in errors)
    assert any("'createdAt'" in e and "ISO-8601" in e for e in errors)
    assert any("'status'" in e and "enum value set: [Creating, Active, Failed]" in e for e in errors)
    assert any("'extra'" in e for e in errors)
    del body["createdAt"]
    assert any("Value null at 'createdAt'" in e for e in validate_output(shape, body))
