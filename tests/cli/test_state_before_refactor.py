"""A state written before the issue-17 refactor still refreshes and destroys through the real engine.

Every dynamic resource's state carries its provider as a ``__provider`` blob: the provider instance
pickled by the SDK's serializer, by reference (module path and class name). ``data/
providers_before_issue17.json`` holds the blobs the code wrote before the refactor moved code
around. The test deploys one resource of each kind, puts those old blobs into the exported
deployment in place of the ones just written, imports it with ``pulumi stack import``, and then
runs ``pulumi refresh`` (no change: every resource read back as it is) and ``pulumi destroy``
(every resource deleted in the emulator) with the old blobs as the engine's only way to find the
providers.
"""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

from pulumi import automation as auto

from pulumi_bedrock_inference.providers import (
    ApplicationInferenceProfile,
    CustomModelDeployment,
    ProvisionedModelThroughput,
)
from pulumi_bedrock_inference.providers.cost_allocation_tags import CostAllocationTags
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import Steps, emulator_stack, resources

from .commands import live_resources

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
REGION = "us-east-1"
OLD_BLOBS: dict[str, str] = json.loads((Path(__file__).parent / "data" / "providers_before_issue17.json").read_text())["__provider"]


def test_the_old_blobs_name_the_provider_classes_by_their_public_paths() -> None:
    for type_token, blob in OLD_BLOBS.items():
        provider = pickle.loads(base64.b64decode(blob))
        assert type(provider).__module__.startswith("pulumi_bedrock_inference.providers."), type_token
        assert type(provider).__name__ == type_token.rsplit(":", 1)[-1] + "Provider"


def test_a_state_with_providers_pickled_before_the_refactor_refreshes_and_destroys(bedrock_emulator: BedrockEmulator) -> None:
    custom_model = bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU, REGION)

    def program() -> None:
        ApplicationInferenceProfile("profile", model_source={"copy_from": HAIKU}, tags={"team": "ml"})
        CustomModelDeployment("deployment", model_arn=custom_model, tags={"team": "ml"})
        ProvisionedModelThroughput("throughput", model_arn=HAIKU, model_units=1, tags={"team": "ml"})
        CostAllocationTags("keys", tag_keys=["team"])

    # billing has seen the key before the activation runs (its create does not wait for the tagged
    # resources), so refresh finds nothing to change whatever order the engine creates them in
    bedrock_emulator.mark_tag_keys_seen(["team"])
    with emulator_stack(program, bedrock_emulator, project="state-compat", region=REGION) as stack:
        stack.up()
        exported = stack.export_stack()
        replaced = 0
        for resource in exported.deployment["resources"]:
            blob = OLD_BLOBS.get(resource["type"])
            if blob is None:
                continue
            for half in ("inputs", "outputs"):
                if "__provider" in resource.get(half, {}):
                    resource[half]["__provider"] = blob
                    replaced += 1
        assert replaced >= len(OLD_BLOBS)
        stack.import_stack(auto.Deployment(version=exported.version, deployment=exported.deployment))
        saved = resources(stack)
        assert {saved[name]["inputs"]["__provider"] for name in ("profile", "deployment", "throughput", "keys")} == set(OLD_BLOBS.values())

        steps = Steps()
        refreshed = stack.refresh(on_event=steps)
        assert steps.kinds() == {"profile": "refresh", "deployment": "refresh", "throughput": "refresh", "keys": "refresh"}
        assert refreshed.summary.resource_changes.get("update", 0) == 0 and refreshed.summary.resource_changes.get("delete", 0) == 0
        assert set(resources(stack)) == {"profile", "deployment", "throughput", "keys"}

        steps = Steps()
        stack.destroy(on_event=steps)
        assert steps.kinds() == {"profile": "delete", "deployment": "delete", "throughput": "delete", "keys": "delete"}
        assert live_resources(bedrock_emulator, REGION) == {"profile": [], "deployment": [], "throughput": []}
        assert resources(stack) == {}
