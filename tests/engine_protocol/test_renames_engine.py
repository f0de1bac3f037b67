"""Renames and replacements through the real `python -m pulumi.dynamic` process (issue 7 §2).

The requests are those the engine sends: after ``pulumi stack rename dev prod`` (or an
``aliases`` rename, or a project rename) Check gets the old inputs, old ``_autoname`` seed and old
name included, as olds, and the new seed in news; Diff gets the old outputs. A replacement is
checked again with empty olds, then created before the old one is deleted.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, with_provider

PROFILE_TYPE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"
THROUGHPUT_TYPE = "pulumi-python:dynamic/bedrock:ProvisionedModelThroughput"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"


def urn(stack: str, type_: str, name: str, project: str = "proj") -> str:
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def profile(seed: str, **values: Any) -> dict[str, Any]:
    props = {"model_source": {"copy_from": HAIKU}, "_autoname": seed, "arn": None, "tags_all": None, **values}
    return with_provider(props, ApplicationInferenceProfileProvider())


def throughput(seed: str, **values: Any) -> dict[str, Any]:
    props = {"model_arn": NOVA_PRO, "model_units": 1, "_autoname": seed, "provisioned_model_arn": None, **values}
    return with_provider(props, ProvisionedModelThroughputProvider())


@pytest.mark.parametrize(
    ("new_project", "new_stack", "new_name"),
    [("proj", "prod", "chat"), ("proj", "dev", "assistant"), ("renamed", "dev", "chat")],
    ids=["stack-rename", "alias-rename", "project-rename"],
)
def test_a_rename_keeps_the_profile_and_its_name(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator, new_project: str, new_stack: str, new_name: str
) -> None:
    old_urn = urn("dev", PROFILE_TYPE, "chat")
    checked = engine.check(old_urn, {}, profile("proj/dev/chat"))
    created = engine.create(old_urn, checked.inputs)

    new_urn = urn(new_stack, PROFILE_TYPE, new_name, new_project)
    rechecked = engine.check(new_urn, checked.inputs, profile(f"{new_project}/{new_stack}/{new_name}"))
    assert rechecked.failures == []
    assert rechecked.inputs["name"] == created.outputs["name"]
    assert engine.diff(new_urn, created.id, created.outputs, rechecked.inputs, checked.inputs).changes == "none"
    assert bedrock_emulator.counts() == {"CreateInferenceProfile": 1, "GetInferenceProfile": 1}


def test_a_throughput_model_change_that_replaces_gets_a_new_name_and_creates_before_deleting(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator
) -> None:
    the_urn = urn("dev", THROUGHPUT_TYPE, "pt")
    checked = engine.check(the_urn, {}, throughput("proj/dev/pt"))
    created = engine.create(the_urn, checked.inputs)

    # After a stack rename too: the seed moved, and the model change replaces.
    new_urn = urn("prod", THROUGHPUT_TYPE, "pt")
    first = engine.check(new_urn, checked.inputs, throughput("proj/prod/pt", model_arn=NOVA_LITE))
    diff = engine.diff(new_urn, created.id, created.outputs, first.inputs, checked.inputs)
    assert "model_arn" in diff.replaces and diff.delete_before_replace is False
    replacement = engine.check(new_urn, {}, throughput("proj/prod/pt", model_arn=NOVA_LITE))
    assert replacement.inputs["provisioned_model_name"] != created.outputs["provisioned_model_name"]

    new = engine.create(new_urn, replacement.inputs)  # create-before-delete: the old one still exists
    assert new.id != created.id
    engine.delete(new_urn, created.id, created.outputs)
    names = [p["provisionedModelName"] for p in bedrock_emulator.client().list_provisioned_model_throughputs()["provisionedModelSummaries"]]
    assert names == [replacement.inputs["provisioned_model_name"]]


def test_a_throughput_rename_with_an_in_place_change_keeps_its_name(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    old_urn = urn("dev", THROUGHPUT_TYPE, "pt")
    checked = engine.check(old_urn, {}, throughput("proj/dev/pt"))
    created = engine.create(old_urn, checked.inputs)
    new_urn = urn("prod", THROUGHPUT_TYPE, "pt")
    rechecked = engine.check(new_urn, checked.inputs, throughput("proj/prod/pt", tags={"team": "ml"}))
    assert rechecked.inputs["provisioned_model_name"] == created.outputs["provisioned_model_name"]
    diff = engine.diff(new_urn, created.id, created.outputs, rechecked.inputs, checked.inputs)
    assert diff.changes == "some" and diff.replaces == []
    updated = engine.update(new_urn, created.id, created.outputs, rechecked.inputs)
    assert updated.outputs["provisioned_model_name"] == created.outputs["provisioned_model_name"]
    assert bedrock_emulator.count("UpdateProvisionedModelThroughput") == 0  # not renamed in AWS


SET_CHILD_TYPE = f"bedrock-inference:index:InferenceProfileSet${PROFILE_TYPE}"


@pytest.mark.parametrize("old_name", ["teams-search", "teams[search]"], ids=["earlier-child-name", "previous-key"])
def test_a_renamed_tenant_keeps_its_profile_and_only_its_tenant_tag_changes(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator, old_name: str
) -> None:
    """InferenceProfileSet tenant ``search`` renamed ``find`` with ``previous_keys=["search"]``: the
    engine finds the old state through the alias (tests/components/test_inference_profile_set.py)
    and sends what follows; the profile keeps its ARN and AWS name, and its tag follows the key."""
    old_urn = urn("dev", SET_CHILD_TYPE, old_name)
    checked = engine.check(old_urn, {}, profile(f"proj/dev/{old_name}", tags={"tenant": "search"}))
    created = engine.create(old_urn, checked.inputs)

    new_urn = urn("dev", SET_CHILD_TYPE, "teams[find]")
    rechecked = engine.check(new_urn, checked.inputs, profile("proj/dev/teams[find]", tags={"tenant": "find"}))
    assert rechecked.failures == [] and rechecked.inputs["name"] == created.outputs["name"]
    diff = engine.diff(new_urn, created.id, created.outputs, rechecked.inputs, checked.inputs)
    assert diff.changes == "some" and diff.replaces == []
    updated = engine.update(new_urn, created.id, created.outputs, rechecked.inputs)
    assert updated.outputs["arn"] == created.id
    client = bedrock_emulator.client()
    assert client.list_tags_for_resource(resourceARN=created.id)["tags"] == [{"key": "tenant", "value": "find"}]
    assert bedrock_emulator.count("CreateInferenceProfile") == 1 and bedrock_emulator.count("DeleteInferenceProfile") == 0
