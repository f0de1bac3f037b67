"""The repository's own stack (Pulumi.yaml + __main__.py) through the real Pulumi engine against
the emulator: preview with no credentials and no AWS call, up, a preview that expects no changes
(no AWS call), refresh, destroy leaving nothing behind."""

from __future__ import annotations

from pathlib import Path

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack, project_program

from .commands import live_resources, no_credentials

ROOT = Path(__file__).resolve().parents[2]
TYPE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"


def test_preview_up_no_change_refresh_destroy(bedrock_emulator: BedrockEmulator) -> None:
    with emulator_stack(project_program(ROOT), bedrock_emulator, project_dir=ROOT, stack="dev",
                        config={"aws:defaultTags": '{"tags": {"env": "dev"}}'}) as stack:
        with no_credentials():
            preview = stack.preview()
        assert preview.change_summary == {"create": 2}  # the stack and the profile
        assert bedrock_emulator.counts() == {}

        up = stack.up()
        assert up.summary.result == "succeeded" and up.summary.resource_changes == {"create": 2}
        arn = up.outputs["profile_arn"].value
        client = bedrock_emulator.client("us-east-1")
        tags = {t["key"]: t["value"] for t in client.list_tags_for_resource(resourceARN=arn)["tags"]}
        assert tags == {"team": "support", "app": "chat", "env": "dev"}
        assert len(up.outputs["routes_to"].value) == 3

        bedrock_emulator.reset_log()
        again = stack.preview(expect_no_changes=True)
        assert again.change_summary == {"same": 2}
        assert bedrock_emulator.counts() == {}

        refresh = stack.refresh()
        assert refresh.summary.resource_changes == {"same": 2}
        assert bedrock_emulator.counts() == {"GetInferenceProfile": 1, "ListTagsForResource": 1}

        destroy = stack.destroy()
        assert destroy.summary.resource_changes == {"delete": 2}
        assert live_resources(bedrock_emulator)["profile"] == []
        state = stack.export_stack().deployment
        assert [r["type"] for r in state.get("resources", [])] == []
