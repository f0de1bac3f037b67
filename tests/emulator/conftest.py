"""Test-suite helpers: a boto3 Bedrock client configured only through the plugin's environment."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator



@pytest.fixture
def bedrock(bedrock_emulator: BedrockEmulator) -> Any:
    """A bedrock client that finds the emulator via AWS_ENDPOINT_URL_BEDROCK, without retries
    (``total_max_attempts``; botocore's ``max_attempts`` counts retries), so one call is one request."""
    return boto3.client("bedrock", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
