"""Shared by the real-engine tests: CLI commands that run no program (``testing.stack.cli``, here
as ``run_pulumi``), an environment without AWS credentials, and what the emulator holds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import cli as run_pulumi  # noqa: F401 (used by the tests)


@contextmanager
def no_credentials() -> Iterator[None]:
    """Inside an open ``emulator_stack``: the fake AWS keys removed, for a preview that needs none."""
    saved = {name: os.environ.pop(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    try:
        yield
    finally:
        os.environ.update(saved)


def live_resources(emulator: BedrockEmulator, region: str = "us-east-1") -> dict[str, list[tuple[str, str]]]:
    """(name, ARN) of every application inference profile, custom model deployment and provisioned
    throughput in the emulator's ``region``, by kind."""
    client = emulator.client(region)

    def listed(operation: str, key: str, **params: str) -> list[dict]:
        return [item for page in client.get_paginator(operation).paginate(**params) for item in page[key]]

    profiles = listed("list_inference_profiles", "inferenceProfileSummaries", typeEquals="APPLICATION")
    deployments = listed("list_custom_model_deployments", "modelDeploymentSummaries")
    throughputs = listed("list_provisioned_model_throughputs", "provisionedModelSummaries")
    return {
        "profile": sorted((p["inferenceProfileName"], p["inferenceProfileArn"]) for p in profiles),
        "deployment": sorted((d["customModelDeploymentName"], d["customModelDeploymentArn"]) for d in deployments),
        "throughput": sorted((t["provisionedModelName"], t["provisionedModelArn"]) for t in throughputs),
    }
