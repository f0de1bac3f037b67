"""The client's retry policy against the emulator's faults: throttling is retried until the call's
time budget is spent, never cut short by a quota shared with other calls; 5xx and lost responses
are retried up to aws:maxRetries + 1 attempts. Counts from the emulator's request log, no timings."""

from __future__ import annotations

from typing import Iterator

import pytest

from pulumi_bedrock_inference.providers import client as bedrock
from pulumi_bedrock_inference.providers.errors import BedrockError, ThrottledError, aws_call
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(bedrock, "MAX_THROTTLE_BACKOFF", 0.002)
    bedrock.clear_cache()
    yield
    bedrock.clear_cache()


def statuses(emulator: BedrockEmulator, operation: str) -> list[int]:
    return [r["status"] for r in emulator.requests(operation)]


def test_a_call_survives_more_throttled_attempts_than_max_attempts(bedrock_emulator: BedrockEmulator) -> None:
    client = bedrock.bedrock_client(REGION, max_attempts=3)
    bedrock_emulator.error_next("ListInferenceProfiles", "ThrottlingException", count=12)
    client.list_inference_profiles()
    assert statuses(bedrock_emulator, "ListInferenceProfiles") == [429] * 12 + [200]


def test_sustained_throttling_never_drains_a_shared_quota(bedrock_emulator: BedrockEmulator) -> None:
    """botocore's standard mode shares 500 quota tokens per client, 5 per throttled retry: after
    100 throttled retries every call of the client fails at its first throttle. Here 150 do not."""
    client = bedrock.bedrock_client(REGION)
    bedrock_emulator.error_next("ListInferenceProfiles", "ThrottlingException", count=150)
    for _ in range(10):
        client.list_inference_profiles()
    codes = statuses(bedrock_emulator, "ListInferenceProfiles")
    assert codes.count(429) == 150 and codes.count(200) == 10


def test_server_errors_are_retried_up_to_max_attempts(bedrock_emulator: BedrockEmulator) -> None:
    client = bedrock.bedrock_client(REGION, max_attempts=4)
    bedrock_emulator.error_next("ListInferenceProfiles", "InternalServerException", count=3)
    client.list_inference_profiles()
    assert statuses(bedrock_emulator, "ListInferenceProfiles") == [500, 500, 500, 200]

    bedrock_emulator.reset_log()
    bedrock_emulator.error_next("ListInferenceProfiles", "InternalServerException", count=4)
    with pytest.raises(BedrockError, match="InternalServerException"):
        with aws_call("listing", "profiles"):
            client.list_inference_profiles()
    assert statuses(bedrock_emulator, "ListInferenceProfiles") == [500] * 4


def test_throttling_does_not_count_towards_the_server_error_attempts(bedrock_emulator: BedrockEmulator) -> None:
    client = bedrock.bedrock_client(REGION, max_attempts=2)
    bedrock_emulator.error_next("ListInferenceProfiles", "ThrottlingException", count=3)
    bedrock_emulator.error_next("ListInferenceProfiles", "InternalServerException", count=1)
    client.list_inference_profiles()
    assert statuses(bedrock_emulator, "ListInferenceProfiles") == [429, 429, 429, 500, 200]


def test_throttling_is_bounded_by_the_calls_time_budget(bedrock_emulator: BedrockEmulator) -> None:
    client = bedrock.bedrock_client(REGION)
    bedrock_emulator.error_next("ListInferenceProfiles", "ThrottlingException", count=5)
    with bedrock.call_deadline(0):
        with pytest.raises(ThrottledError, match="ThrottlingException"):
            with aws_call("listing", "profiles"):
                client.list_inference_profiles()
    assert statuses(bedrock_emulator, "ListInferenceProfiles") == [429]


def test_the_policy_is_installed_on_the_pinned_botocore(bedrock_emulator: BedrockEmulator) -> None:
    """Fails when botocore changes the pieces the policy is built from (it then falls back to
    botocore's standard mode, whose shared quota can run dry)."""
    import boto3

    plain = boto3.session.Session().client("bedrock", region_name=REGION, endpoint_url=bedrock_emulator.endpoint)
    assert bedrock.install_time_bounded_retries(plain, 3) is True
    bedrock_emulator.error_next("ListInferenceProfiles", "ThrottlingException", count=5)
    plain.list_inference_profiles()
    assert statuses(bedrock_emulator, "ListInferenceProfiles") == [429] * 5 + [200]
