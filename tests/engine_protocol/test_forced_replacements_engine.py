"""Replacements the engine forces with no input change, through the real `python -m pulumi.dynamic`
process, under both readings of client tokens.

The calls are those of pulumi/pulumi ``pkg/resource/deploy/step_generator.go``, one provider
process per deployment:

- ``replace_with`` / ``deleted_with`` / ``replacement_trigger``: ``continueStepsFromImport``
  checks with the old inputs as olds and the registration's random seed (drawn once in
  ``generateResourceSteps``); ``stepGenerator.diff`` (or ``shouldTriggerReplace``) answers
  "replace" without calling the provider's Diff; ``continueStepsFromDiff`` checks again with no
  olds and the same seed, then ``CreateReplacementStep`` creates and the old resource is deleted last.
- ``pulumi up --replace <urn>`` / a tainted resource: ``isTargetedReplace`` makes the only Check
  one with no olds, Diff is not called and there is no second Check: the provider sees exactly
  what it sees for a new resource, or for a create resumed after a crash.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import with_provider

from .conftest import deployment

PROFILE_URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat"
THROUGHPUT_URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ProvisionedModelThroughput::pt"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def profile(**values: Any) -> dict[str, Any]:
    props = {"model_source": {"copy_from": HAIKU}, "_autoname": "proj/dev/chat", "arn": None, "tags_all": None, **values}
    return with_provider(props, ApplicationInferenceProfileProvider())


def throughput(**values: Any) -> dict[str, Any]:
    props = {"model_arn": "amazon.nova-pro-v1:0", "model_units": 1, "_autoname": "proj/dev/pt",
             "provisioned_model_arn": None, **values}
    return with_provider(props, ProvisionedModelThroughputProvider())


def profile_names(emulator: BedrockEmulator) -> list[str]:
    listed = emulator.client().list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    return sorted(p["inferenceProfileName"] for p in listed)


def first_up(urn: str, news: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    with deployment() as engine:
        checked = engine.check(urn, {}, news)
        return checked.inputs, engine.create(urn, checked.inputs)


@pytest.mark.usefixtures("token_semantics")
def test_replace_with_makes_a_new_profile_under_a_new_name_then_deletes_the_old(bedrock_emulator: BedrockEmulator) -> None:
    inputs, created = first_up(PROFILE_URN, profile())
    with deployment() as engine:
        seed = secrets.token_bytes(32)
        first = engine.check(PROFILE_URN, inputs, profile(), seed)
        assert first.inputs["name"] == created.outputs["name"]  # nothing replacing changed
        # stepGenerator.diff: ReplaceKeys ["replaceWith"], no provider Diff; then the re-Check.
        replacement = engine.check(PROFILE_URN, {}, profile(), seed)
        assert replacement.failures == []
        assert replacement.inputs["name"] != created.outputs["name"]
        new = engine.create(PROFILE_URN, replacement.inputs)
        assert new.id != created.id
        engine.delete(PROFILE_URN, created.id, created.outputs)
    assert profile_names(bedrock_emulator) == [replacement.inputs["name"]]
    assert bedrock_emulator.client().get_inference_profile(inferenceProfileIdentifier=new.id)["status"] == "ACTIVE"


@pytest.mark.usefixtures("token_semantics")
def test_a_crashed_forced_replacement_resumes_the_same_new_resource(bedrock_emulator: BedrockEmulator) -> None:
    inputs, created = first_up(PROFILE_URN, profile())
    with deployment() as engine:  # killed right after AWS accepted the replacement's create
        seed = secrets.token_bytes(32)
        engine.check(PROFILE_URN, inputs, profile(), seed)
        replacement = engine.check(PROFILE_URN, {}, profile(), seed)
        lost = engine.create(PROFILE_URN, replacement.inputs)
    # The failed CreateReplacementStep left the old state as it was; the trigger still holds.
    with deployment() as engine:
        seed = secrets.token_bytes(32)
        engine.check(PROFILE_URN, inputs, profile(), seed)
        again = engine.check(PROFILE_URN, {}, profile(), seed)
        assert again.inputs["name"] == replacement.inputs["name"]
        resumed = engine.create(PROFILE_URN, again.inputs)
        assert resumed.id == lost.id
        engine.delete(PROFILE_URN, created.id, created.outputs)
    assert profile_names(bedrock_emulator) == [replacement.inputs["name"]]


@pytest.mark.usefixtures("token_semantics")
def test_a_second_forced_replacement_gets_yet_another_name(bedrock_emulator: BedrockEmulator) -> None:
    inputs, created = first_up(THROUGHPUT_URN, throughput())
    names = [created.outputs["provisioned_model_name"]]
    for _ in range(2):
        with deployment() as engine:
            seed = secrets.token_bytes(32)
            engine.check(THROUGHPUT_URN, inputs, throughput(), seed)
            replacement = engine.check(THROUGHPUT_URN, {}, throughput(), seed)
            new = engine.create(THROUGHPUT_URN, replacement.inputs)
            engine.delete(THROUGHPUT_URN, created.id, created.outputs)
        inputs, created = replacement.inputs, new
        names.append(created.outputs["provisioned_model_name"])
    assert len(set(names)) == 3
    listed = bedrock_emulator.client().list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert [p["provisionedModelName"] for p in listed] == [names[-1]]


@pytest.mark.usefixtures("token_semantics")
def test_an_input_change_replacement_is_named_from_the_inputs_alone(bedrock_emulator: BedrockEmulator) -> None:
    inputs, created = first_up(PROFILE_URN, profile())
    with deployment() as engine:
        seed = secrets.token_bytes(32)
        first = engine.check(PROFILE_URN, inputs, profile(description="v2"), seed)
        diff = engine.diff(PROFILE_URN, created.id, created.outputs, first.inputs, inputs)
        assert "description" in diff.replaces
        replacement = engine.check(PROFILE_URN, {}, profile(description="v2"), seed)
    with deployment() as engine:  # the name a new resource with these inputs gets
        fresh = engine.check(PROFILE_URN, {}, profile(description="v2"))
    assert replacement.inputs["name"] == fresh.inputs["name"] != created.outputs["name"]


@pytest.mark.usefixtures("token_semantics")
def test_targeted_replace_checks_like_a_new_resource_and_needs_delete_before_replace(bedrock_emulator: BedrockEmulator) -> None:
    """``pulumi up --replace <urn>``: the only Check has no olds, so the provider computes the old
    name and token. With ``delete_before_replace=True`` (DeleteBeforeReplace then
    CreateReplacementStep) the old profile is deleted, and the create makes a new one under the
    same name: no orphan, nothing in state that does not exist."""
    inputs, created = first_up(PROFILE_URN, profile())
    with deployment() as engine:
        replacement = engine.check(PROFILE_URN, {}, profile())
        assert replacement.inputs["name"] == created.outputs["name"]
        engine.delete(PROFILE_URN, created.id, created.outputs)
        new = engine.create(PROFILE_URN, replacement.inputs)
    assert new.id != created.id
    assert profile_names(bedrock_emulator) == [created.outputs["name"]]
    assert bedrock_emulator.client().get_inference_profile(inferenceProfileIdentifier=new.id)["status"] == "ACTIVE"
