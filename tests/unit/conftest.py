from __future__ import annotations

from typing import Any, Iterator

import boto3
import pytest
from botocore.stub import Stubber
from pulumi_bedrock_inference.providers import base


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """Every provider's client is one botocore client whose calls must match the Stubber's queue exactly."""
    client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    regions: list[str] = []

    def fake_client(self: Any, region: str) -> Any:
        regions.append(region)
        return client

    monkeypatch.setattr(base.BedrockProvider, "client", fake_client)
    with Stubber(client) as stubber:
        stubber.regions = regions  # type: ignore[attr-defined]
        stubber.client = client  # type: ignore[attr-defined]
        yield stubber
        stubber.assert_no_pending_responses()


class FakeConfig:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


class FakeConfigureRequest:
    def __init__(self, values: dict[str, str]) -> None:
        self.config = FakeConfig(values)


class FakeClock:
    """A clock for waits: sleeping advances it and records the delay; nothing really sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
