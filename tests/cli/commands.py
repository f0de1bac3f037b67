"""Running CLI commands that do not run the program (``pulumi stack rename``, ``stack export``,
``refresh --clear-pending-creates``, ``cancel``, ``import``) against an Automation API stack's
backend, and reading what the emulator holds."""

from __future__ import annotations

from pulumi import automation as auto

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator


def run_pulumi(stack: auto.Stack, *args: str) -> auto.CommandResult:
    """``pulumi <args> --stack <stack>`` in the stack's work dir, with its workspace's environment
    (backend, PULUMI_HOME, passphrase); raises :class:`~pulumi.automation.CommandError` on failure."""
    workspace = stack.workspace
    env = {**workspace.env_vars}
    if workspace.pulumi_home is not None:
        env["PULUMI_HOME"] = workspace.pulumi_home
    return workspace.pulumi_command.run([*args, "--stack", stack.name], workspace.work_dir, env)


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
