"""Whole programs run by the engine simulator, dynamic resources served by the real provider process."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import pulumi
import pytest
from pulumi.output import Unknown

from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
from pulumi_bedrock_inference.testing.program import ResourceCheckError, Stack, StackState

from conftest import DEFAULT_TAGS, PROJECT, REGION, STACK_CONFIG, SampleStore
from sample_provider import SampleResource

THING = "pulumi-python:dynamic/sample:Thing"


def urn(name: str, qualified_type: str = THING) -> str:
    return f"urn:pulumi:dev::{PROJECT}::{qualified_type}::{name}"


def two_things(label: str = "", zone: str = "a", recreate_first: bool = False) -> Callable[[], None]:
    """``first`` and ``second``, whose name is derived from ``first``'s computed arn."""

    def program() -> None:
        first = SampleResource(
            "first", name="alpha", size=2, label=label, zone=zone, recreate_first=recreate_first
        )
        second = SampleResource("second", name=first.arn.apply(lambda arn: f"of-{arn.split(':')[-1]}"))
        pulumi.export("first_arn", first.arn)
        pulumi.export("second_name", second.name)

    return program


@pytest.fixture
def stack(provider: DynamicProviderProcess, store: SampleStore) -> Stack:
    return Stack(PROJECT, "dev", STACK_CONFIG, provider)


def test_preview_creates_nothing_and_unknowns_reach_dependents(stack: Stack, store: SampleStore) -> None:
    result = stack.preview(two_things())

    assert result.kinds() == {"first": "create", "second": "create"}
    assert store.objects() == {}
    assert store.calls("create") == []
    checks = {tuple(call["unknown_keys"]) for call in store.calls("check")}
    assert checks == {(), ("name",)}
    assert isinstance(result.outputs["first_arn"], Unknown)
    assert len(stack.state) == 0


def test_up_creates_both_with_dependency_recorded(stack: Stack, store: SampleStore) -> None:
    result = stack.up(two_things())

    assert result.kinds() == {"first": "create", "second": "create"}
    first = stack.state.get(urn("first"))
    second = stack.state.get(urn("second"))
    assert first is not None and second is not None
    assert set(store.objects()) == {first.id, second.id}
    assert second.outputs["name"] == f"of-{first.id}"
    assert urn("first") in second.dependencies
    assert result.outputs == {"first_arn": f"arn:sample:{REGION}:{first.id}", "second_name": f"of-{first.id}"}
    assert first.outputs["size"] == 2.0 and isinstance(first.outputs["size"], float)


def test_second_up_is_a_no_op(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things())
    calls_before = len(store.calls())

    result = stack.up(two_things())

    assert result.kinds() == {"first": "same", "second": "same"}
    assert {c["method"] for c in store.calls()[calls_before:]} == {"check", "diff"}


def test_changed_input_updates_in_place(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things())
    first_id = stack.state.resources[urn("first")].id

    preview = stack.preview(two_things(label="v2"))
    # Without provider preview support, an updated resource's outputs are its new inputs: its
    # arn is unknown, so the dependent's name is unknown in its diff and it shows as an update.
    assert preview.kinds() == {"first": "update", "second": "update"}
    assert store.calls("diff")[-1]["unknown_keys"] == ["name"]
    assert store.objects()[first_id]["label"] == ""

    result = stack.up(two_things(label="v2"))
    assert result.kinds() == {"first": "update", "second": "same"}
    assert stack.state.resources[urn("first")].id == first_id
    assert store.objects()[first_id]["label"] == "v2"
    assert stack.state.resources[urn("first")].outputs["arn"].endswith(first_id)


def test_replacement_creates_before_deleting(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things())
    old_id = stack.state.resources[urn("first")].id

    result = stack.up(two_things(zone="b"))

    operation = result.operation("first")
    assert (operation.kind, operation.replaced, operation.delete_before_replace) == ("replace", ["zone"], False)
    new_id = stack.state.resources[urn("first")].id
    assert new_id != old_id and old_id not in store.objects()
    # The dependent's name is derived from the new arn; its provider updates names in place.
    assert result.kinds()["second"] == "update"
    methods = [(c["method"], c.get("id")) for c in store.calls() if c["method"] in ("create", "delete")]
    assert methods.index(("create", new_id)) < methods.index(("delete", old_id))


def test_delete_before_replace_deletes_first(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things(recreate_first=True))
    old_id = stack.state.resources[urn("first")].id

    result = stack.up(two_things(zone="b", recreate_first=True))

    assert result.operation("first").delete_before_replace is True
    new_id = stack.state.resources[urn("first")].id
    methods = [(c["method"], c.get("id")) for c in store.calls() if c["method"] in ("create", "delete")]
    assert methods.index(("delete", old_id)) < methods.index(("create", new_id))


def test_refresh_drops_a_resource_deleted_out_of_band(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things())
    second_id = stack.state.resources[urn("second")].id
    (store.root / "objects" / f"{second_id}.json").unlink()

    result = stack.refresh()

    assert result.kinds() == {"first": "same", "second": "delete"}
    assert urn("second") not in stack.state
    assert stack.up(two_things()).kinds() == {"first": "same", "second": "create"}


def test_destroy_deletes_dependents_first(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things())
    ids = {name: stack.state.resources[urn(name)].id for name in ("first", "second")}

    result = stack.destroy()

    assert result.kinds() == {"first": "delete", "second": "delete"}
    deleted = [c["id"] for c in store.calls("delete")]
    assert deleted == [ids["second"], ids["first"]]
    assert store.objects() == {}
    assert len(stack.state) == 0


def test_resource_removed_from_program_is_deleted(stack: Stack, store: SampleStore) -> None:
    stack.up(two_things())
    second_id = stack.state.resources[urn("second")].id

    result = stack.up(lambda: SampleResource("first", name="alpha", size=2) and None)

    assert result.kinds() == {"first": "same", "second": "delete"}
    assert second_id not in store.objects()


def test_config_reaches_program_and_provider(stack: Stack, store: SampleStore) -> None:
    def program() -> None:
        SampleResource("only", name="only")
        pulumi.export("greeting", pulumi.Config().get("greeting"))
        pulumi.export("region", pulumi.Config("aws").get("region"))
        pulumi.export("tags", pulumi.Config("aws").get_object("defaultTags"))

    result = stack.up(program)

    assert result.outputs == {"greeting": "hello", "region": REGION, "tags": DEFAULT_TAGS}
    assert stack.provider_process.configured_with is not None
    assert store.configure()["aws:region"] == REGION
    assert store.objects()[stack.state.resources[urn("only")].id]["region"] == REGION


def test_check_failure_stops_up_with_property_and_reason(stack: Stack, store: SampleStore) -> None:
    with pytest.raises(ResourceCheckError) as caught:
        stack.up(lambda: SampleResource("broken", name="bad-thing") and None)

    assert caught.value.urn == urn("broken")
    assert "name" in str(caught.value) and "must not contain 'bad'" in str(caught.value)
    assert store.objects() == {}


def test_state_survives_a_json_file(stack: Stack, store: SampleStore, tmp_path: Path) -> None:
    stack.up(two_things())
    stack.state.save(tmp_path / "state.json")

    reloaded = Stack(PROJECT, "dev", STACK_CONFIG, stack.provider_process, state=StackState.load(tmp_path / "state.json"))

    assert reloaded.up(two_things()).kinds() == {"first": "same", "second": "same"}


class Group(pulumi.ComponentResource):
    def __init__(self, name: str, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("sample:index:Group", name, None, opts)
        self.role = pulumi.CustomResource(
            "aws:iam/role:Role", f"{name}-role", {"name": f"{name}-role", "arn": None},
            pulumi.ResourceOptions(parent=self),
        )
        self.thing = SampleResource(
            f"{name}-thing", name="grouped", label=self.role.arn, opts=pulumi.ResourceOptions(parent=self)
        )
        self.register_outputs({"thing_arn": self.thing.arn})


def test_components_children_and_mocked_aws_resources(stack: Stack, store: SampleStore) -> None:
    def program() -> None:
        group = Group("g")
        pulumi.export("role_arn", group.role.arn)
        pulumi.export("role_id", group.role.id)

    preview = stack.preview(program)
    assert isinstance(preview.outputs["role_arn"], Unknown)

    result = stack.up(program)

    child_type = f"sample:index:Group${THING}"
    assert set(result.operations) == {
        urn("g", "sample:index:Group"),
        urn("g-role", "sample:index:Group$aws:iam/role:Role"),
        urn("g-thing", child_type),
    }
    assert result.outputs == {"role_arn": "arn:aws:iam::123456789012:role/g-role", "role_id": "g-role-id"}
    thing = stack.state.resources[urn("g-thing", child_type)]
    assert thing.parent == urn("g", "sample:index:Group")
    assert store.objects()[thing.id]["label"] == "arn:aws:iam::123456789012:role/g-role"
    assert stack.state.resources[urn("g", "sample:index:Group")].outputs == {"thing_arn": thing.outputs["arn"]}

    destroyed = list(stack.destroy().operations)
    assert destroyed.index(urn("g-thing", child_type)) < destroyed.index(urn("g", "sample:index:Group"))


def test_secret_inputs_reach_the_provider_plain_and_come_back_secret(
    stack: Stack, store: SampleStore
) -> None:
    def program() -> None:
        thing = SampleResource("secretive", name="s", label=pulumi.Output.secret("hush"))
        pulumi.export("label_is_secret", pulumi.Output.from_input(thing.label.is_secret()))
        pulumi.export("name_is_secret", pulumi.Output.from_input(thing.name.is_secret()))

    result = stack.up(program)

    assert result.outputs == {"label_is_secret": True, "name_is_secret": False}
    resource = stack.state.resources[urn("secretive")]
    assert store.objects()[resource.id]["label"] == "hush"
    assert resource.secret_keys == ["label"]
