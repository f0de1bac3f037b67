"""Taking over an existing profile under the real engine (issue 14, 3i).

The engine's import (the ``import_`` resource option, and ``pulumi import``) calls the provider's
Read with no inputs, and the SDK's dynamic provider server cannot find which provider to load
without the ``__provider`` input: ``KeyError: '__provider'`` (pulumi/pulumi#16175). The README's
alternative, ``adopt_existing=True``, manages the existing profile instead: same ARN, no second
profile, and ``destroy`` deletes it."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

from .commands import live_resources

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def test_import_fails_on_the_provider_key_and_adopt_existing_takes_the_profile_over(bedrock_emulator: BedrockEmulator) -> None:
    existing = bedrock_emulator.client().create_inference_profile(
        inferenceProfileName="existing-chat", modelSource={"copyFrom": f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"},
        tags=[{"key": "owner", "value": "console"}])["inferenceProfileArn"]
    options: dict[str, Any] = {"import_": existing}

    def program() -> None:
        chat = ApplicationInferenceProfile(
            "chat", name="existing-chat", model_source={"copy_from": HAIKU}, tags={"team": "support"},
            adopt_existing=options.get("adopt_existing"), opts=pulumi.ResourceOptions(import_=options.get("import_")))
        pulumi.export("arn", chat.arn)

    with emulator_stack(program, bedrock_emulator) as stack:
        with pytest.raises(auto.CommandError) as imported:
            stack.up()
        message = str(imported.value)
        assert "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile chat **importing failed**" in message
        assert "in get_provider\n        providerStr = props[PROVIDER_KEY]" in message and "KeyError: '__provider'" in message
        assert [r["type"] for r in stack.export_stack().deployment["resources"] if "bedrock" in r["type"]] == []

        options.update(import_=None, adopt_existing=True)
        bedrock_emulator.reset_log()
        adopted = stack.up()

        assert adopted.summary.resource_changes == {"create": 1, "same": 1}  # the stack was created by the failed run
        assert adopted.outputs["arn"].value == existing
        assert live_resources(bedrock_emulator)["profile"] == [("existing-chat", existing)]
        tags = bedrock_emulator.client().list_tags_for_resource(resourceARN=existing)["tags"]
        assert {t["key"]: t["value"] for t in tags} == {"team": "support"}  # the stack's tags now
        assert stack.destroy().summary.resource_changes == {"delete": 2}
        assert live_resources(bedrock_emulator)["profile"] == []
