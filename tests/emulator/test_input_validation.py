"""The generic input validator, driven by botocore's shapes (one walker, no per-field code)."""

from __future__ import annotations

from datetime import datetime, timezone

import botocore.session

from pulumi_bedrock_inference.testing.emulator.validation import validate_input, validation_message

SERVICE = botocore.session.get_session().get_service_model("bedrock")


def errors_for(operation: str, params: dict) -> list[str]:
    return validate_input(SERVICE.operation_model(operation).input_shape, params)


def test_valid_request_has_no_errors() -> None:
    params = {
        "modelUnits": 1,
        "provisionedModelName": "pt",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "commitmentDuration": "OneMonth",
        "tags": [{"key": "a", "value": ""}],
    }
    assert errors_for("CreateProvisionedModelThroughput", params) == []


def test_required_members_enum_and_nested_list_paths() -> None:
    errors = errors_for(
        "CreateProvisionedModelThroughput",
        {"modelUnits": 1, "modelId": "amazon.nova-pro-v1:0", "commitmentDuration": "OneYear",
         "tags": [{"key": "ok", "value": "v"}, {"key": "", "value": "v"}]},
    )
    assert errors == [
        "Value null at 'provisionedModelName' failed to satisfy constraint: Member must not be null",
        "Value 'OneYear' at 'commitmentDuration' failed to satisfy constraint: "
        "Member must satisfy enum value set: [OneMonth, SixMonths]",
        "Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]
    assert validation_message(errors).startswith("3 validation errors detected: Value null at")


def test_patterns_must_match_the_whole_value() -> None:
    # "ok name" alone matches the pattern; a trailing "!" must not pass through a prefix match.
    assert errors_for("CreateInferenceProfile", {"inferenceProfileName": "ok name", "modelSource": {"copyFrom": "arn:aws:bedrock:us-east-1::foundation-model/a.b"}}) == []
    errors = errors_for("CreateInferenceProfile", {"inferenceProfileName": "ok name!", "modelSource": {"copyFrom": "arn:aws:bedrock:us-east-1::foundation-model/a.b"}})
    assert errors == [
        "Value 'ok name!' at 'inferenceProfileName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+"
    ]


def test_types_ranges_and_timestamps() -> None:
    errors = errors_for(
        "ListProvisionedModelThroughputs",
        {"maxResults": "ten", "creationTimeAfter": "yesterday", "sortOrder": "Sideways"},
    )
    assert "Value 'ten' at 'maxResults' failed to satisfy constraint: Member must be of type integer" in errors
    assert any("'creationTimeAfter'" in e and "timestamp" in e for e in errors)
    assert any("'sortOrder'" in e and "enum value set" in e for e in errors)
    assert errors_for("ListProvisionedModelThroughputs", {"creationTimeAfter": datetime.now(timezone.utc)}) == []
    assert errors_for("ListProvisionedModelThroughputs", {"maxResults": 0}) == [
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
    ]
