"""Test-suite helpers: boto3 ``bedrock`` and ``bedrock-runtime`` clients configured only through
the plugin's environment."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
"""One request per call: botocore's ``total_max_attempts`` counts the first attempt (``max_attempts`` counts retries)."""


@pytest.fixture
def bedrock(bedrock_emulator: BedrockEmulator) -> Any:
    """A bedrock client that finds the emulator via AWS_ENDPOINT_URL_BEDROCK, without retries
    (``total_max_attempts``; botocore's ``max_attempts`` counts retries), so one call is one request."""
    return boto3.client("bedrock", config=NO_RETRIES)


@pytest.fixture
def runtime(bedrock_emulator: BedrockEmulator) -> Any:
    """A bedrock-runtime client that finds the emulator via AWS_ENDPOINT_URL_BEDROCK_RUNTIME, one
    request per call."""
    return boto3.client("bedrock-runtime", config=NO_RETRIES)
