"""Range limits: model_units within the API's 32-bit range and a documented maximum; timeouts finite
and at most 24h. Each failure names the field and the limit, with no AWS call."""

from __future__ import annotations

import math
from typing import Any

import pytest
from botocore.stub import Stubber

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import (
    MAX_MODEL_UNITS,
    ProvisionedModelThroughputArgs,
    ProvisionedModelThroughputProvider,
)
from pulumi_bedrock_inference.providers.validation import MAX_TIMEOUT_SECONDS, parse_duration

INT32_MAX = 2**31 - 1


def throughput_failures(**inputs: Any) -> list[tuple[str, str]]:
    news = {"model_arn": "anthropic.claude-3-haiku-20240307-v1:0", "model_units": 1.0, "region": "us-east-1",
            "_autoname": "proj/dev/pt", **inputs}
    return [(f.property, f.reason) for f in ProvisionedModelThroughputProvider().check({}, news).failures]


def deployment_failures(**inputs: Any) -> list[tuple[str, str]]:
    news = {"model_arn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456",
            "region": "us-east-1", "_autoname": "proj/dev/d", **inputs}
    return [(f.property, f.reason) for f in CustomModelDeploymentProvider().check({}, news).failures]


def test_the_documented_maximum_is_inside_the_apis_32_bit_range() -> None:
    assert 1 <= MAX_MODEL_UNITS <= INT32_MAX
    assert f"from 1 to {MAX_MODEL_UNITS:,}" in (ProvisionedModelThroughputArgs.__doc__ or "")


@pytest.mark.parametrize("units", [1.0, 2.0, float(MAX_MODEL_UNITS)])
def test_model_units_up_to_the_maximum_pass(units: float, stubbed: Stubber) -> None:
    assert throughput_failures(model_units=units) == []


@pytest.mark.parametrize("units", [float(MAX_MODEL_UNITS + 1), float(INT32_MAX), float(INT32_MAX + 1), 1e300])
def test_model_units_above_the_maximum_fail(units: float, stubbed: Stubber) -> None:
    assert throughput_failures(model_units=units) == [
        ("model_units", f"model_units must be at most {MAX_MODEL_UNITS} (got {int(units)})")
    ]


@pytest.mark.parametrize("units", [math.inf, -math.inf, math.nan])
def test_model_units_that_are_not_finite_fail(units: float, stubbed: Stubber) -> None:
    assert throughput_failures(model_units=units) == [("model_units", f"model_units must be a whole number, got {units}")]


@pytest.mark.parametrize("text", ["24h", "1440m", "86400s", "23h59m60s", "1s", "0.5s"])
def test_timeouts_up_to_24h_pass(text: str, stubbed: Stubber) -> None:
    assert throughput_failures(timeouts={"create": text}) == []
    assert deployment_failures(timeouts={"update": text}) == []


@pytest.mark.parametrize("text", ["24h1s", "25h", "1441m", "86401s", "9" * 400 + "h", "9" * 400 + "s", "1" + "0" * 320 + "m"])
def test_timeouts_longer_than_24h_or_infinite_fail(text: str, stubbed: Stubber) -> None:
    assert throughput_failures(timeouts={"delete": text}) == [("timeouts.delete", f"timeouts.delete must be at most 24h (got {text!r})")]
    assert deployment_failures(timeouts={"create": text}) == [("timeouts.create", f"timeouts.create must be at most 24h (got {text!r})")]


@pytest.mark.parametrize("text", ["0s", "0h0m", "-5m", "5 m", "5d", "1h 30m", "inf", "nan", "1e3s", "٣m"])
def test_timeouts_that_are_not_positive_go_durations_fail(text: str, stubbed: Stubber) -> None:
    failures = throughput_failures(timeouts={"create": text})
    assert [field for field, _ in failures] == ["timeouts.create"] and "must be a positive duration" in failures[0][1]


def test_parse_duration_is_infinite_only_for_overflow_and_the_maximum_is_a_day() -> None:
    assert MAX_TIMEOUT_SECONDS == 24 * 3600
    assert parse_duration("9" * 400 + "h") == math.inf
    assert parse_duration("24h") == MAX_TIMEOUT_SECONDS
    assert parse_duration("1h30m15.5s") == 5415.5
