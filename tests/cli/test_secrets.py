"""Secrets under the real engine (issue 14, 3g): with a secret tag, a secret model and a secret
``aws:defaultTags``, ``pulumi stack export`` (no ``--show-secrets``) holds no plaintext copy of a
secret value anywhere in the state, while the outputs derived from plain values stay readable.

The engine marks an output secret only where its key path matches a secret input; ``tags_all``
(from ``tags`` and the default tags), ``models``, ``update_details`` and ``foundation_model_arn``
repeat inputs under other keys, so the resource classes list them as secret outputs."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile, CustomModelDeployment, ProvisionedModelThroughput
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

from .commands import run_pulumi

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
SECRET_MARKER = "4dabf18193072939515e22adb298388d"
"""The key of a secret value in Pulumi state (``sig.Secret``)."""


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_MARKER) == "1b47061264138c4ac30d75fd1eb44270"


def exported(stack: Any, *flags: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """The text of ``pulumi stack export`` and its resources' outputs by resource name."""
    text = run_pulumi(stack, "stack", "export", *flags).stdout
    resources = json.loads(text)["deployment"]["resources"]
    return text, {r["urn"].rsplit("::", 1)[1]: r.get("outputs", {}) for r in resources}


def test_secret_tags_and_models_never_reach_the_state_in_plaintext(bedrock_emulator: BedrockEmulator) -> None:
    custom_model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    secret_models = [bedrock_emulator.seed_custom_model(name, HAIKU) for name in ("secret-v1", "secret-v2")]
    swapped = {"model": secret_models[0]}

    def program() -> None:
        def tags() -> dict[str, Any]:
            return {"owner": pulumi.Output.secret("alice-the-owner"), "app": "chat"}

        ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU}, tags=tags())
        CustomModelDeployment("tuned", model_arn=custom_model, tags=tags())
        ProvisionedModelThroughput("pt", model_arn=HAIKU, model_units=1, tags=tags())
        ApplicationInferenceProfile("plain", model_source={"copy_from": HAIKU}, tags={"app": "chat"})
        ApplicationInferenceProfile("secret-source", model_source={"copy_from": pulumi.Output.secret(NOVA_PRO)})
        CustomModelDeployment("secret-model", model_arn=pulumi.Output.secret(swapped["model"]))
        ProvisionedModelThroughput("secret-pt", model_arn=pulumi.Output.secret("amazon.nova-lite-v1:0"), model_units=1)

    with emulator_stack(program, bedrock_emulator, config={"aws:defaultTags": '{"tags": {"env": "dev"}}'}) as stack:
        stack.up()
        swapped["model"] = secret_models[1]  # a swap in place fills update_details
        assert stack.up().summary.resource_changes == {"update": 1, "same": 7}
        text, outputs = exported(stack)

        for secret in ("alice-the-owner", NOVA_PRO, *secret_models, "amazon.nova-lite-v1:0"):
            assert secret not in text, secret
        for name in ("chat", "tuned", "pt"):
            assert is_secret(outputs[name]["tags_all"]) and is_secret(outputs[name]["tags"]["owner"]), name
        assert outputs["plain"]["tags_all"] == {"app": "chat", "env": "dev"}
        for name, derived in (("secret-source", "models"), ("secret-model", "update_details"), ("secret-pt", "foundation_model_arn")):
            assert is_secret(outputs[name][derived]) and not is_secret(outputs[name]["tags_all"]), name

        revealed, _ = exported(stack, "--show-secrets")
        assert "alice-the-owner" in revealed and secret_models[1] in revealed  # the check above could see them


def test_secret_default_tags_make_tags_all_secret(bedrock_emulator: BedrockEmulator) -> None:
    def program() -> None:
        profile = ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU}, tags={"team": "ml"})
        pulumi.export("tags_all_is_secret", pulumi.Output.from_input(profile.tags_all.is_secret()))

    with emulator_stack(program, bedrock_emulator, secret_config={"aws:defaultTags": '{"tags": {"billing-code": "s3cr3t-code"}}'}) as stack:
        up = stack.up()
        assert up.outputs["tags_all_is_secret"].value is True
        text, outputs = exported(stack)
        assert "s3cr3t-code" not in text
        assert is_secret(outputs["chat"]["tags_all"]) and outputs["chat"]["tags"] == {"team": "ml"}
        tags = bedrock_emulator.client().list_tags_for_resource(resourceARN=outputs["chat"]["arn"])["tags"]
        assert {t["key"]: t["value"] for t in tags} == {"team": "ml", "billing-code": "s3cr3t-code"}
