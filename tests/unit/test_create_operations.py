"""Each resource's create operation (providers/tokens.py ``CreateOperation``): the call it sends with
the client token, and how it finds the resource holding the name when a create seemed to answer
with a deleted one (read-after-create lag), so no resource is created twice."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from pulumi_bedrock_inference.providers import custom_model_deployment, inference_profile, provisioned_throughput
from pulumi_bedrock_inference.providers.errors import ConflictError
from pulumi_bedrock_inference.providers.tokens import create_with_token

ACCOUNT = "123456789012"
PROFILE_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abc123"
DEPLOYMENT_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model-deployment/abc123"
THROUGHPUT_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/abc123"
MODEL = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"
CUSTOM_MODEL = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/imported/abcdef123456"


def profile() -> dict[str, Any]:
    return {
        "inferenceProfileName": "p", "inferenceProfileArn": PROFILE_ARN, "inferenceProfileId": "abc123",
        "models": [{"modelArn": MODEL}], "status": "ACTIVE", "type": "APPLICATION",
    }


def deployment() -> dict[str, Any]:
    return {
        "customModelDeploymentArn": DEPLOYMENT_ARN, "modelDeploymentName": "d", "modelArn": CUSTOM_MODEL,
        "createdAt": "2026-01-01T00:00:00Z", "status": "Creating",
    }


def throughput() -> dict[str, Any]:
    return {
        "modelUnits": 1, "desiredModelUnits": 1, "provisionedModelName": "t", "provisionedModelArn": THROUGHPUT_ARN,
        "modelArn": MODEL, "desiredModelArn": MODEL, "foundationModelArn": MODEL, "status": "Creating",
        "creationTime": "2026-01-01T00:00:00Z", "lastModifiedTime": "2026-01-01T00:00:00Z",
    }


CASES = {
    "profile": (
        inference_profile.CREATE, {"inferenceProfileName": "p", "modelSource": {"copyFrom": MODEL}}, PROFILE_ARN,
        "get_inference_profile", "list_inference_profiles", {"inferenceProfileSummaries": [profile()]},
    ),
    "deployment": (
        custom_model_deployment.CREATE, {"modelDeploymentName": "d", "modelArn": CUSTOM_MODEL}, DEPLOYMENT_ARN,
        "get_custom_model_deployment", "get_custom_model_deployment", deployment(),
    ),
    "throughput": (
        provisioned_throughput.CREATE, {"provisionedModelName": "t", "modelId": MODEL, "modelUnits": 1}, THROUGHPUT_ARN,
        "get_provisioned_model_throughput", "get_provisioned_model_throughput", throughput(),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_resource_not_yet_readable_after_its_create_is_found_by_name_not_created_twice(stubbed: Stubber, case: str) -> None:
    operation, request, arn, describe, by_name, holder = CASES[case]
    stubbed.add_response(operation.method, {operation.arn_key: arn}, {**request, "clientRequestToken": "t0"})
    stubbed.add_client_error(describe, "ResourceNotFoundException", "not yet", 404)
    stubbed.add_client_error(operation.method, "ConflictException", "name taken", 409, expected_params={**request, "clientRequestToken": ANY})
    stubbed.add_response(by_name, holder, None)
    assert create_with_token("t0", operation.call(stubbed.client, request, "label")) == (arn, None)  # type: ignore[attr-defined]
    stubbed.assert_no_pending_responses()


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_name_held_by_another_resource_is_a_conflict(stubbed: Stubber, case: str) -> None:
    operation, request, arn, describe, by_name, _holder = CASES[case]
    stubbed.add_response(operation.method, {operation.arn_key: arn}, None)
    stubbed.add_client_error(describe, "ResourceNotFoundException", "gone", 404)
    stubbed.add_client_error(operation.method, "ConflictException", "name taken", 409)
    if by_name == describe:
        stubbed.add_client_error(by_name, "ResourceNotFoundException", "none", 404)
    else:
        stubbed.add_response(by_name, {"inferenceProfileSummaries": []}, None)
    with pytest.raises(ConflictError, match="name taken"):
        create_with_token("t0", operation.call(stubbed.client, request, "label"))  # type: ignore[attr-defined]


def test_the_first_answer_is_the_resource_and_its_description(stubbed: Stubber) -> None:
    operation, request, arn, describe, _by_name, _holder = CASES["throughput"]
    stubbed.add_response(operation.method, {operation.arn_key: arn}, None)
    stubbed.add_response(describe, throughput(), {"provisionedModelId": arn})
    found_arn, first = create_with_token("t0", operation.call(stubbed.client, request, "label"))  # type: ignore[attr-defined]
    assert found_arn == arn and first["provisionedModelName"] == "t"
