"""Whole programs with both components, through the engine simulator and the real provider process,
against the local Bedrock emulator: preview without credentials, up, up again, tenants added and
removed, tags changed, refresh and destroy; grant_invoke with the aws:iam resources mocked; and an
endpoint on committed throughput, protected with ``protect_commitment=True`` until it is set back to
false, then refused by the provider until the emulator's clock passes its commitment's end."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.output import Unknown

from pulumi_bedrock_inference.components import InferenceEndpoint, InferenceProfileSet
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.emulator.catalogue import FOUNDATION_MODELS, INFERENCE_PROFILE_GEOGRAPHIES
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError
from pulumi_bedrock_inference.testing.program import ResourceProtectedError, Stack

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "bedrock-components"
REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
CONFIG = {"aws:region": REGION, "aws:defaultTags": {"tags": {"env": "test"}}}


def without_aws(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith("AWS_")} | {
        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }


def program(custom_model: str, tenants: dict[str, Any], shared_tags: dict[str, str], grant: bool = False) -> Callable[[], None]:
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
        if grant:
            role = aws.iam.Role("app", name="app-role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
            chat.grant_invoke(role)
            teams.grant_invoke("search", "search-role", streaming=False)

    return run


@pytest.fixture
def custom_model(bedrock_emulator: BedrockEmulator) -> str:
    return bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU, REGION)


@pytest.fixture
def stack(bedrock_emulator: BedrockEmulator) -> Iterator[Stack]:
    with DynamicProviderProcess(cwd=ROOT, env=dict(os.environ), project=PROJECT) as process:
        yield Stack(PROJECT, "dev", CONFIG, process)


def profile_models(emulator: BedrockEmulator, arn: str) -> list[str]:
    return [m["modelArn"] for m in emulator.client(REGION).get_inference_profile(inferenceProfileIdentifier=arn)["models"]]


def tags_of(emulator: BedrockEmulator, arn: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in emulator.client(REGION).list_tags_for_resource(resourceARN=arn)["tags"]}


def test_preview_needs_no_credentials_and_makes_no_aws_call(bedrock_emulator: BedrockEmulator, custom_model: str) -> None:
    bedrock_emulator.reset_log()
    with DynamicProviderProcess(cwd=ROOT, env=without_aws(dict(os.environ)), project=PROJECT) as process:
        stack = Stack(PROJECT, "ci", CONFIG, process)
        result = stack.preview(program(custom_model, {"search": {}, "chat": {}}, {"app": "assistant"}))
    assert set(result.kinds().values()) == {"create"}
    assert {"chat-profile", "tuned-deployment", "batch-throughput", "teams[search]", "teams[chat]"} <= set(result.kinds())
    assert isinstance(result.outputs["chat_policy"], Unknown) and isinstance(result.outputs["team_policies"], Unknown)
    assert bedrock_emulator.counts() == {}


def test_up_up_again_tenants_tags_refresh_and_destroy(bedrock_emulator: BedrockEmulator, custom_model: str, stack: Stack) -> None:
    tags = {"app": "assistant"}
    first = stack.up(program(custom_model, {"search": {"tags": {"cost-center": "42"}}, "chat": {}}, tags))
    kinds = first.kinds()
    assert {kinds[n] for n in ("chat", "tuned", "batch", "teams", "chat-profile", "tuned-deployment", "batch-throughput", "teams[search]", "teams[chat]")} == {"create"}
    outputs = first.outputs

    # the policies hold the exact ARNs the service reports, in every region the profiles route to
    chat_arn = outputs["chat_model_id"]
    chat_models = profile_models(bedrock_emulator, chat_arn)
    assert {m.split(":")[3] for m in chat_models} == set(INFERENCE_PROFILE_GEOGRAPHIES["us"].destination_regions)
    assert outputs["chat_regions"] == sorted(INFERENCE_PROFILE_GEOGRAPHIES["us"].destination_regions)
    chat_policy = json.loads(outputs["chat_policy"])
    (through,) = [s for s in chat_policy["Statement"] if "Condition" in s]
    assert sorted(through["Resource"]) == sorted(chat_models)
    assert through["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": chat_arn}}
    system_arn = bedrock_emulator.client(REGION).get_inference_profile(inferenceProfileIdentifier=f"us.{HAIKU}")["inferenceProfileArn"]
    assert [s["Resource"] for s in chat_policy["Statement"] if s["Sid"] == "InvokeEndpoint"] == [[chat_arn, system_arn]]
    deployment = bedrock_emulator.client(REGION).get_custom_model_deployment(customModelDeploymentIdentifier=outputs["tuned_model_id"])
    assert deployment["modelArn"] == custom_model
    assert json.loads(outputs["tuned_policy"])["Statement"][0]["Resource"] == [outputs["tuned_model_id"]]
    throughput = bedrock_emulator.client(REGION).get_provisioned_model_throughput(provisionedModelId=outputs["batch_model_id"])
    assert throughput["status"] == "InService" and outputs["batch_regions"] == [REGION]
    team_ids = outputs["team_model_ids"]
    assert set(team_ids) == {"search", "chat"}
    assert tags_of(bedrock_emulator, team_ids["search"]) == {"env": "test", "app": "assistant", "cost-center": "42", "tenant": "search"}
    for tenant, arn in team_ids.items():
        (team_through,) = [s for s in json.loads(outputs["team_policies"][tenant])["Statement"] if "Condition" in s]
        assert team_through["Resource"] == profile_models(bedrock_emulator, arn) == [FOUNDATION_MODELS[HAIKU].arn(REGION)]
        assert team_through["Condition"]["ArnEquals"]["bedrock:InferenceProfileArn"] == arn

    bedrock_emulator.reset_log()
    again = stack.up(program(custom_model, {"search": {"tags": {"cost-center": "42"}}, "chat": {}}, tags))
    assert set(again.kinds().values()) == {"same"}
    assert again.outputs == outputs
    assert bedrock_emulator.counts() == {}

    added = stack.up(program(custom_model, {"search": {"tags": {"cost-center": "42"}}, "chat": {}, "ads": {}}, tags))
    changed = {name: kind for name, kind in added.kinds().items() if kind != "same"}
    assert changed == {"teams[ads]": "create"}
    assert added.outputs["team_model_ids"] == {**team_ids, "ads": added.outputs["team_model_ids"]["ads"]}

    removed = stack.up(program(custom_model, {"search": {"tags": {"cost-center": "42"}}, "ads": {}}, tags))
    changed = {name: kind for name, kind in removed.kinds().items() if kind != "same"}
    assert changed == {"teams[chat]": "delete"}
    remaining = {p["inferenceProfileArn"] for p in bedrock_emulator.client(REGION).list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]}
    assert team_ids["chat"] not in remaining and team_ids["search"] in remaining

    retagged = stack.up(program(custom_model, {"search": {"tags": {"cost-center": "43"}}, "ads": {}}, {"app": "assistant-2"}))
    kinds = retagged.kinds()
    for child in ("chat-profile", "tuned-deployment", "batch-throughput", "teams[search]", "teams[ads]"):
        assert kinds[child] == "update", (child, kinds[child])
    assert retagged.outputs["chat_model_id"] == chat_arn and retagged.outputs["team_model_ids"]["search"] == team_ids["search"]
    assert tags_of(bedrock_emulator, team_ids["search"]) == {"env": "test", "app": "assistant-2", "cost-center": "43", "tenant": "search"}
    assert tags_of(bedrock_emulator, chat_arn) == {"env": "test", "app": "assistant-2"}

    refreshed = stack.refresh()
    assert set(refreshed.kinds().values()) == {"same"}

    destroyed = stack.destroy()
    assert set(destroyed.kinds().values()) == {"delete"}
    assert len(stack.state) == 0
    client = bedrock_emulator.client(REGION)
    assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    assert client.list_custom_model_deployments()["modelDeploymentSummaries"] == []
    assert client.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []


def test_grant_invoke_with_mocked_iam(bedrock_emulator: BedrockEmulator, custom_model: str, stack: Stack) -> None:
    tenants = {"search": {}, "chat": {}}
    first = stack.up(program(custom_model, tenants, {}, grant=True))
    assert first.kinds()["chat-invoke-app"] == "create" and first.kinds()["teams-search-invoke-search-role"] == "create"
    _, chat_grant = stack.state.find("chat-invoke-app")
    assert chat_grant.type == "aws:iam/rolePolicy:RolePolicy" and chat_grant.parent.endswith("bedrock-inference:index:InferenceEndpoint::chat")
    assert chat_grant.inputs["role"] == "app-role" and chat_grant.inputs["policy"] == first.outputs["chat_policy"]
    _, team_grant = stack.state.find("teams-search-invoke-search-role")
    actions = {a for s in json.loads(team_grant.inputs["policy"])["Statement"] for a in s["Action"]}
    assert "bedrock:InvokeModelWithResponseStream" not in actions
    assert first.outputs["team_model_ids"]["search"] in team_grant.inputs["policy"]

    bedrock_emulator.reset_log()
    again = stack.up(program(custom_model, tenants, {}, grant=True))
    assert set(again.kinds().values()) == {"same"} and bedrock_emulator.counts() == {}
    stack.destroy()
    assert len(stack.state) == 0


def test_moving_between_on_demand_and_provisioned_replaces_the_child_and_model_id(bedrock_emulator: BedrockEmulator, stack: Stack) -> None:
    def endpoint(provisioned: bool) -> Callable[[], None]:
        def run() -> None:
            chat = InferenceEndpoint("chat", model=HAIKU, provisioned_throughput={"model_units": 1} if provisioned else None)
            pulumi.export("model_id", chat.model_id)
            pulumi.export("kind", chat.kind)

        return run

    on_demand = stack.up(endpoint(False))
    assert on_demand.outputs["kind"] == "profile"
    provisioned = stack.up(endpoint(True))
    assert {n: k for n, k in provisioned.kinds().items() if k != "same"} == {"chat-throughput": "create", "chat-profile": "delete"}
    assert provisioned.outputs["kind"] == "provisioned" and provisioned.outputs["model_id"] != on_demand.outputs["model_id"]
    assert ":provisioned-model/" in provisioned.outputs["model_id"]
    client = bedrock_emulator.client(REGION)
    assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    back = stack.up(endpoint(False))
    assert {n: k for n, k in back.kinds().items() if k != "same"} == {"chat-profile": "create", "chat-throughput": "delete"}
    assert client.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []
    stack.destroy()


def test_preview_lets_unknown_inputs_through_to_the_providers_checks(bedrock_emulator: BedrockEmulator, stack: Stack) -> None:
    def run() -> None:
        custom = aws.bedrock.CustomModel(
            "tuned-model",
            base_model_identifier=FOUNDATION_MODELS[HAIKU].arn(REGION),
            custom_model_name="tuned",
            job_name="tune-1",
            hyperparameters={"epochCount": "1"},
            output_data_config={"s3_uri": "s3://bucket/out/"},
            training_data_config={"s3_uri": "s3://bucket/train.jsonl"},
            role_arn="arn:aws:iam::123456789012:role/bedrock-tuning",
        )
        tuned = InferenceEndpoint("tuned", model=custom.custom_model_arn, custom_model=True, tags={"team": "ml"})
        pulumi.export("policy", tuned.invoke_policy)
        pulumi.export("base_model_id", tuned.base_model_id)
        pulumi.export("kind", tuned.kind)

    bedrock_emulator.reset_log()
    result = stack.preview(run)
    assert result.kinds()["tuned-deployment"] == "create"
    assert result.outputs["kind"] == "deployment"
    assert isinstance(result.outputs["policy"], Unknown) and isinstance(result.outputs["base_model_id"], Unknown)
    assert bedrock_emulator.counts() == {}


def committed_endpoint(model_units: int, **options: Any) -> Callable[[], None]:
    def run() -> None:
        batch = InferenceEndpoint(
            "batch", model=HAIKU, provisioned_throughput={"model_units": model_units, "commitment_duration": "OneMonth"}, **options
        )
        pulumi.export("model_id", batch.model_id)

    return run


def aws_writes(emulator: BedrockEmulator) -> set[str]:
    return {op for op in emulator.counts() if not op.startswith(("Get", "List"))}


def test_committed_throughput_is_protected_then_refused_by_aws_until_its_commitment_ends(
    bedrock_emulator: BedrockEmulator, stack: Stack
) -> None:
    client = bedrock_emulator.client(REGION)
    up = stack.up(committed_endpoint(1, protect_commitment=True))
    arn = up.outputs["model_id"]
    urn, saved = stack.state.find("batch-throughput")
    assert saved.protect is True and saved.id == arn
    expires = client.get_provisioned_model_throughput(provisionedModelId=arn)["commitmentExpirationTime"]

    # Protected when asked: the engine refuses the replacement and the destroy before any step.
    bedrock_emulator.reset_log()
    with pytest.raises(ResourceProtectedError, match=f'unable to replace resource "{re.escape(urn)}"\nas it is currently marked for protection'):
        stack.up(committed_endpoint(2, protect_commitment=True))
    assert aws_writes(bedrock_emulator) == set()
    with pytest.raises(ResourceProtectedError, match=f'resource "{re.escape(urn)}" cannot be deleted\nbecause it is protected'):
        stack.destroy()
    assert bedrock_emulator.counts() == {}
    described = client.get_provisioned_model_throughput(provisionedModelId=arn)
    assert described["modelUnits"] == 1 and described["status"] == "InService"
    assert stack.state.find("batch-throughput")[1].id == arn and len(stack.state) == 2

    # protect_commitment=False: `pulumi up` only clears the flag in the state, with no AWS call.
    bedrock_emulator.reset_log()
    unprotected = stack.up(committed_endpoint(1, protect_commitment=False))
    assert set(unprotected.kinds().values()) == {"same"} and bedrock_emulator.counts() == {}
    assert stack.state.find("batch-throughput")[1].protect is False

    # The destroy reaches the provider, which refuses while the commitment runs on AWS's clock.
    with pytest.raises(ProviderError, match="CommitmentNotExpired") as refused:
        stack.destroy()
    assert "Nothing was deleted" in str(refused.value)
    assert bedrock_emulator.count("GetProvisionedModelThroughput") >= 1
    assert aws_writes(bedrock_emulator) == set()
    assert client.get_provisioned_model_throughput(provisionedModelId=arn)["status"] == "InService"
    assert stack.state.find("batch-throughput")[1].id == arn and len(stack.state) == 2

    # Past commitmentExpirationTime on the emulator's clock (not this machine's): deleted.
    bedrock_emulator.advance((expires - bedrock_emulator.now()).total_seconds() + 60)
    bedrock_emulator.reset_log()
    destroyed = stack.destroy()
    assert destroyed.kinds() == {"batch-throughput": "delete", "batch": "delete"}
    assert [r["params"].get("provisionedModelId") for r in bedrock_emulator.requests("DeleteProvisionedModelThroughput")] == [arn]
    assert len(stack.state) == 0
    assert client.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []


def test_profile_set_tags_all_is_secret_only_when_a_tag_is(bedrock_emulator: BedrockEmulator, stack: Stack) -> None:
    def program_with(secret_owner: bool) -> Callable[[], None]:
        def run() -> None:
            owner = pulumi.Output.secret("alice") if secret_owner else "alice"
            InferenceProfileSet("teams", model=HAIKU, tenants={"a": {"tags": {"x": "1"}}, "b": {}}, tags={"owner": owner})
        return run

    stack.up(program_with(False))
    assert [stack.state.find(name)[1].secret_keys for name in ("teams[a]", "teams[b]")] == [[], []]
    stack.up(program_with(True))
    assert all("tags_all" in stack.state.find(name)[1].secret_keys for name in ("teams[a]", "teams[b]"))
