from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
NOVA_PRO = "amazon.nova-pro-v1:0"


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_create_goes_from_creating_to_in_service(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.set_durations(provisioned_throughput_create=300)
    arn = bedrock.create_provisioned_model_throughput(modelUnits=2, provisionedModelName="pt", modelId=NOVA_PRO)[
        "provisionedModelArn"
    ]
    assert re.fullmatch(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/[a-z0-9]{{12}}", arn)
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId=arn)
    nova_arn = f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA_PRO}"
    assert throughput["status"] == "Creating"
    assert throughput["modelArn"] == throughput["desiredModelArn"] == throughput["foundationModelArn"] == nova_arn
    assert throughput["modelUnits"] == throughput["desiredModelUnits"] == 2
    assert "commitmentDuration" not in throughput and "commitmentExpirationTime" not in throughput
    bedrock_emulator.advance(300)
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId="pt")
    assert throughput["status"] == "InService"
    assert throughput["lastModifiedTime"] > throughput["creationTime"]
    bedrock.delete_provisioned_model_throughput(provisionedModelId="pt")
    assert bedrock.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []


def test_forced_create_failure(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.fail_next("CreateProvisionedModelThroughput", "insufficient capacity")
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=NOVA_PRO)
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId="pt")
    assert throughput["status"] == "Failed" and throughput["failureMessage"] == "insufficient capacity"


@pytest.mark.parametrize("form", ["name", "arn"])
def test_custom_model_by_name_or_arn(bedrock: Any, bedrock_emulator: BedrockEmulator, form: str) -> None:
    model_arn = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId="tuned" if form == "name" else model_arn
    )
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId="pt")
    assert throughput["modelArn"] == model_arn and throughput["foundationModelArn"] == HAIKU_ARN


def test_foundation_model_by_arn_and_unknown_models(bedrock: Any) -> None:
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=HAIKU_ARN)
    assert bedrock.get_provisioned_model_throughput(provisionedModelId="pt")["modelArn"] == HAIKU_ARN
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="x", modelId="no-such-model")
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:  # on-demand only
        bedrock.create_provisioned_model_throughput(
            modelUnits=1, provisionedModelName="x", modelId="anthropic.claude-3-7-sonnet-20250219-v1:0"
        )
    assert error_code(excinfo) == "ValidationException"


def test_update_changes_name_and_model_through_updating(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    first = bedrock_emulator.seed_custom_model("tuned-1", HAIKU)
    second = bedrock_emulator.seed_custom_model("tuned-2", HAIKU)
    arn = bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=first)[
        "provisionedModelArn"
    ]
    bedrock_emulator.set_durations(provisioned_throughput_update=120)
    bedrock.update_provisioned_model_throughput(
        provisionedModelId="pt", desiredProvisionedModelName="pt-renamed", desiredModelId=second
    )
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId=arn)
    assert throughput["status"] == "Updating"
    assert throughput["provisionedModelName"] == "pt-renamed"
    assert throughput["modelArn"] == first and throughput["desiredModelArn"] == second
    with pytest.raises(ClientError) as excinfo:
        bedrock.update_provisioned_model_throughput(provisionedModelId=arn, desiredModelId=first)
    assert error_code(excinfo) == "ValidationException"
    bedrock_emulator.advance(120)
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId="pt-renamed")
    assert throughput["status"] == "InService" and throughput["modelArn"] == second
    bedrock.update_provisioned_model_throughput(provisionedModelId=arn, desiredModelId=HAIKU)  # back to the base
    bedrock_emulator.advance(120)
    assert bedrock.get_provisioned_model_throughput(provisionedModelId=arn)["modelArn"] == HAIKU_ARN


def test_forced_update_failure(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    first = bedrock_emulator.seed_custom_model("tuned-1", HAIKU)
    second = bedrock_emulator.seed_custom_model("tuned-2", HAIKU)
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=first)
    bedrock_emulator.fail_next("UpdateProvisionedModelThroughput", "swap failed")
    bedrock.update_provisioned_model_throughput(provisionedModelId="pt", desiredModelId=second)
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId="pt")
    assert throughput["status"] == "Failed" and throughput["failureMessage"] == "swap failed"
    assert throughput["modelArn"] == first


def test_update_rules(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    other_base = bedrock_emulator.seed_custom_model("tuned-nova", NOVA_PRO)
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="base", modelId=HAIKU)
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="other", modelId=HAIKU)
    with pytest.raises(ClientError) as excinfo:  # base-model throughput cannot change model
        bedrock.update_provisioned_model_throughput(provisionedModelId="base", desiredModelId=other_base)
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        bedrock.update_provisioned_model_throughput(provisionedModelId="base", desiredProvisionedModelName="other")
    assert error_code(excinfo) == "ConflictException"
    custom = bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU)
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="custom", modelId=custom)
    with pytest.raises(ClientError) as excinfo:  # different base model
        bedrock.update_provisioned_model_throughput(provisionedModelId="custom", desiredModelId=other_base)
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        bedrock.update_provisioned_model_throughput(provisionedModelId="missing")
    assert error_code(excinfo) == "ResourceNotFoundException"


@pytest.mark.parametrize(("term", "months"), [("OneMonth", 1), ("SixMonths", 6)])
def test_commitment_blocks_delete_until_it_expires(
    bedrock: Any, bedrock_emulator: BedrockEmulator, term: str, months: int
) -> None:
    arn = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="committed", modelId=NOVA_PRO, commitmentDuration=term
    )["provisionedModelArn"]
    throughput = bedrock.get_provisioned_model_throughput(provisionedModelId=arn)
    assert throughput["commitmentDuration"] == term
    term_length = throughput["commitmentExpirationTime"] - throughput["creationTime"]
    assert timedelta(days=28 * months) <= term_length <= timedelta(days=31 * months)
    with pytest.raises(ClientError) as excinfo:
        bedrock.delete_provisioned_model_throughput(provisionedModelId=arn)
    assert error_code(excinfo) == "ValidationException"
    assert "commitment" in excinfo.value.response["Error"]["Message"]
    assert throughput["commitmentExpirationTime"].strftime("%Y-%m-%dT%H:%M:%S") in excinfo.value.response["Error"]["Message"]
    bedrock_emulator.advance(term_length.total_seconds() + 1)
    bedrock.delete_provisioned_model_throughput(provisionedModelId=arn)
    assert bedrock.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []


def test_names_unique_idempotency_and_tags(bedrock: Any) -> None:
    request = {"modelUnits": 1, "provisionedModelName": "pt", "modelId": NOVA_PRO, "clientRequestToken": "abc"}
    first = bedrock.create_provisioned_model_throughput(**request)["provisionedModelArn"]
    assert bedrock.create_provisioned_model_throughput(**request)["provisionedModelArn"] == first
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_provisioned_model_throughput(**{**request, "modelUnits": 2})
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=NOVA_PRO)
    assert error_code(excinfo) == "ConflictException"
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_provisioned_model_throughput(
            modelUnits=1, provisionedModelName="tagged", modelId=NOVA_PRO,
            tags=[{"key": f"k{i}", "value": "v"} for i in range(51)],
        )
    assert error_code(excinfo) == "TooManyTagsException"
    bedrock.tag_resource(resourceARN=first, tags=[{"key": "cost", "value": "ml"}])
    assert bedrock.list_tags_for_resource(resourceARN=first)["tags"] == [{"key": "cost", "value": "ml"}]


def test_model_units_must_be_positive(bedrock_emulator: BedrockEmulator) -> None:
    unchecked = bedrock_emulator.client(parameter_validation=False)  # botocore itself checks the minimum
    with pytest.raises(ClientError) as excinfo:
        unchecked.create_provisioned_model_throughput(modelUnits=0, provisionedModelName="pt", modelId=NOVA_PRO)
    assert excinfo.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '0' at 'modelUnits' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_list_filters_sorts_and_paginates(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    for index in range(4):
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName=f"pt-{index}", modelId=NOVA_PRO)
        bedrock_emulator.advance(1)
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="haiku", modelId=HAIKU)
    names = [s["provisionedModelName"] for s in bedrock.list_provisioned_model_throughputs()["provisionedModelSummaries"]]
    assert names == ["haiku", "pt-3", "pt-2", "pt-1", "pt-0"]
    by_model = bedrock.list_provisioned_model_throughputs(modelArnEquals=HAIKU_ARN)["provisionedModelSummaries"]
    assert [s["provisionedModelName"] for s in by_model] == ["haiku"]
    assert len(bedrock.list_provisioned_model_throughputs(nameContains="pt-")["provisionedModelSummaries"]) == 4
    assert len(bedrock.list_provisioned_model_throughputs(statusEquals="InService")["provisionedModelSummaries"]) == 5
    paginator = bedrock.get_paginator("list_provisioned_model_throughputs")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["provisionedModelSummaries"]) for p in pages] == [2, 2, 1]
    assert [s["provisionedModelName"] for p in pages for s in p["provisionedModelSummaries"]] == names
