"""In the provider process, ``configure`` builds the stack region's AWS client on a background
thread, so the first create of an ``up`` does not wait for boto3's import and model load; nowhere
else, and never with a stack config that breaks a rule."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers import base, provider_process
from pulumi_bedrock_inference.providers.cost_allocation_tags import CostAllocationTagsProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from tests.unit.conftest import FakeConfigureRequest


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(base, "aws_client", lambda service, region, *rest: calls.append((service, region)) or object())
    monkeypatch.setattr(provider_process, "serve_concurrently", lambda: None)
    return calls


def test_configure_in_the_provider_process_builds_the_client_in_the_background(
    built: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_process, "in_provider_process", lambda: True)
    started: list[Any] = []
    original = ApplicationInferenceProfileProvider.warm_client
    monkeypatch.setattr(ApplicationInferenceProfileProvider, "warm_client", lambda self: started.append(original(self)) or started[-1])
    ApplicationInferenceProfileProvider().configure(FakeConfigureRequest({"aws:region": "eu-west-1"}))  # type: ignore[arg-type]
    (thread,) = started
    thread.join(timeout=10)
    assert built == [("bedrock", "eu-west-1")]


def test_nothing_is_built_outside_the_provider_process_or_with_bad_config(
    built: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ApplicationInferenceProfileProvider().configure(FakeConfigureRequest({"aws:region": "eu-west-1"}))  # type: ignore[arg-type]
    monkeypatch.setattr(provider_process, "in_provider_process", lambda: True)
    provider = ApplicationInferenceProfileProvider()
    provider.configure(FakeConfigureRequest({"aws:region": "EU West"}))  # type: ignore[arg-type]
    assert provider.warm_client() is None
    assert built == []


def test_the_cost_allocation_tags_provider_warms_the_cost_explorer_client(
    built: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_process, "in_provider_process", lambda: True)
    started: list[Any] = []
    provider = CostAllocationTagsProvider()
    monkeypatch.setattr(provider, "warm_client", lambda original=provider.warm_client: started.append(original()) or started[-1])
    provider.configure(FakeConfigureRequest({"aws:region": "us-east-1"}))  # type: ignore[arg-type]
    (thread,) = started
    thread.join(timeout=10)
    assert built == [("ce", "us-east-1")]
