"""Renames under the real engine (issue 14, 3d): ``pulumi stack rename``, a project rename and an
``aliases`` rename replace nothing, and every resource keeps its AWS name and ARN. The URN's seed
of the autoname changes each time; ``check`` keeps the name from the old inputs."""

from __future__ import annotations

import pulumi
from pulumi import automation as auto

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile, CustomModelDeployment, ProvisionedModelThroughput
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

from .commands import live_resources, run_pulumi

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
WRITES = ("Create", "Delete", "Update", "Tag", "Untag")


def test_stack_rename_project_rename_and_aliases_replace_nothing(bedrock_emulator: BedrockEmulator) -> None:
    custom_model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    suffix = {"value": ""}

    def program() -> None:
        def alias(name: str) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(aliases=[pulumi.Alias(name=name)] if suffix["value"] else None)

        profile = ApplicationInferenceProfile("chat" + suffix["value"], model_source={"copy_from": HAIKU}, opts=alias("chat"))
        deployment = CustomModelDeployment("tuned" + suffix["value"], model_arn=custom_model, opts=alias("tuned"))
        throughput = ProvisionedModelThroughput("pt" + suffix["value"], model_arn=HAIKU, model_units=1, opts=alias("pt"))
        pulumi.export("names", [profile.name, deployment.name, throughput.provisioned_model_name])

    with emulator_stack(program, bedrock_emulator, project="before", stack="dev") as stack:
        first = stack.up()
        names = first.outputs["names"].value
        assert [name.rsplit("-", 1)[0] for name in names] == ["chat", "tuned", "pt"]
        created = live_resources(bedrock_emulator)
        assert sorted(name for kind in created.values() for name, _ in kind) == sorted(names)

        def up_changes_nothing(stack: auto.Stack) -> None:
            bedrock_emulator.reset_log()
            result = stack.up()
            assert result.summary.resource_changes == {"same": 4}
            assert result.outputs["names"].value == names
            assert [op for op in bedrock_emulator.counts() if op.startswith(WRITES)] == []
            assert live_resources(bedrock_emulator) == created

        run_pulumi(stack, "stack", "rename", "prod")
        stack = auto.Stack.select("prod", stack.workspace)
        up_changes_nothing(stack)
        assert all(r["urn"].startswith("urn:pulumi:prod::before::") for r in stack.export_stack().deployment["resources"])

        run_pulumi(stack, "stack", "rename", "organization/after/prod")
        workspace = stack.workspace
        settings = workspace.project_settings()
        settings.name = "after"
        workspace.save_project_settings(settings)
        stack = auto.Stack.select("prod", workspace)
        up_changes_nothing(stack)
        resources = stack.export_stack().deployment["resources"]
        assert all(r["urn"].startswith("urn:pulumi:prod::after::") for r in resources)
        assert {r["inputs"]["_autoname"] for r in resources if "_autoname" in r.get("inputs", {})} == {
            "after/prod/chat", "after/prod/tuned", "after/prod/pt"}

        suffix["value"] = "-renamed"
        up_changes_nothing(stack)
        urns = [r["urn"] for r in stack.export_stack().deployment["resources"]]
        assert {urn.rsplit("::", 1)[1] for urn in urns} >= {"chat-renamed", "tuned-renamed", "pt-renamed"}

        stack.destroy()
        assert live_resources(bedrock_emulator) == {"profile": [], "deployment": [], "throughput": []}
