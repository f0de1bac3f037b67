"""The engine simulator behaves as the Pulumi engine does (pulumi/pulumi ``pkg/resource/deploy``,
``pkg/backend/snapshot.go``), where a kinder simulator would hide a provider bug.

Each test names the engine function whose behaviour it pins down."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Optional

import pulumi
import pytest

from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError
from pulumi_bedrock_inference.testing.program import (
    DeploymentInterrupted,
    ResourceProtectedError,
    Stack,
    StackState,
    default_parallelism,
)

from conftest import PROJECT, STACK_CONFIG, SampleStore
from sample_provider import SampleResource

THING = "pulumi-python:dynamic/sample:Thing"


def urn(name: str) -> str:
    return f"urn:pulumi:dev::{PROJECT}::{THING}::{name}"


@pytest.fixture
def stack(provider: DynamicProviderProcess, store: SampleStore) -> Stack:
    return Stack(PROJECT, "dev", STACK_CONFIG, provider)


def one(resource_name: str = "thing", opts: Optional[pulumi.ResourceOptions] = None, **inputs) -> Callable[[], None]:
    inputs.setdefault("name", resource_name)

    def program() -> None:
        SampleResource(resource_name, opts=opts, **inputs)

    return program


def create_delete_order(store: SampleStore) -> list[tuple[str, str]]:
    return [(c["method"], c["id"]) for c in store.calls() if c["method"] in ("create", "delete")]


# -- delete_before_replace: continueStepsFromDiff ---------------------------------------------


def test_delete_before_replace_false_overrides_a_provider_asking_for_delete_first(
    stack: Stack, store: SampleStore
) -> None:
    stack.up(one(recreate_first=True))
    old_id = stack.state.resources[urn("thing")].id

    result = stack.up(one(recreate_first=True, zone="b",
                          opts=pulumi.ResourceOptions(delete_before_replace=False)))

    assert result.operation("thing").delete_before_replace is False
    new_id = stack.state.resources[urn("thing")].id
    order = create_delete_order(store)
    assert order.index(("create", new_id)) < order.index(("delete", old_id))


def test_delete_before_replace_true_overrides_a_provider_asking_for_create_first(
    stack: Stack, store: SampleStore
) -> None:
    stack.up(one())
    old_id = stack.state.resources[urn("thing")].id

    result = stack.up(one(zone="b", opts=pulumi.ResourceOptions(delete_before_replace=True)))

    assert result.operation("thing").delete_before_replace is True
    new_id = stack.state.resources[urn("thing")].id
    order = create_delete_order(store)
    assert order.index(("delete", old_id)) < order.index(("create", new_id))


# -- step-by-step state: SnapshotManager, GenerateDeletes --------------------------------------


def test_failed_delete_of_replaced_resource_keeps_everything_the_run_created(
    stack: Stack, store: SampleStore
) -> None:
    stack.up(one("x"))
    old_id = stack.state.resources[urn("x")].id
    (store.root / "refuse-delete-x").touch()

    def program() -> None:
        SampleResource("x", name="x", zone="b")
        SampleResource("z", name="z")

    with pytest.raises(ProviderError, match="delete refused: x is still in use"):
        stack.up(program)

    # The replacement and the new resource are saved; the old half stays, marked for deletion.
    new_x = stack.state.resources[urn("x")]
    assert new_x.id != old_id and new_x.inputs["zone"] == "b"
    assert urn("z") in stack.state
    assert [(u, r.id, r.delete) for u, r in stack.state.pending_deletes] == [(urn("x"), old_id, True)]
    assert old_id in store.objects()

    # Refresh reads a pending delete like any custom resource (RefreshStep.Apply skips only
    # resources pending replacement).
    stack.refresh()
    assert old_id in [c["id"] for c in store.calls("read")]

    # The state file keeps the pending delete; the next up deletes it and changes nothing else.
    reloaded = StackState.from_json(stack.state.to_json())
    assert [(u, r.id) for u, r in reloaded.pending_deletes] == [(urn("x"), old_id)]
    (store.root / "refuse-delete-x").unlink()
    result = stack.up(program)
    assert result.kinds() == {"x": "same", "z": "same"}
    assert old_id not in store.objects()
    assert stack.state.pending_deletes == []
    assert stack.state.resources[urn("x")].id == new_x.id


def test_failed_create_cancels_the_run_but_keeps_completed_steps(
    stack: Stack, store: SampleStore
) -> None:
    stack.up(one("leftover"))
    leftover_id = stack.state.resources[urn("leftover")].id

    def program() -> None:
        first = SampleResource("first", name="first")
        SampleResource("broken", name="broken", label=first.arn, fail="quota exhausted")

    with pytest.raises(ProviderError, match="create refused: quota exhausted"):
        stack.up(program)

    assert urn("first") in stack.state
    assert urn("broken") not in stack.state
    # A failed run deletes nothing: the resource the program dropped is still there.
    assert urn("leftover") in stack.state and leftover_id in store.objects()
    assert store.calls("delete") == []
    assert stack.state.pending_operations == []


def test_delete_before_replace_whose_create_fails_leaves_the_old_pending_replacement(
    stack: Stack, store: SampleStore
) -> None:
    stack.up(one(recreate_first=True))
    old_id = stack.state.resources[urn("thing")].id

    with pytest.raises(ProviderError, match="create refused: no capacity"):
        stack.up(one(recreate_first=True, zone="b", fail="no capacity"))

    pending = stack.state.resources[urn("thing")]
    assert (pending.id, pending.pending_replacement) == (old_id, True)
    assert old_id not in store.objects()

    # RefreshStep.Apply: resources pending replacement are not read.
    assert stack.refresh().kinds() == {"thing": "same"}
    assert [c["id"] for c in store.calls("read")] == []

    # The next up creates the replacement without deleting again, and the old entry goes.
    result = stack.up(one(recreate_first=True, zone="b"))
    assert result.kinds() == {"thing": "replace"}
    assert [c["id"] for c in store.calls("delete")] == [old_id]
    assert not stack.state.resources[urn("thing")].pending_replacement
    assert stack.state.resources[urn("thing")].id != old_id


def test_state_is_written_after_each_step(stack: Stack, store: SampleStore) -> None:
    seen: list[set[str]] = []

    def interrupt(resource_urn: str, operation: str) -> bool:
        seen.append(set(stack.state.resources))
        return False

    def program() -> None:
        first = SampleResource("first", name="first")
        SampleResource("second", name=first.arn.apply(lambda a: f"of-{a[-8:]}"))

    stack.up(program, interrupt=interrupt)

    # When second's Create returns, first is already in the saved state.
    assert seen == [set(), {urn("first")}]


# -- resource options ------------------------------------------------------------------------


def test_alias_finds_the_old_state_and_checks_with_its_inputs(stack: Stack, store: SampleStore) -> None:
    stack.up(one("old-name", name="alpha", label="v1"))
    old = stack.state.resources[urn("old-name")]

    result = stack.up(one("new-name", name="alpha", label="v1",
                          opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old-name")])))

    assert result.kinds() == {"new-name": "same"}
    assert store.calls("check")[-1]["olds"]["label"] == "v1"
    assert store.calls("create")[1:] == [] and store.calls("delete") == []
    assert set(stack.state.resources) == {urn("new-name")}
    assert stack.state.resources[urn("new-name")].id == old.id


def test_ignore_changes_resets_ignored_inputs_before_check(stack: Stack, store: SampleStore) -> None:
    stack.up(one(label="v1", size=1))

    result = stack.up(one(label="v2", size=1, opts=pulumi.ResourceOptions(ignore_changes=["label"])))

    assert result.kinds() == {"thing": "same"}
    assert store.calls("check")[-1]["news"]["label"] == "v1"
    assert stack.state.resources[urn("thing")].inputs["label"] == "v1"

    # Non-ignored changes still go through, with the ignored input kept at its old value.
    stack.up(one(label="v2", size=3, opts=pulumi.ResourceOptions(ignore_changes=["label"])))
    thing = stack.state.resources[urn("thing")]
    assert (thing.outputs["size"], thing.outputs["label"]) == (3, "v1")


def test_protect_blocks_replacement_with_the_engine_error(stack: Stack, store: SampleStore) -> None:
    protect = pulumi.ResourceOptions(protect=True)
    stack.up(one(opts=protect))
    before = stack.state.to_json()

    with pytest.raises(ResourceProtectedError) as caught:
        stack.up(one(zone="b", opts=protect))

    assert str(caught.value) == (
        f'unable to replace resource "{urn("thing")}"\n'
        "as it is currently marked for protection. To unprotect the resource, remove the `protect` "
        "flag from the resource in your Pulumi program and run `pulumi up`"
    )
    assert len(store.calls("create")) == 1 and store.calls("delete") == []
    assert stack.state.to_json() == before


def test_protect_blocks_delete_and_destroy_until_unprotected(stack: Stack, store: SampleStore) -> None:
    stack.up(one(opts=pulumi.ResourceOptions(protect=True)))
    expected = (
        f'resource "{urn("thing")}" cannot be deleted\n'
        "because it is protected. To unprotect the resource, either remove the `protect` flag from "
        "the resource in your Pulumi program and run `pulumi up`, or use the command:\n"
        f"`pulumi state unprotect '{urn('thing')}'`"
    )

    with pytest.raises(ResourceProtectedError) as removed:
        stack.up(lambda: None)
    with pytest.raises(ResourceProtectedError) as destroyed:
        stack.destroy()

    assert str(removed.value) == expected == str(destroyed.value)
    assert store.calls("delete") == [] and urn("thing") in stack.state

    stack.up(one(opts=pulumi.ResourceOptions(protect=False)))
    assert stack.destroy().kinds() == {"thing": "delete"}
    assert store.objects() == {}


def test_retain_on_delete_drops_the_resource_without_a_provider_delete(
    stack: Stack, store: SampleStore
) -> None:
    stack.up(one(opts=pulumi.ResourceOptions(retain_on_delete=True)))
    thing_id = stack.state.resources[urn("thing")].id

    assert stack.up(lambda: None).kinds() == {"thing": "delete"}

    assert len(stack.state) == 0
    assert store.calls("delete") == [] and thing_id in store.objects()


def test_deleted_with_skips_the_delete_when_its_owner_goes_too(stack: Stack, store: SampleStore) -> None:
    def program() -> None:
        owner = SampleResource("owner", name="owner")
        SampleResource("part", name="part", opts=pulumi.ResourceOptions(deleted_with=owner))

    stack.up(program)
    ids = {name: stack.state.resources[urn(name)].id for name in ("owner", "part")}

    assert stack.destroy().kinds() == {"owner": "delete", "part": "delete"}

    assert [c["id"] for c in store.calls("delete")] == [ids["owner"]]
    assert len(stack.state) == 0


def test_replace_on_changes_has_no_effect_on_a_dynamic_resource(stack: Stack, store: SampleStore) -> None:
    # The dynamic provider's Diff reports no changed keys, so applyReplaceOnChanges has nothing
    # to turn into a replacement: the engine updates in place.
    opts = pulumi.ResourceOptions(replace_on_changes=["label"])
    stack.up(one(label="v1", opts=opts))
    thing_id = stack.state.resources[urn("thing")].id

    result = stack.up(one(label="v2", opts=opts))

    assert result.kinds() == {"thing": "update"}
    assert stack.state.resources[urn("thing")].id == thing_id


# -- refresh: RefreshStep.Apply / ResultOp -----------------------------------------------------


def test_refresh_shows_the_operation_from_diff_of_refreshed_outputs_against_old_inputs(
    stack: Stack, store: SampleStore
) -> None:
    import json

    stack.up(one(label="v1"))
    thing = stack.state.resources[urn("thing")]
    path = store.root / "objects" / f"{thing.id}.json"

    # A computed output drifts: the outputs change, but the Diff against the inputs sees nothing.
    path.write_text(json.dumps({**json.loads(path.read_text()), "region": "moved"}))
    assert stack.refresh().kinds() == {"thing": "same"}
    assert stack.state.resources[urn("thing")].outputs["region"] == "moved"
    diff = store.calls("diff")[-1]
    assert (diff["olds"]["region"], diff["news"]["label"]) == ("moved", "v1")

    # An input drifts: the Diff sees it, the refresh shows an update, the new inputs are saved.
    path.write_text(json.dumps({**json.loads(path.read_text()), "label": "edited"}))
    assert stack.refresh().kinds() == {"thing": "update"}
    assert stack.state.resources[urn("thing")].inputs["label"] == "edited"


# -- concurrency: deploymentExecutor.Execute, newStepExecutor -----------------------------------


def test_a_blocked_check_stalls_every_other_registration(stack: Stack, store: SampleStore) -> None:
    def program() -> None:
        SampleResource("blocker", name="blocker", check_gate="open")
        for i in range(3):
            SampleResource(f"other{i}", name=f"other{i}")

    runner = threading.Thread(target=stack.up, args=(program,))
    runner.start()
    deadline = time.monotonic() + 60  # hang guard
    while not store.calls("check-wait") and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # give the other registrations every chance to reach the provider
    (store.root / "open").touch()
    runner.join(timeout=120)
    assert not runner.is_alive()

    wait = store.calls("check-wait")[0]
    blocker = next(c for c in store.calls("check") if c["news"]["name"] == "blocker")
    others = [c for c in store.calls("check") if c is not blocker and c["news"]["name"] != "blocker"]
    # Registrations that arrived while the blocker's Check ran all waited for it to finish.
    assert [c["news"]["name"] for c in others if wait["start"] <= c["start"] < blocker["end"]] == []
    assert any(c["start"] >= blocker["end"] for c in others)
    assert len(stack.state) == 4


def test_creates_run_in_parallel_up_to_the_configured_parallelism(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    stack = Stack(PROJECT, "dev", STACK_CONFIG, provider, parallel=2)

    def program() -> None:
        for i in range(4):
            SampleResource(f"slow{i}", name=f"slow{i}", delay=1.0)

    stack.up(program)

    creates = store.calls("create")
    assert len(creates) == 4
    overlap = max(sum(1 for o in creates if o["start"] <= c["start"] < o["end"]) for c in creates)
    assert overlap == 2


def test_default_parallelism_follows_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv("PULUMI_PARALLEL", raising=False)
    assert default_parallelism() == 4 * len(os.sched_getaffinity(0))
    monkeypatch.setenv("PULUMI_PARALLEL", "3")
    assert default_parallelism() == 3
    with pytest.raises(ValueError, match="parallel must be at least 1"):
        Stack(PROJECT, "dev", STACK_CONFIG, None, parallel=0)  # type: ignore[arg-type]


# -- interrupted runs: SnapshotManager.Snap, printPendingOperationsWarning ----------------------


def test_a_run_killed_mid_create_leaves_a_pending_operation_until_refresh(
    stack: Stack, store: SampleStore, tmp_path: Path
) -> None:
    def program() -> None:
        first = SampleResource("first", name="first")
        SampleResource("second", name=first.arn.apply(lambda a: f"of-{a[-8:]}"))

    with pytest.raises(DeploymentInterrupted):
        stack.up(program, interrupt=lambda u, op: u == urn("second") and op == "creating")

    # The cloud has the second resource; the state only knows a create was in flight.
    assert urn("first") in stack.state and urn("second") not in stack.state
    [pending] = stack.state.pending_operations
    assert (pending.urn, pending.type) == (urn("second"), "creating")
    assert len(store.objects()) == 2
    stack.state.save(tmp_path / "state.json")
    assert StackState.load(tmp_path / "state.json").pending_operations[0].type == "creating"

    # The next up warns with the engine's text; a pending create survives it.
    result = stack.up(program)
    assert result.warnings[0].startswith(
        "Attempting to deploy or update resources with 1 pending operations from previous deployment.\n"
        f"  * {urn('second')}, interrupted while creating\n"
    )
    assert result.kinds() == {"first": "same", "second": "create"}
    assert len(store.objects()) == 3  # the engine creates again: the first copy is orphaned
    assert [op.type for op in stack.state.pending_operations] == ["creating"]

    assert stack.refresh(clear_pending_creates=False).kinds() == {"first": "same", "second": "same"}
    assert len(stack.state.pending_operations) == 1
    stack.refresh()
    assert stack.state.pending_operations == []
    assert stack.up(program).warnings == []


def test_a_run_killed_mid_update_is_cleared_by_the_next_run(stack: Stack, store: SampleStore) -> None:
    stack.up(one(label="v1"))

    with pytest.raises(DeploymentInterrupted):
        stack.up(one(label="v2"), interrupt=lambda u, op: op == "updating")

    assert [op.type for op in stack.state.pending_operations] == ["updating"]
    assert stack.state.resources[urn("thing")].inputs["label"] == "v1"
    result = stack.up(one(label="v2"))
    assert "interrupted while updating" in result.warnings[0]
    assert stack.state.pending_operations == []


# -- errors -----------------------------------------------------------------------------------


def test_a_failed_run_reports_each_failure_once_without_asyncio_noise(
    stack: Stack, store: SampleStore, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    def program() -> None:
        broken = SampleResource("broken", name="broken", fail="quota exhausted")
        for i in range(3):
            SampleResource(f"dependent{i}", name=broken.arn.apply(lambda a: f"d-{a}"))

    caplog.set_level(logging.DEBUG)
    with pytest.raises(ProviderError) as caught:
        stack.up(program)
    import gc

    gc.collect()

    assert caught.value.message == "RuntimeError: create refused: quota exhausted"
    assert stack.last_result is not None
    assert len(stack.last_result.errors) == 1
    assert stack.last_result.errors[0].count("create refused: quota exhausted") == 1
    assert not getattr(caught.value, "__notes__", [])
    captured = capfd.readouterr()
    noise = captured.out + captured.err + caplog.text
    assert "Future exception was never retrieved" not in noise
    assert "Task exception was never retrieved" not in noise


def test_preview_of_a_protected_replacement_shows_the_whole_plan_then_fails(
    stack: Stack, store: SampleStore
) -> None:
    protect = pulumi.ResourceOptions(protect=True)

    def program(zone: str) -> Callable[[], None]:
        def run() -> None:
            SampleResource("guarded", name="guarded", zone=zone, opts=protect)
            SampleResource("free", name="free", label=zone)

        return run

    stack.up(program("a"))

    with pytest.raises(ResourceProtectedError):
        stack.preview(program("b"))

    assert stack.last_result is not None
    assert stack.last_result.kinds() == {"guarded": "replace", "free": "update"}
    assert len(stack.last_result.errors) == 1


def test_a_failed_read_keeps_the_reads_that_completed(provider: DynamicProviderProcess, store: SampleStore) -> None:
    import json

    stack = Stack(PROJECT, "dev", STACK_CONFIG, provider, parallel=1)

    def program() -> None:
        first = SampleResource("first", name="first", label="v1")
        SampleResource("second", name="second", label=first.arn)

    stack.up(program)
    first, second = (stack.state.resources[urn(n)] for n in ("first", "second"))
    first_path = store.root / "objects" / f"{first.id}.json"
    first_path.write_text(json.dumps({**json.loads(first_path.read_text()), "label": "edited"}))
    (store.root / "objects" / f"{second.id}.json").write_text("{not json")

    with pytest.raises(ProviderError, match="JSONDecodeError"):
        stack.refresh()

    assert stack.state.resources[urn("first")].inputs["label"] == "edited"
    assert stack.state.resources[urn("second")] == second


def test_delete_before_replace_deletes_the_dependents_it_replaces_first(stack: Stack, store: SampleStore) -> None:
    def program(zone: str) -> Callable[[], None]:
        def run() -> None:
            root = SampleResource("root", name="root", zone=zone, recreate_first=True)
            # zone replaces: a dependent whose zone comes from the root is replaced with it...
            SampleResource("bound", name="bound", zone=root.arn.apply(lambda _: "a"))
            # ...one whose label comes from the root is only updated, after the root exists again.
            SampleResource("loose", name="loose", label=root.arn)

        return run

    stack.up(program("a"))
    ids = {n: stack.state.resources[urn(n)].id for n in ("root", "bound", "loose")}

    result = stack.up(program("b"))

    assert result.kinds() == {"root": "replace", "bound": "replace", "loose": "update"}
    order = create_delete_order(store)[3:]
    new_root, new_bound = (stack.state.resources[urn(n)].id for n in ("root", "bound"))
    assert order == [("delete", ids["bound"]), ("delete", ids["root"]), ("create", new_root), ("create", new_bound)]
    assert stack.state.resources[urn("loose")].id == ids["loose"]
    assert not any(r.pending_replacement for r in stack.state.resources.values())


def test_a_state_file_written_before_these_fields_existed_still_loads() -> None:
    old_format = """{"resources": [{"urn": "urn:pulumi:dev::sample::pulumi-python:dynamic/sample:Thing::t",
        "type": "pulumi-python:dynamic/sample:Thing", "id": "t-1", "custom": true, "inputs": {"name": "t"},
        "outputs": {"name": "t"}, "parent": "", "dependencies": [], "secret_keys": []}]}"""

    state = StackState.from_json(old_format)

    resource = state.resources[urn("t")]
    assert (resource.id, resource.protect, resource.delete, resource.pending_replacement) == ("t-1", False, False, False)
    assert state.pending_deletes == [] and state.pending_operations == []
    assert StackState.from_json(state.to_json()).resources == state.resources
