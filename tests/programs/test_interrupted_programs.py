"""Bedrock resources under an interrupted ``pulumi up`` (the CLI killed as a Create returns): the
engine records a pending create, forgets the result, and the next ``up`` runs Check with no olds
and Create again with the same program. The cloud must end with one resource, not two."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
from pulumi_bedrock_inference.testing.program import DeploymentInterrupted, Stack

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "examples" / "quickstart" / "__main__.py"
PROJECT = "bedrock-inference-quickstart"


def quickstart() -> None:
    runpy.run_path(str(PROGRAM), run_name="__main__")


def test_quickstart_killed_mid_create_ends_with_one_profile(bedrock_emulator: BedrockEmulator) -> None:
    with DynamicProviderProcess(cwd=ROOT, env=dict(os.environ), project=PROJECT) as process:
        stack = Stack(PROJECT, "dev", {"aws:region": "us-east-1"}, process)
        with pytest.raises(DeploymentInterrupted):
            stack.up(quickstart, interrupt=lambda urn, op: op == "creating")
        assert len(stack.state) == 0 and [op.type for op in stack.state.pending_operations] == ["creating"]

        result = stack.up(quickstart)

        assert "interrupted while creating" in result.warnings[0]
        client = bedrock_emulator.client("us-east-1")
        profiles = client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
        assert [p["inferenceProfileArn"] for p in profiles] == [result.outputs["profile_arn"]]
        stack.refresh()
        assert stack.state.pending_operations == []


HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.mark.parametrize("kind", ["throughput", "deployment"])
def test_bedrock_resource_killed_mid_create_is_not_duplicated(bedrock_emulator: BedrockEmulator, kind: str) -> None:
    import pulumi

    from pulumi_bedrock_inference.providers import CustomModelDeployment, ProvisionedModelThroughput

    custom_model = bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU) if kind == "deployment" else ""

    def program() -> None:
        if kind == "throughput":
            res = ProvisionedModelThroughput("pt", model_arn=HAIKU, model_units=1)
            pulumi.export("arn", res.provisioned_model_arn)
        else:
            res = CustomModelDeployment("deployment", model_arn=custom_model)
            pulumi.export("arn", res.arn)

    with DynamicProviderProcess(cwd=ROOT, env=dict(os.environ), project="interrupted") as process:
        stack = Stack("interrupted", "dev", {"aws:region": "us-east-1"}, process)
        with pytest.raises(DeploymentInterrupted):
            stack.up(program, interrupt=lambda urn, op: op == "creating")

        result = stack.up(program)

        client = bedrock_emulator.client("us-east-1")
        if kind == "throughput":
            live = [s["provisionedModelArn"] for s in client.list_provisioned_model_throughputs()["provisionedModelSummaries"]]
        else:
            live = [s["customModelDeploymentArn"] for s in client.list_custom_model_deployments()["modelDeploymentSummaries"]]
        assert live == [result.outputs["arn"]]
