"""Faults after the operation ran: the backend changed, then the response was lost.

This is the case client tokens exist for: the client cannot tell a lost response from a failed
request, retries, and only the token keeps the retry from creating a second resource.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.emulator.faults import FaultInjector

HAIKU_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"


def application_profiles(bedrock: Any) -> list[dict[str, Any]]:
    return bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]


def create_profile(bedrock: Any, name: str, **extra: Any) -> str:
    return bedrock.create_inference_profile(inferenceProfileName=name, modelSource={"copyFrom": HAIKU_ARN}, **extra)[
        "inferenceProfileArn"
    ]


def test_error_after_the_operation_changes_the_backend_and_loses_the_response(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    bedrock_emulator.error_next("CreateInferenceProfile", "InternalServerException", after=True)
    with pytest.raises(ClientError) as excinfo:
        create_profile(bedrock, "created-anyway", clientRequestToken="token-1")
    assert excinfo.value.response["Error"]["Code"] == "InternalServerException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert [p["inferenceProfileName"] for p in application_profiles(bedrock)] == ["created-anyway"]
    (logged,) = bedrock_emulator.requests("CreateInferenceProfile")
    assert (logged["status"], logged["error_code"], logged["fault"]) == (500, "InternalServerException", "after")
    assert logged["operation_status"] == 201 and logged["connection_reset"] is False


def test_error_before_the_operation_leaves_the_backend_unchanged(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    bedrock_emulator.error_next("CreateInferenceProfile", "InternalServerException")
    with pytest.raises(ClientError):
        create_profile(bedrock, "never-created")
    assert application_profiles(bedrock) == []
    (logged,) = bedrock_emulator.requests("CreateInferenceProfile")
    assert (logged["status"], logged["fault"], logged["operation_status"]) == (500, "before", None)


def test_dropped_response_is_a_connection_error_after_the_create_ran(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    bedrock_emulator.drop_response_next("CreateProvisionedModelThroughput")
    with pytest.raises(ConnectionClosedError):
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=NOVA_PRO)
    (throughput,) = bedrock.list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert throughput["provisionedModelName"] == "pt"
    (logged,) = bedrock_emulator.requests("CreateProvisionedModelThroughput")
    assert (logged["status"], logged["connection_reset"], logged["fault"]) == (0, True, "after")
    assert logged["operation_status"] == 201 and logged["error_code"] is None
    assert bedrock.get_provisioned_model_throughput(provisionedModelId="pt")["status"] == "InService"


def test_dropped_connection_before_the_operation_changes_nothing(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    bedrock_emulator.drop_response_next("CreateInferenceProfile", after=False)
    with pytest.raises(ConnectionClosedError):
        create_profile(bedrock, "never-created")
    assert application_profiles(bedrock) == []
    (logged,) = bedrock_emulator.requests("CreateInferenceProfile")
    assert (logged["status"], logged["connection_reset"], logged["fault"], logged["operation_status"]) == (
        0, True, "before", None,
    )


@pytest.mark.parametrize("fault", ["reset", "InternalServerException", "ServiceUnavailableException"])
def test_botocore_retry_resends_the_same_token_and_gets_the_resource_the_lost_call_created(
    bedrock_emulator: BedrockEmulator, fault: str
) -> None:
    retrying = bedrock_emulator.client(retries={"total_max_attempts": 3, "mode": "standard"})
    if fault == "reset":
        bedrock_emulator.drop_response_next("CreateInferenceProfile")
    else:
        bedrock_emulator.error_next("CreateInferenceProfile", fault, after=True)
    arn = create_profile(retrying, "once")  # botocore fills clientRequestToken once per call
    first, retry = bedrock_emulator.requests("CreateInferenceProfile")
    assert first["fault"] == "after" and first["operation_status"] == 201 and first["status"] != 201
    assert retry["fault"] is None and retry["status"] == 201
    assert first["params"]["clientRequestToken"] == retry["params"]["clientRequestToken"]
    assert [p["inferenceProfileArn"] for p in application_profiles(retrying)] == [arn]


def test_without_the_token_a_retry_after_a_lost_response_meets_its_own_resource(
    bedrock_emulator: BedrockEmulator,
) -> None:
    """What a client token prevents: a re-sent create with a fresh token finds its own name taken."""
    bedrock = bedrock_emulator.client(retries={"total_max_attempts": 1})
    bedrock_emulator.drop_response_next("CreateInferenceProfile")
    with pytest.raises(ConnectionClosedError):
        create_profile(bedrock, "taken", clientRequestToken="first-attempt")
    with pytest.raises(ClientError) as excinfo:
        create_profile(bedrock, "taken", clientRequestToken="second-attempt")
    assert excinfo.value.response["Error"]["Code"] == "ConflictException"
    assert len(application_profiles(bedrock)) == 1


def test_random_errors_after_the_operation(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.inject_errors(1.0, operations=["CreateInferenceProfile"], after=True)
    for index in range(3):
        with pytest.raises(ClientError) as excinfo:
            create_profile(bedrock, f"p{index}")
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert sorted(p["inferenceProfileName"] for p in application_profiles(bedrock)) == ["p0", "p1", "p2"]
    bedrock_emulator.inject_errors(1.0, operations=["CreateInferenceProfile"], after=True, reset=True)
    with pytest.raises(ConnectionClosedError):
        create_profile(bedrock, "p3")
    assert len(application_profiles(bedrock)) == 4
    assert bedrock_emulator.faults()["errors"] == {
        "rate": 1.0, "seed": 0, "operations": ["CreateInferenceProfile"], "after": True, "reset": True,
    }
    assert [r["fault"] for r in bedrock_emulator.requests("CreateInferenceProfile")] == ["after"] * 4
    bedrock_emulator.inject_errors(1.0, operations=["CreateInferenceProfile"], reset=True)
    with pytest.raises(ConnectionClosedError):
        create_profile(bedrock, "p4")
    assert len(application_profiles(bedrock)) == 4


def test_scripted_faults_queue_in_order_and_show_in_the_configuration(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    bedrock_emulator.error_next("DeleteInferenceProfile", "ThrottlingException")
    bedrock_emulator.drop_response_next("DeleteInferenceProfile")
    assert bedrock_emulator.faults()["nextErrors"]["DeleteInferenceProfile"] == [
        {"code": "ThrottlingException", "message": "Error ThrottlingException injected by the Bedrock emulator.",
         "status": None, "count": 1, "after": False, "reset": False},
        {"code": None, "message": "connection reset by the Bedrock emulator", "status": None, "count": 1,
         "after": True, "reset": True},
    ]
    arn = create_profile(bedrock, "doomed")
    with pytest.raises(ClientError):  # throttled: not deleted
        bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert len(application_profiles(bedrock)) == 1
    with pytest.raises(ConnectionClosedError):  # deleted, response lost
        bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert application_profiles(bedrock) == []
    with pytest.raises(ClientError) as excinfo:  # what a retry of the lost delete sees
        bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert bedrock_emulator.faults()["nextErrors"] == {}


def test_control_endpoint_rejects_a_zero_count(bedrock_emulator: BedrockEmulator) -> None:
    from pulumi_bedrock_inference.testing.emulator import EmulatorControlError

    with pytest.raises(EmulatorControlError, match="count must be at least 1"):
        bedrock_emulator.drop_response_next("CreateInferenceProfile", count=0)


def test_fault_for_keeps_its_meaning_for_callers_that_handle_only_errors_before() -> None:
    faults = FaultInjector()
    faults.error_next("Op", "ConflictException")
    faults.error_next("Op", "InternalServerException", after=True)
    before = faults.fault_for("Op")
    assert before is not None and before.error_type == "ConflictException" and before.code == 409
    assert faults.fault_for("Op") is None  # an after-fault is not an error before the operation
    assert faults.fault_for("Op") is None
