"""One module takes Bedrock identifiers apart, and every layer uses it: ARNs of every kind, model
and system profile IDs, geographies, the shared vocabulary and the type tokens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_bedrock_inference import identifiers
from pulumi_bedrock_inference.components.validation import InvalidArgumentError
from pulumi_bedrock_inference.identifiers import BedrockArn, foundation_model_arn, is_model_id, parse_arn, split_profile_id
from pulumi_bedrock_inference.providers import (
    ApplicationInferenceProfile,
    CostAllocationTags,
    CustomModelDeployment,
    ProvisionedModelThroughput,
)
from pulumi_bedrock_inference.providers.provisioned_throughput import MAX_MODEL_UNITS, MODEL_UNITS_RULE

REPO = Path(__file__).resolve().parents[2]
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.mark.parametrize(
    ("arn", "parts"),
    [
        (f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}", ("aws", "us-east-1", "", "foundation-model", HAIKU)),
        (f"arn:aws:bedrock:::foundation-model/{HAIKU}", ("aws", "", "", "foundation-model", HAIKU)),
        (f"arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.{HAIKU}",
         ("aws", "eu-west-1", "123456789012", "inference-profile", f"eu.{HAIKU}")),
        ("arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:application-inference-profile/abcdef123456",
         ("aws-us-gov", "us-gov-west-1", "123456789012", "application-inference-profile", "abcdef123456")),
        ("arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdef123456",
         ("aws", "us-east-1", "123456789012", "custom-model", "amazon.titan-text-express-v1:0:8k/abcdef123456")),
        ("arn:aws-eusc:bedrock:eusc-de-east-1:123456789012:provisioned-model/abcdef123456",
         ("aws-eusc", "eusc-de-east-1", "123456789012", "provisioned-model", "abcdef123456")),
        ("arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abcdef123456",
         ("aws", "us-east-1", "123456789012", "custom-model-deployment", "abcdef123456")),
    ],
)
def test_every_bedrock_arn_kind_parses_into_its_parts_and_back(arn: str, parts: tuple[str, ...]) -> None:
    parsed = parse_arn(arn)
    assert parsed == BedrockArn(*parts)
    assert str(parsed) == arn and parsed.is_canonical  # type: ignore[union-attr]


@pytest.mark.parametrize("text", [HAIKU, "arn:aws:iam::123456789012:role/r", "arn:aws:bedrock:us-east-1::foundation-model", "", None, 42])
def test_what_is_not_a_bedrock_arn_parses_to_none(text: object) -> None:
    assert parse_arn(text) is None


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/*",
        "arn:aws:bedrock:us-east-1:12345:application-inference-profile/abcdef123456",
        "arn:aws:bedrock:US-EAST-1::foundation-model/x.y",
        "arn:partition:bedrock:us-east-1::foundation-model/x.y",
        "arn:aws:bedrock:us-east-1::Foundation-Model/x.y",
    ],
)
def test_an_arn_with_a_part_aws_never_writes_is_not_canonical(arn: str) -> None:
    assert parse_arn(arn) is not None and not parse_arn(arn).is_canonical  # type: ignore[union-attr]


def test_model_ids_profile_ids_and_geographies() -> None:
    assert is_model_id(HAIKU) and is_model_id(f"us.{HAIKU}") and not is_model_id(HAIKU + " ") and not is_model_id("a" * 2049)
    assert split_profile_id(f"global.{HAIKU}") == ("global", HAIKU)
    assert split_profile_id(f"us-gov.{HAIKU}") == ("us-gov", HAIKU)
    assert split_profile_id(HAIKU) == (None, HAIKU)
    assert identifiers.GEOGRAPHIC_PREFIXES == set(identifiers.GEOGRAPHY_REGION_PREFIXES) | {"global"}
    assert foundation_model_arn("cn-north-1", HAIKU) == f"arn:aws-cn:bedrock:cn-north-1::foundation-model/{HAIKU}"
    assert foundation_model_arn("", HAIKU) == f"arn:aws:bedrock:::foundation-model/{HAIKU}"


def test_the_resource_classes_register_the_type_tokens_of_the_vocabulary() -> None:
    for resource, token in (
        (ApplicationInferenceProfile, identifiers.APPLICATION_INFERENCE_PROFILE),
        (CustomModelDeployment, identifiers.CUSTOM_MODEL_DEPLOYMENT),
        (ProvisionedModelThroughput, identifiers.PROVISIONED_MODEL_THROUGHPUT),
        (CostAllocationTags, identifiers.COST_ALLOCATION_TAGS),
    ):
        assert f"pulumi-python:{resource._resource_type_name}" == str(token)
    assert str(identifiers.APPLICATION_INFERENCE_PROFILE) == "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"
    assert str(identifiers.COST_ALLOCATION_TAGS) == "pulumi-python:dynamic/costexplorer:CostAllocationTags"


def test_the_component_holds_model_units_to_the_providers_rule() -> None:
    from pulumi_bedrock_inference.components.inference_endpoint import _check_throughput

    _check_throughput("InferenceEndpoint chat", {"model_units": MAX_MODEL_UNITS})
    with pytest.raises(InvalidArgumentError, match=r"provisioned_throughput.model_units must be a whole number ≥ 1 and ≤ 1,000, got 1001"):
        _check_throughput("InferenceEndpoint chat", {"model_units": MAX_MODEL_UNITS + 1})
    assert MODEL_UNITS_RULE.problem(MAX_MODEL_UNITS + 1) and not MODEL_UNITS_RULE.problem(1)


def test_no_module_but_identifiers_writes_a_bedrock_arn_pattern() -> None:
    pattern_call = re.compile(r"(?:LinearPattern|re\.compile|re\.match|re\.fullmatch)\([^)]*bedrock", re.S)
    offenders = []
    for folder in ("providers", "components", "policy", "testing/emulator", "pulumi_bedrock_inference"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name != "identifiers.py" and pattern_call.search(path.read_text()):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
