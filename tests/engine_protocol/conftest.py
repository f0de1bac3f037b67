"""Shared by the engine-protocol tests: a provider process configured for us-east-1, as the engine
starts one per deployment (files that configure more, e.g. default tags, keep their own)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import pytest

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess


@contextmanager
def deployment() -> Iterator[DynamicProviderProcess]:
    """A new provider process, as the engine starts for each deployment."""
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        process.configure({"aws:region": "us-east-1"})
        yield process


@pytest.fixture
def engine(bedrock_emulator: BedrockEmulator) -> Iterator[DynamicProviderProcess]:
    with deployment() as process:
        yield process
