"""A committed ProvisionedModelThroughput under the engine simulator, against the local emulator:
what the real engine does when a change would replace it (``continueStepsFromDiff``)."""

from __future__ import annotations

import os
from typing import Callable, Iterator, Optional

import pulumi
import pytest

from pulumi_bedrock_inference.providers import ProvisionedModelThroughput
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError
from pulumi_bedrock_inference.testing.program import ResourceProtectedError, Stack

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PROJECT = "bedrock-throughput"


@pytest.fixture
def stack(bedrock_emulator: BedrockEmulator) -> Iterator[Stack]:
    with DynamicProviderProcess(env=dict(os.environ), project=PROJECT) as process:
        yield Stack(PROJECT, "dev", {"aws:region": "us-east-1"}, process)


def throughput(units: int, opts: Optional[pulumi.ResourceOptions] = None) -> Callable[[], None]:
    def program() -> None:
        pt = ProvisionedModelThroughput(
            "pt", model_arn=MODEL, model_units=units, commitment_duration="OneMonth", opts=opts
        )
        pulumi.export("arn", pt.provisioned_model_arn)

    return program


def live_throughputs(emulator: BedrockEmulator) -> list[str]:
    client = emulator.client("us-east-1")
    return [s["provisionedModelArn"] for s in client.list_provisioned_model_throughputs()["provisionedModelSummaries"]]


def test_provider_default_deletes_first_so_nothing_new_is_bought(
    stack: Stack, bedrock_emulator: BedrockEmulator
) -> None:
    first = stack.up(throughput(1)).outputs["arn"]

    with pytest.raises(ProviderError, match="commitmentExpirationTime"):
        stack.up(throughput(2))

    assert live_throughputs(bedrock_emulator) == [first]
    assert len(bedrock_emulator.requests("CreateProvisionedModelThroughput")) == 1
    assert stack.state.find("pt")[1].id == first and stack.state.pending_deletes == []


def test_delete_before_replace_false_buys_a_second_throughput_then_fails_at_the_old_delete(
    stack: Stack, bedrock_emulator: BedrockEmulator
) -> None:
    # The option overrides the provider's delete-first answer, as the engine does: the second
    # throughput is created (and billed), then the old one's delete is refused. Both stay in state.
    first = stack.up(throughput(1)).outputs["arn"]

    with pytest.raises(ProviderError, match="commitmentExpirationTime"):
        stack.up(throughput(2, pulumi.ResourceOptions(delete_before_replace=False)))

    second = stack.state.find("pt")[1]
    assert second.id != first and second.outputs["model_units"] == 2
    assert [(r.id, r.delete) for _, r in stack.state.pending_deletes] == [(first, True)]
    assert sorted(live_throughputs(bedrock_emulator)) == sorted([first, second.id])


def test_protect_refuses_the_replacement_before_any_aws_call(
    stack: Stack, bedrock_emulator: BedrockEmulator
) -> None:
    protect = pulumi.ResourceOptions(protect=True)
    stack.up(throughput(1, protect))
    bedrock_emulator.reset_log()

    with pytest.raises(ResourceProtectedError, match="as it is currently marked for protection"):
        stack.up(throughput(2, protect))

    writes = {op for op in bedrock_emulator.counts() if not op.startswith(("Get", "List"))}
    assert writes == set()
