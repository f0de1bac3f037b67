from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import (
    FOUNDATION_MODELS,
    IDEMPOTENCY_MISMATCH_MESSAGE,
    SYSTEM_INFERENCE_PROFILES,
    BedrockEmulator,
)

ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_V2 = "anthropic.claude-3-5-sonnet-20241022-v2:0"

SYSTEM_US_SONNET = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{SONNET_V2}"
HAIKU_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def error_message(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Message"]


def test_create_from_foundation_model_and_get_by_id_and_arn(bedrock: Any) -> None:
    arn = bedrock.create_inference_profile(
        inferenceProfileName="chat-app", description="for chat", modelSource={"copyFrom": HAIKU_ARN}
    )["inferenceProfileArn"]
    assert re.fullmatch(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/[a-z0-9]{{12}}", arn)
    profile_id = arn.rsplit("/", 1)[1]
    by_arn = bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    by_id = bedrock.get_inference_profile(inferenceProfileIdentifier=profile_id)
    for profile in (by_arn, by_id):
        assert profile["inferenceProfileArn"] == arn
        assert profile["inferenceProfileId"] == profile_id
        assert profile["inferenceProfileName"] == "chat-app"
        assert profile["description"] == "for chat"
        assert profile["type"] == "APPLICATION"
        assert profile["status"] == "ACTIVE"
        assert profile["models"] == [{"modelArn": HAIKU_ARN}]
        assert profile["createdAt"].tzinfo is not None


def test_create_from_system_profile_copies_all_its_models(bedrock: Any) -> None:
    arn = bedrock.create_inference_profile(
        inferenceProfileName="cross-region", modelSource={"copyFrom": SYSTEM_US_SONNET}
    )["inferenceProfileArn"]
    models = [m["modelArn"] for m in bedrock.get_inference_profile(inferenceProfileIdentifier=arn)["models"]]
    assert models == [
        f"arn:aws:bedrock:{region}::foundation-model/{SONNET_V2}" for region in ("us-east-1", "us-east-2", "us-west-2")
    ]


def test_system_profile_get_by_id_and_arn(bedrock: Any) -> None:
    profile = bedrock.get_inference_profile(inferenceProfileIdentifier=f"us.{SONNET_V2}")
    assert profile["inferenceProfileArn"] == SYSTEM_US_SONNET
    assert profile["type"] == "SYSTEM_DEFINED"
    assert bedrock.get_inference_profile(inferenceProfileIdentifier=SYSTEM_US_SONNET)["inferenceProfileId"] == (
        f"us.{SONNET_V2}"
    )


def test_system_profiles_follow_the_region_geography(bedrock_emulator: BedrockEmulator) -> None:
    eu = bedrock_emulator.client(region="eu-west-1")
    ids = {p["inferenceProfileId"] for p in eu.list_inference_profiles()["inferenceProfileSummaries"]}
    assert f"eu.{HAIKU}" in ids and "global.anthropic.claude-sonnet-4-20250514-v1:0" in ids
    assert not any(i.startswith(("us.", "apac.")) for i in ids)
    profile = eu.get_inference_profile(inferenceProfileIdentifier=f"eu.{HAIKU}")
    assert profile["inferenceProfileArn"] == f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:inference-profile/eu.{HAIKU}"
    assert {m["modelArn"].split(":")[3] for m in profile["models"]} == {"eu-central-1", "eu-west-1", "eu-west-3"}


def test_list_defaults_to_system_defined_and_filters_by_type(bedrock: Any) -> None:
    bedrock.create_inference_profile(inferenceProfileName="mine", modelSource={"copyFrom": HAIKU_ARN})
    default = bedrock.list_inference_profiles()["inferenceProfileSummaries"]
    assert default and {p["type"] for p in default} == {"SYSTEM_DEFINED"}
    expected = {p for p, s in SYSTEM_INFERENCE_PROFILES.items() if s.geography.offered_in("us-east-1")}
    assert {p["inferenceProfileId"] for p in default} == expected
    application = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert [p["inferenceProfileName"] for p in application] == ["mine"]


def test_list_paginates(bedrock: Any) -> None:
    for index in range(5):
        bedrock.create_inference_profile(inferenceProfileName=f"p{index}", modelSource={"copyFrom": HAIKU_ARN})
    names, token, pages = [], None, 0
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = bedrock.list_inference_profiles(typeEquals="APPLICATION", maxResults=2, **kwargs)
        pages += 1
        assert len(page["inferenceProfileSummaries"]) <= 2
        names += [p["inferenceProfileName"] for p in page["inferenceProfileSummaries"]]
        token = page.get("nextToken")
        if not token:
            break
    assert pages == 3
    assert sorted(names) == [f"p{i}" for i in range(5)]
    paginator = bedrock.get_paginator("list_inference_profiles")
    all_system = [p for page in paginator.paginate(PaginationConfig={"PageSize": 3}) for p in page["inferenceProfileSummaries"]]
    assert len(all_system) == len(bedrock.list_inference_profiles()["inferenceProfileSummaries"])


def test_invalid_next_token_is_a_validation_error(bedrock: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.list_inference_profiles(nextToken="bogus")
    assert error_code(excinfo) == "ValidationException"


def test_delete_by_id_then_not_found(bedrock: Any) -> None:
    arn = bedrock.create_inference_profile(inferenceProfileName="gone", modelSource={"copyFrom": HAIKU_ARN})[
        "inferenceProfileArn"
    ]
    bedrock.delete_inference_profile(inferenceProfileIdentifier=arn.rsplit("/", 1)[1])
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    assert error_code(excinfo) == "ResourceNotFoundException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as excinfo:
        bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_system_profile_cannot_be_deleted(bedrock: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.delete_inference_profile(inferenceProfileIdentifier=SYSTEM_US_SONNET)
    assert error_code(excinfo) == "ValidationException"


@pytest.mark.parametrize(
    "copy_from",
    [
        "arn:aws:bedrock:us-east-1::foundation-model/acme.unknown-model-v1:0",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.acme.unknown-v1:0",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/eu.{HAIKU}",
    ],
)
def test_copy_from_must_exist(bedrock: Any, copy_from: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(inferenceProfileName="x", modelSource={"copyFrom": copy_from})
    assert error_code(excinfo) == "ValidationException"
    assert "modelSource.copyFrom" in error_message(excinfo) and copy_from in error_message(excinfo)


def test_names_are_unique_per_region(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    bedrock.create_inference_profile(inferenceProfileName="dup", modelSource={"copyFrom": HAIKU_ARN})
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(inferenceProfileName="dup", modelSource={"copyFrom": HAIKU_ARN})
    assert error_code(excinfo) == "ConflictException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    west = bedrock_emulator.client(region="us-west-2")
    west_haiku = f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU}"
    arn = west.create_inference_profile(inferenceProfileName="dup", modelSource={"copyFrom": west_haiku})[
        "inferenceProfileArn"
    ]
    assert arn.startswith(f"arn:aws:bedrock:us-west-2:{ACCOUNT}:application-inference-profile/")


def test_client_request_token_idempotency(bedrock: Any) -> None:
    request = {"inferenceProfileName": "idem", "modelSource": {"copyFrom": HAIKU_ARN}, "clientRequestToken": "tok-1"}
    first = bedrock.create_inference_profile(**request)["inferenceProfileArn"]
    second = bedrock.create_inference_profile(**request)["inferenceProfileArn"]
    assert first == second
    assert len(bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]) == 1
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(**{**request, "description": "different"})
    assert error_code(excinfo) == "ValidationException"
    assert error_message(excinfo) == IDEMPOTENCY_MISMATCH_MESSAGE


def test_validation_message_is_worded_like_the_service(bedrock: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(inferenceProfileName="x y!", modelSource={"copyFrom": HAIKU_ARN})
    assert error_code(excinfo) == "ValidationException"
    assert error_message(excinfo) == (
        "1 validation error detected: Value 'x y!' at 'inferenceProfileName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+"
    )


def test_validation_reports_every_violation(bedrock: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(
            inferenceProfileName="n" * 65, modelSource={"copyFrom": "not-an-arn"}, clientRequestToken="-bad"
        )
    message = error_message(excinfo)
    assert message.startswith("3 validation errors detected: ")
    assert "at 'inferenceProfileName' failed to satisfy constraint: Member must have length less than or equal to 64" in message
    assert "Value 'not-an-arn' at 'modelSource.copyFrom'" in message
    assert "Value '-bad' at 'clientRequestToken'" in message


def test_list_max_results_range_is_validated(bedrock: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        bedrock.list_inference_profiles(maxResults=1001)
    assert error_message(excinfo) == (
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000"
    )


def test_tags_on_create_and_tag_untag(bedrock: Any) -> None:
    arn = bedrock.create_inference_profile(
        inferenceProfileName="tagged", modelSource={"copyFrom": HAIKU_ARN}, tags=[{"key": "team", "value": "ml"}]
    )["inferenceProfileArn"]
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "team", "value": "ml"}]
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": "env", "value": "dev"}, {"key": "team", "value": "ai"}])
    tags = {t["key"]: t["value"] for t in bedrock.list_tags_for_resource(resourceARN=arn)["tags"]}
    assert tags == {"team": "ai", "env": "dev"}
    bedrock.untag_resource(resourceARN=arn, tagKeys=["team"])
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "env", "value": "dev"}]


def test_at_most_50_tags(bedrock: Any) -> None:
    tags = [{"key": f"k{i}", "value": "v"} for i in range(51)]
    with pytest.raises(ClientError) as excinfo:
        bedrock.create_inference_profile(inferenceProfileName="many", modelSource={"copyFrom": HAIKU_ARN}, tags=tags)
    assert error_code(excinfo) == "TooManyTagsException"
    assert bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    arn = bedrock.create_inference_profile(
        inferenceProfileName="many", modelSource={"copyFrom": HAIKU_ARN}, tags=tags[:50]
    )["inferenceProfileArn"]
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": "k0", "value": "overwrite"}])
    with pytest.raises(ClientError) as excinfo:
        bedrock.tag_resource(resourceARN=arn, tags=[{"key": "k50", "value": "v"}])
    assert error_code(excinfo) == "TooManyTagsException"
    assert len(bedrock.list_tags_for_resource(resourceARN=arn)["tags"]) == 50


def test_system_profiles_reject_tag_operations(bedrock: Any) -> None:
    for call in (
        lambda: bedrock.list_tags_for_resource(resourceARN=SYSTEM_US_SONNET),
        lambda: bedrock.tag_resource(resourceARN=SYSTEM_US_SONNET, tags=[{"key": "a", "value": "b"}]),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ValidationException"


def test_unknown_arn_is_not_found_for_tags(bedrock: Any) -> None:
    unknown = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abcdefabcdef"
    with pytest.raises(ClientError) as excinfo:
        bedrock.list_tags_for_resource(resourceARN=unknown)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_foundation_models(bedrock: Any) -> None:
    summaries = bedrock.list_foundation_models()["modelSummaries"]
    assert {m["modelId"] for m in summaries} == set(FOUNDATION_MODELS)
    anthropic = bedrock.list_foundation_models(byProvider="Anthropic")["modelSummaries"]
    assert anthropic and all(m["providerName"] == "Anthropic" for m in anthropic)
    embeddings = bedrock.list_foundation_models(byOutputModality="EMBEDDING")["modelSummaries"]
    assert "amazon.titan-embed-text-v2:0" in {m["modelId"] for m in embeddings}
    assert HAIKU in {m["modelId"] for m in bedrock.list_foundation_models(byCustomizationType="FINE_TUNING")["modelSummaries"]}
    details = bedrock.get_foundation_model(modelIdentifier=HAIKU)["modelDetails"]
    assert details["modelArn"] == HAIKU_ARN
    assert details["inferenceTypesSupported"] == ["ON_DEMAND", "PROVISIONED"]
    assert details["modelLifecycle"]["status"] == "ACTIVE"
    assert bedrock.get_foundation_model(modelIdentifier=HAIKU_ARN)["modelDetails"]["modelId"] == HAIKU
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_foundation_model(modelIdentifier="acme.nothing-v1:0")
    assert error_code(excinfo) == "ResourceNotFoundException"
