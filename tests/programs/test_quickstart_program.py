"""The example stack as a whole program: preview needs no AWS call and no credentials; up, a
second up, refresh and destroy go through the real provider process to the local emulator."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

from pulumi.output import Unknown

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
from pulumi_bedrock_inference.testing.program import Stack

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "examples" / "quickstart" / "__main__.py"
TYPE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"


def quickstart() -> None:
    runpy.run_path(str(PROGRAM), run_name="__main__")


def without_aws(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith("AWS_")} | {"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}


def test_preview_needs_no_credentials_and_makes_no_aws_call(bedrock_emulator: BedrockEmulator) -> None:
    with DynamicProviderProcess(cwd=ROOT, env=without_aws(dict(os.environ)), project="bedrock-inference-quickstart") as process:
        stack = Stack("bedrock-inference-quickstart", "ci", {"aws:region": "us-east-1"}, process)
        result = stack.preview(quickstart)
    assert result.kinds() == {"support-chat": "create"}
    assert isinstance(result.outputs["profile_arn"], Unknown)
    assert result.outputs["profile_name"].startswith("support-chat-")
    assert bedrock_emulator.counts() == {}


def test_up_again_refresh_and_destroy(bedrock_emulator: BedrockEmulator) -> None:
    with DynamicProviderProcess(cwd=ROOT, env=dict(os.environ), project="bedrock-inference-quickstart") as process:
        stack = Stack("bedrock-inference-quickstart", "dev", {"aws:region": "us-east-1", "aws:defaultTags": {"tags": {"env": "dev"}}}, process)
        first = stack.up(quickstart)
        assert first.kinds() == {"support-chat": "create"}
        arn = first.outputs["profile_arn"]
        client = bedrock_emulator.client("us-east-1")
        tags = {t["key"]: t["value"] for t in client.list_tags_for_resource(resourceARN=arn)["tags"]}
        assert tags == {"team": "support", "app": "chat", "env": "dev"}
        assert len(first.outputs["routes_to"]) == 3

        bedrock_emulator.reset_log()
        second = stack.up(quickstart)
        assert second.kinds() == {"support-chat": "same"} and second.outputs["profile_arn"] == arn
        assert bedrock_emulator.counts() == {}

        assert stack.refresh().kinds() == {"support-chat": "same"}
        assert stack.destroy().kinds() == {"support-chat": "delete"}
        assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
