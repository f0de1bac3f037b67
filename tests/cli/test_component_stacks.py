"""Whole programs with both components through the real Pulumi engine against the emulator:
preview with no credentials and no AWS call, up, tenants added and removed, tags changed in place,
moves between on-demand and provisioned, committed throughput, secrets in the state, refresh and
destroy. (``grant_invoke`` registers pulumi-aws resources, which the real engine here cannot run:
it is tested under ``pulumi.runtime.set_mocks`` in tests/components.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_bedrock_inference.components import InferenceEndpoint, InferenceProfileSet
from pulumi_bedrock_inference.providers import ApplicationInferenceProfile
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.emulator.catalogue import FOUNDATION_MODELS, INFERENCE_PROFILE_GEOGRAPHIES
from pulumi_bedrock_inference.testing.stack import cli, emulator_stack, resources

from .commands import live_resources, no_credentials
from .engine_events import run_with_steps

PROJECT = "bedrock-components"
REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
DEFAULT_TAGS = {"aws:defaultTags": json.dumps({"tags": {"env": "test"}})}


def program(custom_model: str, tenants: dict[str, Any], shared_tags: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        chat = InferenceEndpoint("chat", model=f"us.{HAIKU}", tags=shared_tags)
        tuned = InferenceEndpoint("tuned", model=custom_model, tags=shared_tags)
        batch = InferenceEndpoint("batch", model=HAIKU, provisioned_throughput={"model_units": 1}, tags=shared_tags)
        teams = InferenceProfileSet("teams", model=HAIKU, tenants=tenants, tags=shared_tags)
        for name, endpoint in (("chat", chat), ("tuned", tuned), ("batch", batch)):
            pulumi.export(f"{name}_model_id", endpoint.model_id)
            pulumi.export(f"{name}_policy", endpoint.invoke_policy)
            pulumi.export(f"{name}_regions", endpoint.regions)
        pulumi.export("team_model_ids", teams.model_ids)
        pulumi.export("team_policies", teams.invoke_policies)

    return run


@pytest.fixture
def custom_model(bedrock_emulator: BedrockEmulator) -> str:
    return bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU, REGION)


def values(result: Any) -> dict[str, Any]:
    return {key: output.value for key, output in result.outputs.items()}


def profile_models(emulator: BedrockEmulator, arn: str) -> list[str]:
    return [m["modelArn"] for m in emulator.client(REGION).get_inference_profile(inferenceProfileIdentifier=arn)["models"]]


def tags_of(emulator: BedrockEmulator, arn: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in emulator.client(REGION).list_tags_for_resource(resourceARN=arn)["tags"]}


def changed(kinds: dict[str, str]) -> dict[str, str]:
    return {name: kind for name, kind in kinds.items() if kind != "same"}


def test_components_life_cycle(bedrock_emulator: BedrockEmulator, custom_model: str) -> None:
    tags = {"app": "assistant"}
    tenants = {"search": {"tags": {"cost-center": "42"}}, "chat": {}}
    with emulator_stack(program(custom_model, tenants, tags), bedrock_emulator, project=PROJECT, config=DEFAULT_TAGS) as stack:
        bedrock_emulator.reset_log()
        with no_credentials():
            preview, kinds = run_with_steps(stack.preview)
        assert set(kinds.values()) == {"create"}
        assert {"chat-profile", "tuned-deployment", "batch-throughput", "teams[search]", "teams[chat]"} <= set(kinds)
        assert bedrock_emulator.counts() == {}

        up, kinds = run_with_steps(stack.up)
        assert {kinds[n] for n in ("chat", "tuned", "batch", "teams", "chat-profile", "tuned-deployment",
                                    "batch-throughput", "teams[search]", "teams[chat]")} == {"create"}
        outputs = values(up)

        # the policies hold the exact ARNs the service reports, in every region the profiles route to
        chat_arn = outputs["chat_model_id"]
        chat_models = profile_models(bedrock_emulator, chat_arn)
        assert {m.split(":")[3] for m in chat_models} == set(INFERENCE_PROFILE_GEOGRAPHIES["us"].destination_regions)
        assert outputs["chat_regions"] == sorted(INFERENCE_PROFILE_GEOGRAPHIES["us"].destination_regions)
        (through,) = [s for s in json.loads(outputs["chat_policy"])["Statement"] if "Condition" in s]
        assert sorted(through["Resource"]) == sorted(chat_models)
        assert through["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": chat_arn}}
        deployment = bedrock_emulator.client(REGION).get_custom_model_deployment(customModelDeploymentIdentifier=outputs["tuned_model_id"])
        assert deployment["modelArn"] == custom_model
        throughput = bedrock_emulator.client(REGION).get_provisioned_model_throughput(provisionedModelId=outputs["batch_model_id"])
        assert throughput["status"] == "InService" and outputs["batch_regions"] == [REGION]
        team_ids = outputs["team_model_ids"]
        assert set(team_ids) == {"search", "chat"}
        assert tags_of(bedrock_emulator, team_ids["search"]) == {"env": "test", "app": "assistant", "cost-center": "42", "tenant": "search"}
        for tenant, arn in team_ids.items():
            (team_through,) = [s for s in json.loads(outputs["team_policies"][tenant])["Statement"] if "Condition" in s]
            assert team_through["Resource"] == profile_models(bedrock_emulator, arn) == [FOUNDATION_MODELS[HAIKU].arn(REGION)]

        bedrock_emulator.reset_log()
        again, kinds = run_with_steps(stack.preview, expect_no_changes=True)
        assert set(kinds.values()) == {"same"}
        assert bedrock_emulator.counts() == {}

        stack.workspace.program = program(custom_model, {**tenants, "ads": {}}, tags)
        added, kinds = run_with_steps(stack.up)
        assert changed(kinds) == {"teams[ads]": "create"}
        assert values(added)["team_model_ids"] == {**team_ids, "ads": values(added)["team_model_ids"]["ads"]}

        stack.workspace.program = program(custom_model, {"search": tenants["search"], "ads": {}}, tags)
        removed, kinds = run_with_steps(stack.up)
        assert changed(kinds) == {"teams[chat]": "delete"}
        remaining = {arn for _, arn in live_resources(bedrock_emulator, REGION)["profile"]}
        assert team_ids["chat"] not in remaining and team_ids["search"] in remaining

        stack.workspace.program = program(custom_model, {"search": {"tags": {"cost-center": "43"}}, "ads": {}}, {"app": "assistant-2"})
        retagged, kinds = run_with_steps(stack.up)
        for child in ("chat-profile", "tuned-deployment", "batch-throughput", "teams[search]", "teams[ads]"):
            assert kinds[child] == "update", (child, kinds[child])
        assert values(retagged)["chat_model_id"] == chat_arn and values(retagged)["team_model_ids"]["search"] == team_ids["search"]
        assert tags_of(bedrock_emulator, team_ids["search"]) == {"env": "test", "app": "assistant-2", "cost-center": "43", "tenant": "search"}
        assert tags_of(bedrock_emulator, chat_arn) == {"env": "test", "app": "assistant-2"}

        refreshed = stack.refresh()
        assert set(refreshed.summary.resource_changes) == {"same"}

        destroyed, kinds = run_with_steps(stack.destroy)
        assert set(kinds.values()) == {"delete"}
        assert resources(stack) == {}
        assert live_resources(bedrock_emulator, REGION) == {"profile": [], "deployment": [], "throughput": []}


def endpoint(provisioned: bool) -> Callable[[], None]:
    def run_program() -> None:
        chat = InferenceEndpoint("chat", model=HAIKU, provisioned_throughput={"model_units": 1} if provisioned else None)
        pulumi.export("model_id", chat.model_id)
        pulumi.export("kind", chat.kind)

    return run_program


def test_moving_between_on_demand_and_provisioned_replaces_the_child(bedrock_emulator: BedrockEmulator) -> None:
    with emulator_stack(endpoint(False), bedrock_emulator, project=PROJECT) as stack:
        on_demand = values(stack.up())
        assert on_demand["kind"] == "profile"
        stack.workspace.program = endpoint(True)
        up, kinds = run_with_steps(stack.up)
        assert changed(kinds) == {"chat-throughput": "create", "chat-profile": "delete"}
        assert values(up)["kind"] == "provisioned" and ":provisioned-model/" in values(up)["model_id"]
        assert live_resources(bedrock_emulator, REGION)["profile"] == []
        stack.workspace.program = endpoint(False)
        back, kinds = run_with_steps(stack.up)
        assert changed(kinds) == {"chat-profile": "create", "chat-throughput": "delete"}
        assert live_resources(bedrock_emulator, REGION)["throughput"] == []
        stack.destroy()


def test_preview_lets_unknown_inputs_through_to_the_providers_checks(bedrock_emulator: BedrockEmulator, custom_model: str) -> None:
    def run_program() -> None:
        base = ApplicationInferenceProfile("base", model_source={"copy_from": HAIKU})
        # unknown in a preview: the profile's ARN is computed by AWS
        tuned = InferenceEndpoint("tuned", model=base.arn.apply(lambda _: custom_model), custom_model=True, tags={"team": "ml"})
        pulumi.export("policy", tuned.invoke_policy)
        pulumi.export("kind", tuned.kind)

    with emulator_stack(run_program, bedrock_emulator, project=PROJECT) as stack:
        bedrock_emulator.reset_log()
        preview, kinds = run_with_steps(stack.preview)
        assert kinds["tuned-deployment"] == "create"
        assert bedrock_emulator.counts() == {}
        up = values(stack.up())
        assert up["kind"] == "deployment" and custom_model not in up["policy"]
        stack.destroy()


def test_profile_set_tags_all_is_secret_only_when_a_tag_is(bedrock_emulator: BedrockEmulator) -> None:
    def program_with(secret_owner: bool) -> Callable[[], None]:
        def run_program() -> None:
            owner = pulumi.Output.secret("alice") if secret_owner else "alice"
            InferenceProfileSet("teams", model=HAIKU, tenants={"a": {"tags": {"x": "1"}}, "b": {}}, tags={"owner": owner})

        return run_program

    def secret_outputs(stack: auto.Stack, name: str) -> set[str]:
        outputs = resources(stack)[name]["outputs"]
        return {key for key, value in outputs.items() if isinstance(value, dict) and "ciphertext" in value}

    with emulator_stack(program_with(False), bedrock_emulator, project=PROJECT) as stack:
        stack.up()
        assert [secret_outputs(stack, name) for name in ("teams[a]", "teams[b]")] == [set(), set()]
        stack.workspace.program = program_with(True)
        stack.up()
        assert [secret_outputs(stack, name) for name in ("teams[a]", "teams[b]")] == [{"tags_all"}, {"tags_all"}]
        stack.destroy()

    with emulator_stack(program_with(True), bedrock_emulator, project=PROJECT, stack="secret-from-the-start") as stack:
        stack.up()
        state = resources(stack)
        for name in ("teams[a]", "teams[b]"):
            assert "ciphertext" in state[name]["outputs"]["tags"]["owner"] and "ciphertext" in state[name]["outputs"]["tags_all"]
        assert "alice" not in json.dumps(state)
        stack.destroy()


def committed(model_units: int | None, **options: Any) -> Callable[[], None]:
    """``batch`` on one-month committed throughput of ``model_units``, or on demand (``None``)."""

    def run_program() -> None:
        throughput = {"model_units": model_units, "commitment_duration": "OneMonth"} if model_units else None
        batch = InferenceEndpoint("batch", model=HAIKU, provisioned_throughput=throughput, **options)
        pulumi.export("model_id", batch.model_id)

    return run_program


def aws_writes(emulator: BedrockEmulator) -> set[str]:
    """Bedrock calls that change something (the set's cost-allocation-tag activation is Cost Explorer's)."""
    return {op for op in emulator.counts() if not op.startswith(("Get", "List")) and op != "UpdateCostAllocationTagsStatus"}


def throughputs(emulator: BedrockEmulator) -> list[str]:
    return [arn for _, arn in live_resources(emulator, REGION)["throughput"]]


def past_expiry(emulator: BedrockEmulator, arn: str) -> None:
    expires = emulator.client(REGION).get_provisioned_model_throughput(provisionedModelId=arn)["commitmentExpirationTime"]
    emulator.advance((expires - emulator.now()).total_seconds() + 60)


def test_leaving_a_commitment_waits_for_its_end_then_takes_one_up(bedrock_emulator: BedrockEmulator) -> None:
    with emulator_stack(committed(1), bedrock_emulator, project=PROJECT) as stack:
        arn = values(stack.up())["model_id"]
        assert resources(stack)["batch-throughput"].get("protect", False) is False

        # To on demand while the commitment runs: the profile is created, the throughput's delete is
        # refused by the provider (AWS's clock), nothing is deleted, and every later up says the same.
        stack.workspace.program = committed(None)
        for _ in range(2):
            bedrock_emulator.reset_log()
            with pytest.raises(auto.CommandError, match="CommitmentNotExpired"):
                stack.up()
            assert "DeleteProvisionedModelThroughput" not in bedrock_emulator.counts()
            assert throughputs(bedrock_emulator) == [arn]

        # Other units while it runs: a delete-first replacement that stops at the delete, buying nothing.
        stack.workspace.program = committed(2)
        bedrock_emulator.reset_log()
        with pytest.raises(auto.CommandError, match="CommitmentNotExpired"):
            stack.up()
        assert "CreateProvisionedModelThroughput" not in bedrock_emulator.counts()
        assert throughputs(bedrock_emulator) == [arn]

        # Once it has ended, the move to on demand is one up.
        past_expiry(bedrock_emulator, arn)
        stack.workspace.program = committed(None)
        up, kinds = run_with_steps(stack.up)
        assert kinds["batch-throughput"] == "delete" and throughputs(bedrock_emulator) == []
        assert ":application-inference-profile/" in values(up)["model_id"]
        stack.destroy()


def test_protect_commitment_is_lifted_with_the_command_the_engine_names(bedrock_emulator: BedrockEmulator) -> None:
    with emulator_stack(committed(1, protect_commitment=True), bedrock_emulator, project=PROJECT) as stack:
        arn = values(stack.up())["model_id"]
        throughput = resources(stack)["batch-throughput"]
        assert throughput["protect"] is True

        bedrock_emulator.reset_log()
        with pytest.raises(auto.CommandError) as refused:
            stack.destroy()
        assert "cannot be deleted" in str(refused.value) and "because it is protected" in str(refused.value)
        assert f"pulumi state unprotect '{throughput['urn']}'" in str(refused.value)
        assert aws_writes(bedrock_emulator) == set()

        # protect_commitment=False clears the flag with no AWS call; the provider then refuses the
        # delete while the commitment runs, deleting nothing
        stack.workspace.program = committed(1, protect_commitment=False)
        bedrock_emulator.reset_log()
        assert set(run_with_steps(stack.up)[1].values()) == {"same"} and aws_writes(bedrock_emulator) == set()
        assert resources(stack)["batch-throughput"].get("protect", False) is False
        with pytest.raises(auto.CommandError, match="CommitmentNotExpired") as refused:
            stack.destroy()
        assert "Nothing was deleted" in str(refused.value)
        assert throughputs(bedrock_emulator) == [arn]

        # moving away with protect still set: the engine names the command; after it, one up
        stack.workspace.program = committed(1, protect_commitment=True)
        stack.up()
        past_expiry(bedrock_emulator, arn)
        stack.workspace.program = committed(None)
        with pytest.raises(auto.CommandError) as protected:
            stack.up()
        command = f"pulumi state unprotect '{throughput['urn']}'"
        assert command in str(protected.value)
        cli(stack, "state", "unprotect", throughput["urn"], "--yes")
        stack.up()
        assert throughputs(bedrock_emulator) == []
        stack.destroy()
        assert resources(stack) == {}


class SetNamedTheOldWay(pulumi.ComponentResource):
    """An InferenceProfileSet as stacks deployed before ``<set>[<key>]`` child names hold it: the
    component's type token, a child named ``<set>-<key>`` with the tenant tag."""

    def __init__(self, name: str, keys: list[str]) -> None:
        super().__init__("bedrock-inference:index:InferenceProfileSet", name)
        for key in keys:
            ApplicationInferenceProfile(f"{name}-{key}", model_source={"copy_from": HAIKU}, tags={"tenant": key},
                                        opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def test_children_named_the_old_way_and_renamed_tenants_keep_their_profiles(bedrock_emulator: BedrockEmulator) -> None:
    def new_program(tenants: dict[str, Any]) -> Callable[[], None]:
        def run_program() -> None:
            pulumi.export("ids", InferenceProfileSet("teams", model=HAIKU, tenants=tenants).model_ids)

        return run_program

    with emulator_stack(lambda: SetNamedTheOldWay("teams", ["search", "chat"]), bedrock_emulator, project=PROJECT) as stack:
        stack.up()
        before = {name: r["outputs"]["arn"] for name, r in resources(stack).items() if "arn" in r.get("outputs", {})}
        assert set(before) == {"teams-search", "teams-chat"}

        stack.workspace.program = new_program({"search": {}, "chat": {}})
        bedrock_emulator.reset_log()
        up, kinds = run_with_steps(stack.up)
        assert kinds["teams[search]"] in ("same", "update") and kinds["teams[chat]"] in ("same", "update")
        assert values(up)["ids"] == {"search": before["teams-search"], "chat": before["teams-chat"]}
        assert aws_writes(bedrock_emulator) <= {"TagResource", "UntagResource"}

        # a renamed tenant names its previous key: same profile, same ARN and AWS name, tag updated
        names = {arn: name for name, arn in live_resources(bedrock_emulator, REGION)["profile"]}
        stack.workspace.program = new_program({"find": {"previous_keys": ["search"]}, "chat": {}})
        bedrock_emulator.reset_log()
        renamed, kinds = run_with_steps(stack.up)
        assert kinds["teams[find]"] == "update"
        assert values(renamed)["ids"]["find"] == before["teams-search"]
        assert aws_writes(bedrock_emulator) <= {"TagResource", "UntagResource"}
        assert tags_of(bedrock_emulator, before["teams-search"])["tenant"] == "find"
        after = {arn: name for name, arn in live_resources(bedrock_emulator, REGION)["profile"]}
        assert after == names
        stack.destroy()
