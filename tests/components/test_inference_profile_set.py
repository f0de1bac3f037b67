"""InferenceProfileSet under set_mocks: one profile per tenant, named by key, tagged, with its own policy."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pytest

from pulumi_bedrock_inference.components import InferenceEndpoint, InferenceProfileSet, InvalidArgumentError, invoke_policy_document
from pulumi_bedrock_inference.testing.emulator.catalogue import FOUNDATION_MODELS, INFERENCE_PROFILE_GEOGRAPHIES

from .mocks import ACCOUNT, PROFILE, ROLE_POLICY, Recorded, run

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SET = "bedrock-inference:index:InferenceProfileSet"
TENANTS = {
    "search": {"tags": {"cost-center": "42"}, "description": "search team"},
    "chat": {"name": "chat-team-profile"},
    "Team B": None,
}


def set_program(**kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        team_set = InferenceProfileSet("teams", **kwargs)
        pulumi.export("model_ids", team_set.model_ids)
        pulumi.export("invoke_policies", team_set.invoke_policies)
        pulumi.export("profiles", sorted(team_set.profiles))

    return program


def test_one_profile_per_tenant_named_by_key_and_tagged() -> None:
    recorded = run(set_program(model=HAIKU, tenants=TENANTS, tags={"app": "assistant"}, region="us-west-2"))
    profiles = {r.name: r for r in recorded.of_type(PROFILE)}
    assert set(profiles) == {"teams[search]", "teams[chat]", "teams[Team B]"}
    assert all(p.parent.endswith(f"{SET}::teams") for p in profiles.values())
    assert profiles["teams[search]"].inputs["tags"] == {"app": "assistant", "cost-center": "42", "tenant": "search"}
    assert profiles["teams[search]"].inputs["description"] == "search team"
    assert profiles["teams[chat]"].inputs["name"] == "chat-team-profile"
    assert profiles["teams[Team B]"].inputs["tags"] == {"app": "assistant", "tenant": "Team B"}
    assert all(p.inputs["model_source"] == {"copy_from": HAIKU} and p.inputs["region"] == "us-west-2" for p in profiles.values())
    assert recorded.outputs["profiles"] == sorted(TENANTS)
    model_ids = recorded.outputs["model_ids"]
    assert model_ids == {t: profiles[f"teams[{t}]"].outputs["arn"] for t in TENANTS}
    assert len(set(model_ids.values())) == 3
    for tenant, policy in recorded.outputs["invoke_policies"].items():
        assert json.loads(policy) == invoke_policy_document(model_ids[tenant], models=[FOUNDATION_MODELS[HAIKU].arn("us-west-2")])
    (outputs,) = recorded.component_outputs.values()
    assert outputs == {"model_ids": model_ids, "invoke_policies": recorded.outputs["invoke_policies"]}


def test_custom_tag_key_and_a_system_profile_source() -> None:
    recorded = run(set_program(model=f"eu.{HAIKU}", tenants={"a": {}}, tag_key="team", region="eu-west-1"))
    (profile,) = recorded.of_type(PROFILE)
    assert profile.inputs["tags"] == {"team": "a"}
    policy = json.loads(recorded.outputs["invoke_policies"]["a"])
    (through,) = [s for s in policy["Statement"] if "Condition" in s]
    assert {r.split(":")[3] for r in through["Resource"]} == set(INFERENCE_PROFILE_GEOGRAPHIES["eu"].destination_regions)


def test_no_tenants_is_an_empty_set() -> None:
    recorded = run(set_program(model=HAIKU, tenants={}))
    assert recorded.of_type(PROFILE) == [] and recorded.outputs["model_ids"] == {} and recorded.outputs["invoke_policies"] == {}


def test_grant_invoke_grants_one_tenants_profile() -> None:
    def program() -> None:
        team_set = InferenceProfileSet("teams", model=HAIKU, tenants=TENANTS)
        team_set.grant_invoke("search", "search-role", streaming=False)
        pulumi.export("ids", team_set.model_ids)
        try:
            team_set.grant_invoke("nobody", "x")
        except KeyError as error:
            pulumi.export("error", error.args[0])

    recorded = run(program)
    (grant,) = recorded.of_type(ROLE_POLICY)
    assert grant.name == "teams-search-invoke-search-role" and grant.inputs["role"] == "search-role"
    assert grant.parent.endswith(f"{SET}::teams")
    assert json.loads(grant.inputs["policy"]) == invoke_policy_document(
        recorded.outputs["ids"]["search"], models=[FOUNDATION_MODELS[HAIKU].arn("us-east-1")], streaming=False
    )
    assert "no tenant 'nobody'" in recorded.outputs["error"]


def test_adding_a_tenant_keeps_every_other_childs_name_and_inputs() -> None:
    before = run(set_program(model=HAIKU, tenants={"b": {}, "c": {}}))
    after = run(set_program(model=HAIKU, tenants={"a": {}, "b": {}, "c": {}}))
    old = {r.name: r.inputs for r in before.of_type(PROFILE)}
    new = {r.name: r.inputs for r in after.of_type(PROFILE)}
    assert set(new) - set(old) == {"teams[a]"}
    assert all(new[name] == inputs for name, inputs in old.items())


def rejected(config: dict[str, str] | None = None, **kwargs: Any) -> tuple[InvalidArgumentError, Recorded]:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            InferenceProfileSet("teams", **kwargs)
        except InvalidArgumentError as error:
            errors.append(error)

    recorded = run(program, config)
    assert len(errors) == 1, "the arguments were accepted"
    return errors[0], recorded


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"tenants": {}}, "model", "is required"),
        ({"model": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/x/abc", "tenants": {}}, "model", "cannot copy a custom model"),
        ({"model": HAIKU}, "tenants", "must be a mapping"),
        ({"model": HAIKU, "tenants": {"a.b": {}}}, "tenants['a.b'] (the key)", "must match the pattern"),
        ({"model": HAIKU, "tenants": {"": {}}}, "tenants[''] (the key)", "must not be empty"),
        ({"model": HAIKU, "tenants": {"x" * 65: {}}}, f"tenants[{'x' * 65!r}] (the key)", "at most 64"),
        ({"model": HAIKU, "tenants": {"a": {"tags": {"tenant": "b"}}}}, "tenants['a'].tags", "must not set 'tenant'"),
        ({"model": HAIKU, "tenants": {"a": {}}, "tags": {"tenant": "b"}}, "tags", "must not set 'tenant'"),
        ({"model": HAIKU, "tenants": {"a": {"description": "a/b"}}}, "tenants['a'].description", "must match the pattern"),
        ({"model": HAIKU, "tenants": {"a": {"name": "n"}, "b": {"name": "n"}}}, "tenants['b'].name", "also tenant 'a'"),
        ({"model": HAIKU, "tenants": {"a": {"tagz": {}}}}, "tenants['a'].tagz", "is not an argument"),
        ({"model": HAIKU, "tenants": {"a": {}}, "tag_key": "aws:tenant"}, "tag_key", "reserved prefix"),
        ({"model": HAIKU, "tenants": {"a": {}}, "tags": {f"k{i}": "v" for i in range(50)}}, "tenants['a'].tags", "got 51"),
        ({"model": HAIKU, "tenants": {"search": {}, "Search": {}}}, "tenants['Search'] (the key)", "'Search' equals tenant 'search' ignoring case"),
        ({"model": HAIKU, "tenants": {"a": {"previous_keys": "b"}}}, "tenants['a'].previous_keys", "must be a list"),
        ({"model": HAIKU, "tenants": {"a": {"previous_keys": ["b.c"]}}}, "tenants['a'].previous_keys 'b.c'", "must match the pattern"),
        ({"model": HAIKU, "tenants": {"a": {"previous_keys": ["a"]}}}, "tenants['a'].previous_keys", "current key 'a'"),
        ({"model": HAIKU, "tenants": {"a": {"previous_keys": ["B"]}, "b": {}}}, "tenants['a'].previous_keys", "'B' equals tenant 'b' ignoring case"),
        (
            {"model": HAIKU, "tenants": {"a": {"previous_keys": ["old"]}, "b": {"previous_keys": ["OLD"]}}},
            "tenants['b'].previous_keys", "'OLD' equals tenant 'a'\'s previous key 'old' ignoring case",
        ),
    ],
)
def test_invalid_arguments_name_the_component_tenant_and_field(kwargs: dict, field: str, words: str) -> None:
    error, recorded = rejected(**kwargs)
    assert str(error).startswith(f'InferenceProfileSet "teams": {field} '), str(error)
    assert words in str(error)
    assert recorded.resources == []


def test_tag_limit_counts_defaults_shared_tags_and_the_tenant_tag_and_names_the_tenant() -> None:
    config = {"aws:defaultTags": json.dumps({"tags": {f"d{i}": "x" for i in range(40)}})}
    tenants = {"small": {"tags": {"a": "1"}}, "big": {"tags": {f"t{i}": "1" for i in range(6)}}}
    error, recorded = rejected(config, model=HAIKU, tenants=tenants, tags={f"s{i}": "1" for i in range(4)})
    assert str(error).startswith('InferenceProfileSet "teams": tenants[\'big\'].tags ')
    assert "40 stack default tags" in str(error) and "got 51" in str(error)
    assert recorded.resources == []
    fits = {"small": tenants["small"], "big": {"tags": {f"t{i}": "1" for i in range(5)}}}
    assert len(run(set_program(model=HAIKU, tenants=fits, tags={f"s{i}": "1" for i in range(4)}), config).of_type(PROFILE)) == 2


LEGACY = f"urn:pulumi:dev::proj::{SET}$pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::"
"""The URN prefix of a set's child as earlier versions named it (``<set>-<key>``), parent ``teams``."""


def test_children_of_different_sets_and_endpoints_never_collide() -> None:
    def program() -> None:
        InferenceProfileSet("chat", model=HAIKU, tenants={"eu-search": {}})
        InferenceProfileSet("chat-eu", model=HAIKU, tenants={"search": {}})
        InferenceProfileSet("teams", model=HAIKU, tenants={"search-profile": {}})
        InferenceEndpoint("teams-search", model=HAIKU)  # its child: teams-search-profile

    profiles = run(program).of_type(PROFILE)
    assert len(profiles) == 4
    assert len({p.urn for p in profiles}) == 4
    # The autoname hashes project/stack/resource name only: equal names would share the AWS name.
    assert len({p.name for p in profiles}) == len({p.inputs["_autoname"] for p in profiles}) == 4
    assert {p.name for p in profiles} >= {"chat[eu-search]", "chat-eu[search]", "teams[search-profile]", "teams-search-profile"}


def test_a_stack_deployed_with_the_earlier_child_names_keeps_its_profiles() -> None:
    recorded = run(set_program(model=HAIKU, tenants=TENANTS))
    for profile in recorded.of_type(PROFILE):
        tenant = profile.name.removeprefix("teams[").removesuffix("]")
        assert profile.urn == LEGACY + f"teams[{tenant}]"
        assert profile.aliases == (LEGACY + f"teams-{tenant}",)


def test_two_sets_whose_earlier_child_names_collide_get_no_alias_and_a_warning_naming_the_rename(caplog: pytest.LogCaptureFixture) -> None:
    def program() -> None:
        InferenceProfileSet("chat", model=HAIKU, tenants={"eu-search": {}, "other": {}})
        InferenceProfileSet("chat-eu", model=HAIKU, tenants={"search": {}})

    with caplog.at_level("WARNING"):
        recorded = run(program)
    aliases = {p.name: p.aliases for p in recorded.of_type(PROFILE)}
    old = "urn:pulumi:dev::proj::bedrock-inference:index:InferenceProfileSet$pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat-eu-search"
    assert aliases == {"chat[eu-search]": (), "chat-eu[search]": (), "chat[other]": (old.replace("chat-eu-search", "chat-other"),)}
    warnings = [r.getMessage() for r in caplog.records if "gets no alias" in r.getMessage()]
    assert len(warnings) == 2
    for warning in warnings:
        assert f"`pulumi state rename '{old}' 'chat[eu-search]'`" in warning
        assert f"`pulumi state rename '{old}' 'chat-eu[search]'`" in warning


def test_a_renamed_tenant_keeps_its_profile_through_aliases_and_changes_only_its_tag() -> None:
    before = run(set_program(model=HAIKU, tenants={"search": {"description": "search team"}, "chat": {}}))
    after = run(set_program(model=HAIKU, tenants={"find": {"description": "search team", "previous_keys": ["search"]}, "chat": {}}))
    old = {p.name: p for p in before.of_type(PROFILE)}["teams[search]"]
    new = {p.name: p for p in after.of_type(PROFILE)}["teams[find]"]
    assert old.urn in new.aliases  # the engine finds the old state under it: same ID, no create
    assert LEGACY + "teams-search" in new.aliases  # and a stack from before the [key] names too
    changed = {k for k in new.inputs.keys() | old.inputs.keys() if new.inputs.get(k) != old.inputs.get(k)}
    # The seed moves with the name, which check ignores for an existing autoname (a rename keeps the
    # name: tests/engine_protocol/test_renames_engine.py); the tag follows the new key, in place.
    assert changed == {"_autoname", "tags"}
    assert (old.inputs["tags"], new.inputs["tags"]) == ({"tenant": "search"}, {"tenant": "find"})
    assert set(after.outputs["model_ids"]) == {"find", "chat"}


def test_a_case_only_rename_is_a_rename() -> None:
    recorded = run(set_program(model=HAIKU, tenants={"search": {"previous_keys": ["Search"]}}))
    (profile,) = recorded.of_type(PROFILE)
    assert LEGACY + "teams[Search]" in profile.aliases and profile.inputs["tags"] == {"tenant": "search"}
