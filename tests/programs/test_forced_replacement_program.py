"""``pulumi up --replace`` of an autonamed resource, through the engine simulator and the real
provider process, under both readings of client tokens.

The engine's only Check of a targeted replacement has no olds and it calls no Diff
(``isTargetedReplace`` in pulumi/pulumi ``pkg/resource/deploy/step_generator.go``): the provider
sees a new resource and computes the old name and token. With ``delete_before_replace=True`` the
old profile is deleted first, and the create makes a new one under the same name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
from pulumi_bedrock_inference.testing.program import Stack

ROOT = Path(__file__).resolve().parents[2]
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture(params=["ec2", "ignore"])
def stack(request: pytest.FixtureRequest, bedrock_emulator: BedrockEmulator) -> Iterator[Stack]:
    bedrock_emulator.set_token_semantics(request.param)
    try:
        with DynamicProviderProcess(cwd=ROOT, env=dict(os.environ), project="proj") as process:
            yield Stack("proj", "dev", {"aws:region": "us-east-1"}, process)
    finally:
        bedrock_emulator.set_token_semantics("ec2")


def program() -> None:
    import pulumi

    from pulumi_bedrock_inference.providers import ApplicationInferenceProfile

    chat = ApplicationInferenceProfile(
        "chat", model_source={"copy_from": HAIKU}, opts=pulumi.ResourceOptions(delete_before_replace=True))
    pulumi.export("arn", chat.arn)
    pulumi.export("name", chat.name)


def profiles(emulator: BedrockEmulator) -> list[tuple[str, str]]:
    listed = emulator.client("us-east-1").list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    return [(p["inferenceProfileName"], p["inferenceProfileArn"]) for p in listed]


def test_up_replace_with_delete_before_replace_makes_a_new_profile_under_the_same_name(
    stack: Stack, bedrock_emulator: BedrockEmulator
) -> None:
    first = stack.up(program)
    calls = bedrock_emulator.counts()
    preview = stack.preview(program, replace=["chat"])
    assert bedrock_emulator.counts() == calls  # preview stays offline
    assert preview.kinds() == {"chat": "replace"}
    assert profiles(bedrock_emulator) == [(first.outputs["name"], first.outputs["arn"])]

    replaced = stack.up(program, replace=["chat"])

    assert replaced.kinds() == {"chat": "replace"}
    assert replaced.outputs["name"] == first.outputs["name"]
    assert replaced.outputs["arn"] != first.outputs["arn"]
    assert profiles(bedrock_emulator) == [(first.outputs["name"], replaced.outputs["arn"])]
    urn, state = stack.state.find("chat")
    assert state.id == replaced.outputs["arn"] and not stack.state.pending_deletes
    assert stack.up(program).kinds() == {"chat": "same"}  # no --replace: nothing happens
