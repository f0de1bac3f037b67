"""Replacements under the real engine (issue 14, 3e), as README "Names, client tokens and
renames" and "Resource options" describe them:

- an input that replaces gives a fresh autoname, created before the old resource is deleted; an
  explicit name that stays the same is deleted first; a replacement forced by
  ``replacement_trigger`` gets a fresh autoname too;
- ``pulumi up --replace`` (the engine's only Check has no olds, and it calls no Diff):
  with ``delete_before_replace=True`` a new resource under the same name, without it the create
  resolves to the old resource, which the engine then deletes (the README's known limit);
- ``replace_on_changes`` has no effect; ``ignore_changes`` hides a change; ``retain_on_delete``
  leaves the resource in AWS and a later ``up`` takes it back;
- a committed throughput: ``protect`` refuses before any AWS call, the provider deletes first and
  the commitment refuses it (nothing new bought), ``delete_before_replace=False`` buys a second
  throughput and keeps the old one pending deletion.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile, ProvisionedModelThroughput
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack, resources

from .commands import live_resources

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"


def writes(emulator: BedrockEmulator) -> list[tuple[str, str]]:
    """(operation, name or ARN) of every logged create and delete, in order."""
    logged = []
    for request in emulator.requests():
        operation, params = request["operation"], request["params"]
        if operation.startswith(("Create", "Delete")):
            logged.append((operation, params.get("inferenceProfileName") or params.get("provisionedModelName")
                           or params.get("inferenceProfileIdentifier") or params.get("provisionedModelId")))
    return logged


def test_replacing_input_and_replacement_trigger_create_first_explicit_name_deletes_first(
    bedrock_emulator: BedrockEmulator,
) -> None:
    wanted: dict[str, Any] = {"description": "first", "trigger": "a"}

    def program() -> None:
        auto_named = ApplicationInferenceProfile(
            "chat", model_source={"copy_from": HAIKU}, description=wanted["description"],
            opts=pulumi.ResourceOptions(replacement_trigger=wanted["trigger"]))
        named = ApplicationInferenceProfile(
            "named", name="named-profile", model_source={"copy_from": HAIKU}, description=wanted["description"])
        pulumi.export("chat", pulumi.Output.all(auto_named.name, auto_named.arn))
        pulumi.export("named", pulumi.Output.all(named.name, named.arn))

    with emulator_stack(program, bedrock_emulator) as stack:
        first = stack.up().outputs
        (chat, chat_arn), (named, named_arn) = first["chat"].value, first["named"].value

        wanted["description"] = "second"
        bedrock_emulator.reset_log()
        second = stack.up()
        assert second.summary.resource_changes == {"replace": 2, "same": 1}
        (new_chat, new_chat_arn), (same_named, new_named_arn) = second.outputs["chat"].value, second.outputs["named"].value
        assert new_chat != chat and new_chat.startswith("chat-") and same_named == named
        log = writes(bedrock_emulator)
        assert log.index(("CreateInferenceProfile", new_chat)) < log.index(("DeleteInferenceProfile", chat_arn))
        assert log.index(("DeleteInferenceProfile", named_arn)) < log.index(("CreateInferenceProfile", named))
        assert live_resources(bedrock_emulator)["profile"] == sorted([(new_chat, new_chat_arn), (named, new_named_arn)])

        wanted["trigger"] = "b"
        bedrock_emulator.reset_log()
        third = stack.up()
        assert third.summary.resource_changes == {"replace": 1, "same": 2}
        forced, forced_arn = third.outputs["chat"].value
        assert forced not in (chat, new_chat) and forced.startswith("chat-")
        assert writes(bedrock_emulator) == [("CreateInferenceProfile", forced), ("DeleteInferenceProfile", new_chat_arn)]
        assert live_resources(bedrock_emulator)["profile"] == sorted([(forced, forced_arn), (named, new_named_arn)])


def test_up_replace_with_delete_before_replace_makes_a_new_profile_under_the_same_name(
    bedrock_emulator: BedrockEmulator, token_semantics: str
) -> None:
    def program() -> None:
        chat = ApplicationInferenceProfile(
            "chat", model_source={"copy_from": HAIKU}, opts=pulumi.ResourceOptions(delete_before_replace=True))
        pulumi.export("chat", pulumi.Output.all(chat.name, chat.arn))

    with emulator_stack(program, bedrock_emulator) as stack:
        name, arn = stack.up().outputs["chat"].value
        urn = resources(stack)["chat"]["urn"]
        bedrock_emulator.reset_log()
        preview = stack.preview(replace=[urn])
        assert preview.change_summary == {"replace": 1, "same": 1}
        assert bedrock_emulator.counts() == {}  # the preview stays offline

        replaced = stack.up(replace=[urn])

        assert replaced.summary.resource_changes == {"replace": 1, "same": 1}
        new_name, new_arn = replaced.outputs["chat"].value
        assert new_name == name and new_arn != arn
        assert writes(bedrock_emulator)[0] == ("DeleteInferenceProfile", arn)
        assert live_resources(bedrock_emulator)["profile"] == [(name, new_arn)]
        assert stack.up().summary.resource_changes == {"same": 2}  # no --replace: nothing happens


def test_up_replace_without_delete_before_replace_deletes_the_profile_it_kept(
    bedrock_emulator: BedrockEmulator, token_semantics: str
) -> None:
    def program() -> None:
        chat = ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU})
        pulumi.export("chat", pulumi.Output.all(chat.name, chat.arn))

    with emulator_stack(program, bedrock_emulator) as stack:
        name, arn = stack.up().outputs["chat"].value
        bedrock_emulator.reset_log()

        replaced = stack.up(replace=[resources(stack)["chat"]["urn"]])

        # The create sends the old name and client token, and AWS answers with the old profile
        # (under both readings of client tokens: it still exists); the engine then deletes it.
        assert replaced.summary.resource_changes == {"replace": 1, "same": 1}
        assert replaced.outputs["chat"].value == [name, arn]
        assert writes(bedrock_emulator) == [("CreateInferenceProfile", name), ("DeleteInferenceProfile", arn)]
        assert live_resources(bedrock_emulator)["profile"] == []

        # What the README says to do next: refresh drops it, the next up creates it anew.
        assert stack.refresh().summary.resource_changes == {"delete": 1, "same": 1}
        again = stack.up()
        assert again.summary.resource_changes == {"create": 1, "same": 1}
        new_name, new_arn = again.outputs["chat"].value
        assert new_name == name and new_arn != arn
        assert live_resources(bedrock_emulator)["profile"] == [(name, new_arn)]


def test_replace_on_changes_ignore_changes_and_retain_on_delete(bedrock_emulator: BedrockEmulator) -> None:
    wanted: dict[str, Any] = {"tags": {"team": "a"}, "description": None, "retain": None, "declared": True}

    def program() -> None:
        if not wanted["declared"]:
            return
        chat = ApplicationInferenceProfile(
            "chat", model_source={"copy_from": HAIKU}, description=wanted["description"], tags=wanted["tags"],
            opts=pulumi.ResourceOptions(
                replace_on_changes=["tags"], ignore_changes=["description"], retain_on_delete=wanted["retain"]))
        pulumi.export("chat", pulumi.Output.all(chat.name, chat.arn))

    with emulator_stack(program, bedrock_emulator) as stack:
        name, arn = stack.up().outputs["chat"].value

        wanted["tags"] = {"team": "b"}
        bedrock_emulator.reset_log()
        tagged = stack.up()
        assert tagged.summary.resource_changes == {"update": 1, "same": 1}  # replace_on_changes: no effect
        assert writes(bedrock_emulator) == [] and bedrock_emulator.count("TagResource") == 1

        wanted["description"] = "ignored"
        bedrock_emulator.reset_log()
        assert stack.up().summary.resource_changes == {"same": 2}
        assert bedrock_emulator.counts() == {}

        wanted.update(description=None, retain=True)
        stack.up()
        wanted["declared"] = False
        bedrock_emulator.reset_log()
        assert stack.up().summary.resource_changes == {"delete": 1, "same": 1}
        assert writes(bedrock_emulator) == [] and live_resources(bedrock_emulator)["profile"] == [(name, arn)]

        wanted["declared"] = True
        back = stack.up()
        assert back.summary.resource_changes == {"create": 1, "same": 1}
        assert back.outputs["chat"].value == [name, arn]  # the same name: taken back, not duplicated
        assert live_resources(bedrock_emulator)["profile"] == [(name, arn)]


def test_committed_throughput_replacement(bedrock_emulator: BedrockEmulator) -> None:
    wanted: dict[str, Any] = {"units": 1, "protect": True, "delete_before_replace": None}

    def program() -> None:
        pt = ProvisionedModelThroughput(
            "pt", model_arn=HAIKU, model_units=wanted["units"], commitment_duration="OneMonth",
            opts=pulumi.ResourceOptions(protect=wanted["protect"], delete_before_replace=wanted["delete_before_replace"]))
        pulumi.export("arn", pt.provisioned_model_arn)

    with emulator_stack(program, bedrock_emulator) as stack:
        first = stack.up().outputs["arn"].value

        wanted["units"] = 2
        bedrock_emulator.reset_log()
        with pytest.raises(auto.CommandError) as protected:
            stack.up()
        assert "as it is currently marked for protection" in str(protected.value)
        assert [op for op in bedrock_emulator.counts() if not op.startswith(("Get", "List"))] == []

        wanted.update(units=1, protect=False)
        stack.up()
        wanted["units"] = 2
        bedrock_emulator.reset_log()
        with pytest.raises(auto.CommandError) as committed:
            stack.up()
        assert "commitmentExpirationTime" in str(committed.value)
        assert [op for op in bedrock_emulator.counts() if not op.startswith(("Get", "List"))] == []
        assert [arn for _, arn in live_resources(bedrock_emulator)["throughput"]] == [first]
        state = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("ProvisionedModelThroughput")]
        assert [(r["id"], r.get("delete", False)) for r in state] == [(first, False)]

        wanted["delete_before_replace"] = False
        with pytest.raises(auto.CommandError) as second_bought:
            stack.up()
        assert "commitmentExpirationTime" in str(second_bought.value)
        state = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("ProvisionedModelThroughput")]
        second = next(r for r in state if not r.get("delete"))
        assert second["id"] != first and second["outputs"]["model_units"] == 2
        assert [(r["id"], r.get("delete")) for r in state if r.get("delete")] == [(first, True)]
        assert sorted(arn for _, arn in live_resources(bedrock_emulator)["throughput"]) == sorted([first, second["id"]])
