from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PULUMI_BEDROCK_LIVE_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="live AWS test: set PULUMI_BEDROCK_LIVE_TESTS=1 (creates and deletes real resources)")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=["ec2", "ignore"])
def token_semantics(request: pytest.FixtureRequest, bedrock_emulator: BedrockEmulator) -> Iterator[str]:
    """The test runs once under each reading of a repeated client token (``ec2``, ``ignore``); the
    emulator is set back to ``ec2`` after it, since its reset keeps the setting."""
    bedrock_emulator.set_token_semantics(request.param)
    try:
        yield request.param
    finally:
        bedrock_emulator.set_token_semantics("ec2")
