"""Throttling and server errors through the real `python -m pulumi.dynamic` process: concurrent
creates and deletes all succeed while the emulator throttles every operation or fails a quarter
of requests with 500s. Outcomes and request-log counts only, no timings."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import pytest

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, with_provider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::p{}"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PROFILES = 16
CALLERS = 8


@pytest.fixture
def engine(bedrock_emulator: BedrockEmulator) -> Iterator[DynamicProviderProcess]:
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        process.configure({"aws:region": "us-east-1", "aws:maxRetries": "3"})
        yield process


def checked_inputs(engine: DynamicProviderProcess) -> list[dict[str, Any]]:
    provider = ApplicationInferenceProfileProvider()
    return [engine.check(URN.format(i), {}, with_provider(
        {"name": f"p{i}", "region": "us-east-1", "model_source": {"copy_from": MODEL}}, provider)).inputs
        for i in range(PROFILES)]


def up_and_destroy(engine: DynamicProviderProcess, checked: list[dict[str, Any]]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=CALLERS) as pool:
        created = list(pool.map(lambda i: engine.create(URN.format(i), checked[i]), range(PROFILES)))
        list(pool.map(lambda i: engine.delete(URN.format(i), created[i].id, created[i].outputs), range(PROFILES)))
    return created


def remaining_profiles(emulator: BedrockEmulator) -> list[Any]:
    return emulator.client("us-east-1").list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]


def test_a_create_outlasts_more_throttled_attempts_than_max_retries(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = checked_inputs(engine)[0]
    bedrock_emulator.error_next("CreateInferenceProfile", "ThrottlingException", count=6)
    created = engine.create(URN.format(0), checked)
    assert created.outputs["status"] == "ACTIVE"
    assert [r["status"] for r in bedrock_emulator.requests("CreateInferenceProfile")] == [429] * 6 + [201]


def test_under_sustained_throttling_every_create_and_delete_succeeds(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    checked = checked_inputs(engine)
    bedrock_emulator.throttle({"*": 4})
    created = up_and_destroy(engine, checked)
    assert len({r.id for r in created}) == PROFILES and remaining_profiles(bedrock_emulator) == []
    assert [r["status"] for r in bedrock_emulator.requests()].count(429) > 0


def test_a_quarter_of_requests_failing_with_500_fails_nothing(bedrock_emulator: BedrockEmulator) -> None:
    # Default retries (10 attempts): a call fails only if 10 attempts in a row fail, p = 0.25**10.
    # (With aws:maxRetries=3 it would be 1/256 per call: 5xx are bounded by attempts, on purpose.)
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as engine:
        engine.configure({"aws:region": "us-east-1"})
        checked = checked_inputs(engine)
        bedrock_emulator.inject_errors(0.25, seed=3)
        created = up_and_destroy(engine, checked)
    assert len({r.id for r in created}) == PROFILES and remaining_profiles(bedrock_emulator) == []
    assert [r["status"] for r in bedrock_emulator.requests()].count(500) > 0
