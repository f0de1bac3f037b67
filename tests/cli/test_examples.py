"""Every example project (examples/**/Pulumi.yaml) through the real Pulumi engine (Automation API,
the project's ``__main__.py`` as an inline program, its ``Pulumi.yaml`` config) against the local
Bedrock emulator:

preview with no AWS credentials and no AWS call, passing the CI policy pack with the workflow's
config; up; a preview that expects no changes (no AWS call); refresh; and destroy leaving no
Bedrock resource behind; plus what each example is there to show.

The stack config is the project's own plus what a user would set (custom model ARNs, created in
the emulator with ``seed_custom_model``). Two settings differ from the examples' defaults:

- team-cost-allocation runs with ``teamRoles {}`` and ``budgets {}``: a grant is an
  ``aws.iam.RolePolicy`` and a budget an ``aws.budgets.Budget``, and the engine here has no aws
  provider plugin. What its defaults make is tested under mocks (tests/examples/test_example_grants.py).
- provisioned-endpoint runs this cycle with no commitment (its ``commitmentDuration ''``); with its
  default one-month commitment it has a test of its own: destroy is refused by the provider while
  the commitment runs, deleting nothing, and succeeds once the emulator's clock is past
  ``commitmentExpirationTime``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack, project_program, resources

from .engine_events import EventLog
from .policy_pack import ROOT, runnable_policy_pack
from .commands import live_resources, no_credentials

EXAMPLES = ROOT / "examples"
REGION = "us-east-1"
ACME = EXAMPLES / "reusable-components" / "acme-ai-platform"
NOVA_MICRO = "amazon.nova-micro-v1:0"
WORKFLOW_POLICY_CONFIG = ROOT / "policy-pack" / "config.json"


def live_arns(emulator: BedrockEmulator, kind: str) -> list[str]:
    """The ARNs of the emulator's live resources of ``kind`` (``profile``, ``deployment``, ``throughput``)."""
    return [arn for _, arn in live_resources(emulator, REGION)[kind]]


NOTHING = {"profile": [], "deployment": [], "throughput": []}


def tags_of(emulator: BedrockEmulator, arn: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in emulator.client(REGION).list_tags_for_resource(resourceARN=arn)["tags"]}


def saved_resources(stack: auto.Stack) -> dict[str, dict[str, Any]]:
    """Every entry of the stack's saved state (``pulumi stack export``) by name, the stack and its
    providers included: what an emptied or unchanged state is compared by."""
    return {r["urn"].rsplit("::", 1)[-1]: r for r in stack.export_stack().deployment.get("resources", [])}


def saved_types(stack: auto.Stack) -> list[tuple[str, str]]:
    """``(type, name)`` of each resource in the saved state (names repeat: a component's child may share its name)."""
    return [(r["type"], r["urn"].rsplit("::", 1)[-1]) for r in stack.export_stack().deployment.get("resources", [])]


def outputs(up: auto.UpResult) -> dict[str, Any]:
    return {key: value.value for key, value in up.outputs.items()}


# --------------------------------------------------------------------------- what each example shows


@dataclass
class Run:
    """One example project being deployed."""

    emulator: BedrockEmulator
    stack: auto.Stack
    user_config: dict[str, Any] = field(default_factory=dict)


def check_quickstart(run: Run, up: auto.UpResult, steps: dict[str, str]) -> None:
    arn = outputs(up)["profile_arn"]
    assert tags_of(run.emulator, arn) == {"team": "support", "app": "chat"}
    assert len(outputs(up)["routes_to"]) == 3


def check_team_cost_allocation(run: Run, up: auto.UpResult, steps: dict[str, str]) -> None:
    teams = ("search", "support", "analytics")
    model_ids = outputs(up)["model_ids"]
    assert sorted(model_ids) == sorted(teams)
    assert sorted(live_arns(run.emulator, "profile")) == sorted(model_ids.values())
    cost_centers = set()
    for team, arn in model_ids.items():
        tags = tags_of(run.emulator, arn)
        assert tags["team"] == team and tags["app"] == "assistant"
        cost_centers.add(tags["cost-center"])
    assert len(cost_centers) == 3
    assert not [r for r in resources(run.stack).values() if r["type"].startswith("aws:")]
    # the emulator's billing sees a key on a resource at once (durations 0): active after the first up
    assert outputs(up)["cost_allocation_tags"] == {"active": ["team", "cost-center"], "pending": []}
    listed = run.emulator.cost_explorer_client().list_cost_allocation_tags()["CostAllocationTags"]
    assert {t["TagKey"]: t["Status"] for t in listed} == {"team": "Active", "cost-center": "Active", "app": "Inactive"}


def setup_provisioned_endpoint(emulator: BedrockEmulator) -> dict[str, str]:
    # A dev stack buys no commitment (`pulumi config set commitmentDuration ''`), so it is neither
    # protected nor refused; the committed default: test_the_committed_provisioned_endpoint_through_its_whole_life.
    return {"commitmentDuration": ""}


def check_provisioned_endpoint(run: Run, up: auto.UpResult, steps: dict[str, str]) -> None:
    (arn,) = live_arns(run.emulator, "throughput")
    described = run.emulator.client(REGION).get_provisioned_model_throughput(provisionedModelId=arn)
    assert "commitmentDuration" not in described and described["modelUnits"] == 1
    assert outputs(up)["model_id"] == arn and outputs(up).get("commitment_expiration_time") is None
    assert not resources(run.stack)["batch-summaries-throughput"].get("protect", False)


def setup_custom_model(emulator: BedrockEmulator) -> dict[str, str]:
    return {"customModelArn": emulator.seed_custom_model("support-tuned-v1", NOVA_MICRO, REGION)}


def check_custom_model(run: Run, up: auto.UpResult, steps: dict[str, str]) -> None:
    (deployment,) = live_arns(run.emulator, "deployment")
    assert outputs(up)["model_id"] == deployment and outputs(up)["serving"] == run.user_config["customModelArn"]
    v2 = run.emulator.seed_custom_model("support-tuned-v2", NOVA_MICRO, REGION)
    run.stack.set_config("customModelArn", auto.ConfigValue(v2))  # `pulumi config set customModelArn <v2>`
    run.emulator.reset_log()
    events = EventLog()
    swapped = run.stack.up(on_event=events)
    assert events.steps()["support-tuned-deployment"] == "update"  # in place, not a replacement
    assert outputs(swapped)["model_id"] == deployment and outputs(swapped)["serving"] == v2
    assert run.emulator.count("UpdateCustomModelDeployment") == 1
    assert run.emulator.count("CreateCustomModelDeployment") == 0
    described = run.emulator.client(REGION).get_custom_model_deployment(customModelDeploymentIdentifier=deployment)
    assert described["modelArn"] == v2


def check_acme_stack(run: Run, up: auto.UpResult, steps: dict[str, str]) -> None:
    components = [name for type_, name in saved_types(run.stack) if type_ == "acme:ai:ModelEndpoint"]
    assert all(steps[name] == "create" for name in components)
    assert components
    profiles = live_arns(run.emulator, "profile")
    for arn in profiles:
        tags = tags_of(run.emulator, arn)
        assert tags["managed-by"] == "acme-ai-platform" and re.fullmatch(r"cc-\d{4}", tags["cost-center"]) and tags["team"]
    assert len(profiles) == len(components)


@dataclass(frozen=True)
class Example:
    folder: str
    check: Callable[[Run, auto.UpResult, dict[str, str]], None]
    setup: Callable[[BedrockEmulator], dict[str, Any]] = lambda emulator: {}
    """The config a user sets: ``pulumi config set`` of each string, ``--json`` of other values."""
    import_paths: tuple[Path, ...] = ()


EXAMPLE_LIST = [
    Example("quickstart", check_quickstart),
    Example("team-cost-allocation", check_team_cost_allocation, setup=lambda emulator: {"teamRoles": {}, "budgets": {}}),
    Example("provisioned-endpoint", check_provisioned_endpoint, setup=setup_provisioned_endpoint),
    Example("custom-model", check_custom_model, setup=setup_custom_model),
    Example("reusable-components/chat-service", check_acme_stack, import_paths=(ACME,)),
    Example("reusable-components/search-service", check_acme_stack, import_paths=(ACME,)),
]
EXAMPLES_BY_FOLDER = {example.folder: example for example in EXAMPLE_LIST}


def test_every_example_project_is_tested() -> None:
    projects = {str(p.parent.relative_to(EXAMPLES)) for p in EXAMPLES.glob("**/Pulumi.yaml")}
    assert projects == set(EXAMPLES_BY_FOLDER)
    for folder in projects:
        assert (EXAMPLES / folder / "__main__.py").is_file(), folder
        readme = EXAMPLES / folder / "README.md"
        assert readme.is_file() or (EXAMPLES / folder).parent.joinpath("README.md").is_file(), folder


@pytest.fixture
def policy_pack(tmp_path: Path) -> Path:
    return runnable_policy_pack(tmp_path)


@pytest.fixture
def example_run(request: pytest.FixtureRequest, bedrock_emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    example: Example = request.param
    for path in example.import_paths:
        monkeypatch.syspath_prepend(str(path))
    folder = EXAMPLES / example.folder
    user_config = example.setup(bedrock_emulator)
    strings = {key: value for key, value in user_config.items() if isinstance(value, str)}
    with emulator_stack(project_program(folder), bedrock_emulator, project_dir=folder, stack="dev", config=strings) as stack:
        for key, value in user_config.items():
            if key not in strings:  # `pulumi config set-all --json`: an object-typed key takes no string
                project = stack.workspace.project_settings().name
                entry = {"value": json.dumps(value), "objectValue": value, "secret": False}
                stack.workspace.set_all_config_json(stack.name, json.dumps({f"{project}:{key}": entry}))
        yield Run(bedrock_emulator, stack, user_config)


@pytest.mark.parametrize("example_run", EXAMPLE_LIST, ids=[e.folder for e in EXAMPLE_LIST], indirect=True)
def test_example_preview_up_no_change_refresh_destroy(example_run: Run, policy_pack: Path, request: pytest.FixtureRequest) -> None:
    run, stack = example_run, example_run.stack
    example = EXAMPLES_BY_FOLDER[request.node.callspec.id]

    previewed = EventLog()
    with no_credentials():
        stack.preview(on_event=previewed, policy_packs=[str(policy_pack)], policy_pack_configs=[str(WORKFLOW_POLICY_CONFIG)])
    assert previewed.steps() and set(previewed.steps().values()) == {"create"}
    assert run.emulator.counts() == {}
    assert previewed.policy_violations() == set()

    deployed = EventLog()
    up = stack.up(on_event=deployed)
    assert up.summary.result == "succeeded"
    assert deployed.steps() == previewed.steps()
    example.check(run, up, deployed.steps())

    run.emulator.reset_log()
    again = EventLog()
    stack.preview(expect_no_changes=True, on_event=again)
    assert set(again.steps().values()) == {"same"} and again.steps().keys() == deployed.steps().keys()
    assert run.emulator.counts() == {}

    refreshed = stack.refresh()
    assert set(refreshed.summary.resource_changes or {}) == {"same"}

    destroyed = EventLog()
    stack.destroy(on_event=destroyed)
    assert set(destroyed.steps().values()) == {"delete"} and destroyed.steps().keys() == deployed.steps().keys()
    assert saved_resources(stack) == {}
    assert live_resources(run.emulator, REGION) == NOTHING


def test_the_committed_provisioned_endpoint_through_its_whole_life(bedrock_emulator: BedrockEmulator, policy_pack: Path) -> None:
    folder = EXAMPLES / "provisioned-endpoint"
    client = bedrock_emulator.client(REGION)
    with emulator_stack(project_program(folder), bedrock_emulator, project_dir=folder, stack="prod") as stack:
        assert stack.get_config("commitmentDuration").value == "OneMonth"  # the project's default

        previewed = EventLog()
        with no_credentials():
            stack.preview(on_event=previewed, policy_packs=[str(policy_pack)], policy_pack_configs=[str(WORKFLOW_POLICY_CONFIG)])
        assert set(previewed.steps().values()) == {"create"} and "batch-summaries-throughput" in previewed.steps()
        assert bedrock_emulator.counts() == {}
        assert previewed.policy_violations() == set()  # prod may commit; the provider guards the commitment
        (warning,) = [m for m in previewed.diagnostics("warning") if "commitment" in m]
        assert "1 model unit(s) with a OneMonth commitment" in warning and "AWS refuses to delete it before then" in warning

        deployed = EventLog()
        up = stack.up(on_event=deployed)
        assert deployed.steps() == previewed.steps()
        arn = outputs(up)["model_id"]
        saved = resources(stack)["batch-summaries-throughput"]
        assert not saved.get("protect", False)  # the provider, not protect, keeps the commitment (one-up moves once it ends)
        described = client.get_provisioned_model_throughput(provisionedModelId=arn)
        assert described["commitmentDuration"] == "OneMonth" and described["status"] == "InService"
        expires = described["commitmentExpirationTime"]
        assert datetime.fromisoformat(outputs(up)["commitment_expiration_time"].replace("Z", "+00:00")) == expires

        bedrock_emulator.reset_log()
        assert stack.preview(expect_no_changes=True).change_summary == {"same": len(deployed.steps()) + 1}
        assert bedrock_emulator.counts() == {}
        assert set(stack.refresh().summary.resource_changes or {}) == {"same"}

        # before the commitment ends: AWS's clock says no; nothing is deleted.
        state_before = saved_resources(stack)
        bedrock_emulator.reset_log()
        with pytest.raises(auto.CommandError, match="CommitmentNotExpired") as refused:
            stack.destroy()
        assert "Nothing was deleted" in str(refused.value) and "commitmentExpirationTime" in str(refused.value)
        assert bedrock_emulator.count("GetProvisionedModelThroughput") >= 1
        assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 0
        assert live_arns(bedrock_emulator, "throughput") == [arn]
        assert client.get_provisioned_model_throughput(provisionedModelId=arn)["status"] == "InService"
        assert saved_resources(stack) == state_before

        # AWS's clock past commitmentExpirationTime (this machine's clock has not moved): deleted.
        bedrock_emulator.advance((expires - bedrock_emulator.now()).total_seconds() + 60)
        assert datetime.now(timezone.utc) < expires < bedrock_emulator.now()
        bedrock_emulator.reset_log()
        destroyed = EventLog()
        stack.destroy(on_event=destroyed)
        assert set(destroyed.steps().values()) == {"delete"} and destroyed.steps().keys() == deployed.steps().keys()
        assert [r["params"].get("provisionedModelId") for r in bedrock_emulator.requests("DeleteProvisionedModelThroughput")] == [arn]
        assert saved_resources(stack) == {}
    assert live_resources(bedrock_emulator, REGION) == NOTHING


def test_the_platform_package_refuses_an_unapproved_model_before_any_aws_call(
    bedrock_emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ACME))
    from acme_ai_platform import ModelEndpoint

    def program() -> None:
        ModelEndpoint("rogue", model="anthropic.claude-3-opus", team="x", cost_center="cc-0001")

    with emulator_stack(program, bedrock_emulator, project="acme", stack="dev") as stack, no_credentials():
        with pytest.raises(auto.CommandError, match=re.escape("not approved at ACME; use one of ['cheap', 'fast', 'smart']")):
            stack.preview()
    assert bedrock_emulator.counts() == {}
