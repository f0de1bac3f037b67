"""A secret tag value never reaches the state in plaintext (issue 7 §5).

The engine marks an output secret only where its key path matches a secret input; ``tags_all``
repeats the tags under another key, so the resource classes list it in
``additional_secret_outputs`` whenever ``tags`` holds an Output.
"""

from __future__ import annotations

import os
from typing import Any

import pulumi

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeployment
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfile
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughput
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
from pulumi_bedrock_inference.testing.program import RunResult, Stack

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def run(bedrock_emulator: BedrockEmulator, tags: Any) -> tuple[Stack, RunResult]:
    model_arn = bedrock_emulator.seed_custom_model("tuned", HAIKU)

    def program() -> None:
        profile = ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU}, tags=tags())
        CustomModelDeployment("tuned", model_arn=model_arn, tags=tags())
        ProvisionedModelThroughput("pt", model_arn="amazon.nova-pro-v1:0", model_units=1, tags=tags())
        pulumi.export("tags_all_is_secret", pulumi.Output.from_input(profile.tags_all.is_secret()))

    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        stack = Stack("proj", "dev", {"aws:region": "us-east-1", "aws:defaultTags": {"tags": {"env": "dev"}}}, process)
        result = stack.up(program)
    return stack, result


def test_a_secret_tag_makes_tags_all_a_secret_output_of_every_resource(bedrock_emulator: BedrockEmulator) -> None:
    stack, result = run(bedrock_emulator, lambda: {"owner": pulumi.Output.secret("alice"), "app": "chat"})
    for name in ("chat", "tuned", "pt"):
        _, state = stack.state.find(name)
        assert state.outputs["tags_all"] == {"owner": "alice", "app": "chat", "env": "dev"}
        assert "tags_all" in state.secret_keys, (name, state.secret_keys)
    assert result.outputs["tags_all_is_secret"] is True


def test_plain_tags_stay_readable(bedrock_emulator: BedrockEmulator) -> None:
    stack, result = run(bedrock_emulator, lambda: {"app": "chat"})
    for name in ("chat", "tuned", "pt"):
        _, state = stack.state.find(name)
        assert "tags_all" not in state.secret_keys
    assert result.outputs["tags_all_is_secret"] is False


def test_a_secret_model_makes_the_outputs_derived_from_it_secret(bedrock_emulator: BedrockEmulator) -> None:
    model_arn = bedrock_emulator.seed_custom_model("tuned", HAIKU)

    def program() -> None:
        ApplicationInferenceProfile("chat", model_source={"copy_from": pulumi.Output.secret(HAIKU)})
        CustomModelDeployment("tuned", model_arn=pulumi.Output.secret(model_arn))
        ProvisionedModelThroughput("pt", model_arn=pulumi.Output.secret("amazon.nova-pro-v1:0"), model_units=1)

    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        stack = Stack("proj", "dev", {"aws:region": "us-east-1"}, process)
        stack.up(program)
    for name, derived in (("chat", "models"), ("tuned", "update_details"), ("pt", "foundation_model_arn")):
        _, state = stack.state.find(name)
        assert derived in state.secret_keys and "tags_all" not in state.secret_keys, (name, state.secret_keys)


def test_secret_default_tags_make_tags_all_secret(bedrock_emulator: BedrockEmulator) -> None:
    def program() -> None:
        profile = ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU}, tags={"team": "ml"})
        pulumi.export("tags_all_is_secret", pulumi.Output.from_input(profile.tags_all.is_secret()))

    config = {"aws:region": "us-east-1", "aws:defaultTags": {"tags": {"billing-code": "s3cr3t"}}}
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        plain = Stack("proj", "dev", config, process).up(program)
    with DynamicProviderProcess(env=dict(os.environ), project="proj") as process:
        stack = Stack("proj", "prod", config, process, secret_config_keys=["aws:defaultTags"])
        secret = stack.up(program)
    assert plain.outputs["tags_all_is_secret"] is False
    assert secret.outputs["tags_all_is_secret"] is True
    _, state = stack.state.find("chat")
    assert "tags_all" in state.secret_keys and state.outputs["tags_all"]["billing-code"] == "s3cr3t"
