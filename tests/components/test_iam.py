"""invoke_policy_document against AWS's published IAM definitions (policy_sentry's database).

Every action must exist for Bedrock, every resource ARN must fit one of the resource types the
database lists for that action (formats turned into patterns, no wildcard allowed), and every
condition key must be one the action accepts on that resource type, with an operator fit for the
key's value type. The ARNs come from the emulator's catalogue, not from strings in this file.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest
from policy_sentry.querying.actions import get_action_data
from policy_sentry.querying.conditions import get_condition_key_details

from pulumi_bedrock_inference.components import invoke_policy_document
from pulumi_bedrock_inference.testing.emulator.catalogue import (
    FOUNDATION_MODELS,
    INFERENCE_PROFILE_GEOGRAPHIES,
    SystemInferenceProfile,
)

ACCOUNT = "123456789012"
HAIKU = FOUNDATION_MODELS["anthropic.claude-3-haiku-20240307-v1:0"]
SONNET_4 = FOUNDATION_MODELS["anthropic.claude-sonnet-4-20250514-v1:0"]
PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/a1b2c3d4e5f6"
THROUGHPUT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/x9y8z7w6v5u4"
DEPLOYMENT = f"arn:aws:bedrock:us-west-2:{ACCOUNT}:custom-model-deployment/abc123def456"

# An operator per IAM condition value type (IAM user guide, "Condition operators").
OPERATORS = {
    "arn": {"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"},
    "string": {"StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "StringEqualsIfExists"},
}
# Global condition keys, in every request context, with their value type
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
GLOBAL_CONDITION_KEYS = {"aws:RequestedRegion": "string"}
PLACEHOLDERS = {
    "Partition": r"aws(-[a-z]+)*",
    "Region": r"(?:[a-z]+(-[a-z]+)+-\d+)?",  # empty in a global profile's region-less model ARN
    "Account": r"\d{12}",
}


@lru_cache(maxsize=None)
def published(action: str) -> list[dict]:
    """The database's entries for ``bedrock:<Action>``: one per resource type it accepts."""
    service, name = action.split(":")
    return get_action_data(service, name).get(service, [])


def format_pattern(raw_arn: str) -> re.Pattern[str]:
    """A raw ARN format such as ``arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}``
    as a regex: known placeholders by their shape, any other one by a wildcard-free segment."""
    parts = re.split(r"(\$\{[A-Za-z]+\})", raw_arn)
    pattern = "".join(
        PLACEHOLDERS.get(p[2:-1], r"[^/*?\s]+") if p.startswith("${") else re.escape(p) for p in parts
    )
    return re.compile(pattern)


def entries_for(action: str, arn: str) -> list[dict]:
    return [e for e in published(action) if e["resource_arn_format"] != "*" and format_pattern(e["resource_arn_format"]).fullmatch(arn)]


def assert_published(document: dict) -> None:
    assert document["Version"] == "2012-10-17"
    json.dumps(document)  # plain JSON
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert re.fullmatch(r"[A-Za-z0-9]+", statement["Sid"])
        for action in statement["Action"]:
            assert published(action), f"{action} is not a published Bedrock action"
            for arn in statement["Resource"]:
                assert "*" not in arn and "?" not in arn
                matching = entries_for(action, arn)
                assert matching, f"{action} does not accept a resource like {arn}"
                for operator, keys in statement.get("Condition", {}).items():
                    for key, value in keys.items():
                        if key in GLOBAL_CONDITION_KEYS:
                            assert operator in OPERATORS[GLOBAL_CONDITION_KEYS[key]]
                            continue
                        assert all(key in e["condition_keys"] for e in matching), f"{action} on {arn} has no condition key {key}"
                        value_type = get_condition_key_details("bedrock", key)["condition_value_type"]
                        assert operator in OPERATORS[value_type]
                        if value_type == "arn":
                            assert any(format_pattern(raw).fullmatch(value) for raw in _all_bedrock_formats())


@lru_cache(maxsize=None)
def _all_bedrock_formats() -> tuple[str, ...]:
    from policy_sentry.querying.arns import get_raw_arns_for_service

    return tuple(get_raw_arns_for_service("bedrock"))


def resource_types(action: str, arn: str) -> set[str]:
    return {e["resource_arn_format"].rsplit(":", 1)[-1].split("/")[0] for e in entries_for(action, arn)}


def statement(document: dict, sid: str) -> dict:
    (found,) = [s for s in document["Statement"] if s["Sid"] == sid]
    return found


def test_profile_of_a_single_region_foundation_model() -> None:
    document = invoke_policy_document(PROFILE, models=[HAIKU.arn("us-east-1")])
    assert_published(document)
    invoke = statement(document, "InvokeEndpoint")
    assert invoke["Resource"] == [PROFILE] and "Condition" not in invoke
    assert resource_types("bedrock:InvokeModel", PROFILE) == {"application-inference-profile"}
    assert statement(document, "ReadInferenceProfile")["Action"] == ["bedrock:GetInferenceProfile"]
    models = statement(document, "InvokeModelsThroughProfile")
    assert models["Resource"] == [HAIKU.arn("us-east-1")]
    assert models["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": PROFILE}}
    assert resource_types("bedrock:InvokeModel", models["Resource"][0]) == {"foundation-model"}


@pytest.mark.parametrize("geography", ["us", "eu", "apac"])
def test_profile_of_a_system_profile_grants_every_destination_region(geography: str) -> None:
    system = SystemInferenceProfile(INFERENCE_PROFILE_GEOGRAPHIES[geography], HAIKU)
    source = system.arn("us-east-1", ACCOUNT)
    document = invoke_policy_document(PROFILE, models=system.model_arns(), source_profile=source)
    assert_published(document)
    assert statement(document, "InvokeEndpoint")["Resource"] == [PROFILE, source]
    assert resource_types("bedrock:InvokeModel", source) == {"inference-profile"}
    models = statement(document, "InvokeModelsThroughProfile")
    regions = {arn.split(":")[3] for arn in models["Resource"]}
    assert regions == set(INFERENCE_PROFILE_GEOGRAPHIES[geography].destination_regions)
    assert len(regions) > 1
    assert models["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": PROFILE}}


def test_profile_of_a_global_profile_grants_what_awss_global_page_requires() -> None:
    """https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html, "IAM
    policy requirements for global cross-Region inference": the profile, the model in the requesting
    region (RequestedRegion = that region) and the region-less model (RequestedRegion = unspecified),
    both models through this profile only. The models are what GetInferenceProfile lists."""
    system = SystemInferenceProfile(INFERENCE_PROFILE_GEOGRAPHIES["global"], SONNET_4)
    source = system.arn("us-east-1", ACCOUNT)
    models = system.model_arns("us-east-1")
    regionless = f"arn:aws:bedrock:::foundation-model/{SONNET_4.model_id}"
    assert models == [regionless, SONNET_4.arn("us-east-1")]
    document = invoke_policy_document(PROFILE, models=models, source_profile=source)
    assert_published(document)
    assert statement(document, "InvokeEndpoint")["Resource"] == [PROFILE, source]
    in_region = statement(document, "InvokeModelInSourceRegion")
    assert in_region["Resource"] == [SONNET_4.arn("us-east-1")]
    assert in_region["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": PROFILE}, "StringEquals": {"aws:RequestedRegion": "us-east-1"}}
    anywhere = statement(document, "InvokeGlobalModel")
    assert anywhere["Resource"] == [regionless]
    assert anywhere["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": PROFILE}, "StringEquals": {"aws:RequestedRegion": "unspecified"}}
    assert len(document["Statement"]) == 4


@pytest.mark.parametrize(("arn", "resource_type"), [(THROUGHPUT, "provisioned-model"), (DEPLOYMENT, "custom-model-deployment")])
def test_throughput_and_deployment_grant_their_own_arn_only(arn: str, resource_type: str) -> None:
    document = invoke_policy_document(arn)
    assert_published(document)
    assert document["Statement"] == [
        {"Sid": "InvokeEndpoint", "Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": [arn]}
    ]
    assert resource_types("bedrock:InvokeModel", arn) == {resource_type}


def test_streaming_false_leaves_out_the_streaming_action_everywhere() -> None:
    system = SystemInferenceProfile(INFERENCE_PROFILE_GEOGRAPHIES["us"], HAIKU)
    document = invoke_policy_document(PROFILE, models=system.model_arns(), source_profile=system.arn("us-east-1", ACCOUNT), streaming=False)
    assert_published(document)
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert actions == {"bedrock:InvokeModel", "bedrock:GetInferenceProfile"}
    streaming = invoke_policy_document(THROUGHPUT, streaming=True)
    assert "bedrock:InvokeModelWithResponseStream" in streaming["Statement"][0]["Action"]
    assert published("bedrock:InvokeModelWithResponseStream")


def test_models_are_deduplicated_and_sorted() -> None:
    east, west = HAIKU.arn("us-east-1"), HAIKU.arn("us-west-2")
    document = invoke_policy_document(PROFILE, models=[west, east, west])
    assert statement(document, "InvokeModelsThroughProfile")["Resource"] == [east, west]


@pytest.mark.parametrize(
    ("model_id", "kwargs", "message"),
    [
        (HAIKU.arn("us-east-1"), {}, "model_id must be the ARN of a Bedrock application-inference-profile"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/*", {"models": [HAIKU.arn("us-east-1")]}, "model_id must be"),
        (PROFILE, {}, "models is required"),
        (PROFILE, {"models": ["arn:aws:bedrock:*::foundation-model/*"]}, "models[] must be"),
        (PROFILE, {"models": [f"arn:aws:bedrock:us-east-1:{ACCOUNT}:foundation-model/x"]}, "has no account"),
        (PROFILE, {"models": ["arn:aws-cn:bedrock:cn-north-1::foundation-model/x"]}, "partition aws-cn"),
        (PROFILE, {"models": ["arn:aws:bedrock:::foundation-model/x"]}, "name no region"),
        (f"arn:aws:bedrock::{ACCOUNT}:application-inference-profile/a1b2c3d4e5f6", {"models": [HAIKU.arn("us-east-1")]}, "names no region"),
        (PROFILE, {"models": [HAIKU.arn("us-east-1")], "source_profile": PROFILE}, "source_profile must be"),
        (THROUGHPUT, {"models": [HAIKU.arn("us-east-1")]}, "has no models"),
        (DEPLOYMENT, {"source_profile": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.x"}, "has no models"),
    ],
)
def test_refuses_arns_of_the_wrong_kind_or_shape(model_id: str, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as error:
        invoke_policy_document(model_id, **kwargs)
    assert message in str(error.value)


def test_the_published_check_itself_rejects_a_wrong_grant() -> None:
    """The checks above can fail: a wildcard, an unknown action and a wrong condition key are caught."""
    good = invoke_policy_document(PROFILE, models=[HAIKU.arn("us-east-1")])
    for broken in (
        {**good["Statement"][0], "Resource": ["arn:aws:bedrock:*::foundation-model/*"]},
        {**good["Statement"][0], "Action": ["bedrock:InvokeModelStream"]},
        {**good["Statement"][1], "Action": ["bedrock:GetInferenceProfile"], "Resource": [HAIKU.arn("us-east-1")]},
        {**good["Statement"][2], "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": PROFILE}}},
        {**good["Statement"][2], "Condition": {"ArnEquals": {"bedrock:ProfileArn": PROFILE}}},
    ):
        with pytest.raises(AssertionError):
            assert_published({"Version": "2012-10-17", "Statement": [broken]})
