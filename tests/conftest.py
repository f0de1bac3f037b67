from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PULUMI_BEDROCK_LIVE_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="live AWS test: set PULUMI_BEDROCK_LIVE_TESTS=1 (creates and deletes real resources)")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
