"""grant_invoke under set_mocks: every form of role, IAM-valid unique policy names, several tenants
in one exact policy, IAM's inline-policy size limit at construction (so at preview), service tiers
and the Marketplace opt-in.

IAM's own rules are read from botocore's model of ``PutRolePolicy`` here, independently of the code
under test: a name must fullmatch the member's pattern (RE2, as AWS's Java validators read it) and
fit its length limits.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from botocore.loaders import create_loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_bedrock_inference.components import InferenceEndpoint, InferenceProfileSet, InvalidArgumentError
from pulumi_bedrock_inference.components.iam import INLINE_POLICY_LIMIT, inline_policy_name, planned_endpoint, planned_size, policy_size
from pulumi_bedrock_inference.patterns import fullmatches

from .mocks import ROLE_POLICY, run

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture(autouse=True)
def _pickler_restored() -> Any:
    """The SDK's provider serializer patches ``pickle._Pickler._batch_setitems`` for the duration of a
    call (pulumi/dynamic/dynamic.py); a program aborted at construction leaves serializations of
    its already-registered profiles running in other threads, whose overlapping patch and restore
    can leave the patch chained. Restore the original for the tests that follow."""
    import pickle

    original = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    yield
    pickle._Pickler._batch_setitems = original  # type: ignore[attr-defined]


SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"


def put_role_policy_rule(member: str) -> tuple[int, int, str]:
    model = create_loader().load_service_model("iam", "service-2")
    shape = model["shapes"][model["shapes"]["PutRolePolicyRequest"]["members"][member]["shape"]]
    return shape["min"], shape["max"], shape["pattern"]


def valid_for_iam(member: str, value: str) -> bool:
    low, high, pattern = put_role_policy_rule(member)
    return low <= len(value) <= high and fullmatches(pattern, value)


@pytest.mark.parametrize("form", ["role", "name", "arn", "output-name", "output-arn", "output-role-name"])
def test_every_form_of_role_sends_iam_the_role_name(form: str) -> None:
    arn = "arn:aws:iam::123456789012:role/service-role/app-runner"

    def program() -> None:
        endpoint = InferenceEndpoint("chat", model=HAIKU)
        role = aws.iam.Role("app-runner", name="app-runner", assume_role_policy="{}")
        given_role: Any = {
            "role": role, "name": "app-runner", "arn": arn,
            "output-name": pulumi.Output.from_input("app-runner"), "output-arn": pulumi.Output.from_input(arn),
            "output-role-name": role.name,
        }[form]
        endpoint.grant_invoke(given_role)

    (grant,) = run(program).of_type(ROLE_POLICY)
    assert grant.inputs["role"] == "app-runner"
    assert valid_for_iam("RoleName", grant.inputs["role"]) and valid_for_iam("PolicyName", grant.inputs["name"])


def test_a_malformed_role_is_refused_naming_the_field() -> None:
    def program() -> None:
        InferenceEndpoint("chat", model=HAIKU).grant_invoke("arn:aws:iam::123456789012:user/bob")

    with pytest.raises(InvalidArgumentError, match=r'InferenceEndpoint "chat": role must be an IAM role name or role ARN'):
        run(program)


def test_a_second_grant_to_an_output_role_needs_a_name() -> None:
    def program() -> None:
        endpoint = InferenceEndpoint("chat", model=HAIKU)
        endpoint.grant_invoke(pulumi.Output.from_input("a"))
        endpoint.grant_invoke(pulumi.Output.from_input("b"))

    with pytest.raises(InvalidArgumentError, match="pass name="):
        run(program)


TENANT_KEY = st.from_regex(r"[A-Za-z0-9]([ _-]?[A-Za-z0-9]){0,40}", fullmatch=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tenants=st.lists(TENANT_KEY, min_size=2, max_size=4, unique=True), component=st.text(min_size=1, max_size=300))
def test_policy_names_are_valid_for_iam_and_unique_per_role(tenants: list[str], component: str) -> None:
    """Tenant keys the set allows (spaces included) and any component name give IAM-valid names,
    different for every tenant and component (a PutRolePolicy under an existing name replaces it)."""
    names = {inline_policy_name("proj", "dev", "InferenceProfileSet", component, t) for t in tenants}
    names.add(inline_policy_name("proj", "dev", "InferenceProfileSet", component + "x", tenants[0]))
    names.add(inline_policy_name("proj", "dev", "InferenceEndpoint", component))
    names.add(inline_policy_name("proj", "prod", "InferenceEndpoint", component))
    assert len(names) == len(tenants) + 3
    assert all(valid_for_iam("PolicyName", n) for n in names), names


def test_tenants_whose_keys_differ_only_by_space_and_dash_get_different_policy_names() -> None:
    def program() -> None:
        teams = InferenceProfileSet("teams", model=HAIKU, tenants={"team a": {}, "team-a": {}})
        teams.grant_invoke("team a", "shared-role")
        teams.grant_invoke("team-a", "shared-role")

    grants = run(program).of_type(ROLE_POLICY)
    names = {g.inputs["name"] for g in grants}
    assert len(names) == 2 and all(valid_for_iam("PolicyName", n) for n in names)


def _set_program(model: str, count: int, merged: bool, region: str = "us-east-1") -> Any:
    tenants = {f"tenant{i:03d}": {} for i in range(count)}

    def program() -> None:
        teams = InferenceProfileSet("teams", model=model, tenants=tenants, region=region)
        if merged:
            policy = teams.grant_invoke(sorted(tenants), "shared-role")
            pulumi.export("policy", policy.policy)
        else:
            for tenant in sorted(tenants):
                teams.grant_invoke(tenant, "shared-role")
        pulumi.export("ids", teams.model_ids)

    return program


def test_several_tenants_in_one_exact_policy_without_duplicate_sids() -> None:
    recorded = run(_set_program(f"us.{HAIKU}", 3, merged=True))
    (grant,) = recorded.of_type(ROLE_POLICY)
    document = json.loads(grant.inputs["policy"])
    sids = [s["Sid"] for s in document["Statement"]]
    assert len(sids) == len(set(sids))
    ids = sorted(recorded.outputs["ids"].values())
    (through,) = [s for s in document["Statement"] if "Condition" in s]
    assert through["Condition"]["ArnEquals"]["bedrock:InferenceProfileArn"] == ids
    (invoke,) = [s for s in document["Statement"] if s["Sid"] == "InvokeEndpoint"]
    assert set(ids) <= set(invoke["Resource"])
    assert policy_size(document) < 3 * policy_size(json.loads(grant.inputs["policy"])) / 2


@pytest.mark.parametrize("model", [f"us.{HAIKU}", f"global.{SONNET_4}"])
def test_past_the_inline_policy_limit_construction_fails_naming_it(model: str) -> None:
    """Separate policies per tenant fill the role's 10,240 characters quickly; the error comes
    before anything registers (at preview), naming the limit and the way out."""
    with pytest.raises(InvalidArgumentError, match=r"over IAM's limit of 10,240 per role.*grant several tenants in one policy"):
        run(_set_program(model, 12, merged=False), preview=True)
    with pytest.raises(InvalidArgumentError, match="10,240"):
        run(_set_program(model, 45, merged=True), preview=True)


@pytest.mark.parametrize("model", [f"us.{HAIKU}", f"eu.{HAIKU}", f"global.{SONNET_4}", HAIKU])
def test_the_size_estimated_at_construction_is_never_below_the_real_policy(model: str) -> None:
    planned = planned_size([planned_endpoint("profile", model, "us-east-1")] * 20, True, None, None)
    (grant,) = run(_set_program(model, 20, merged=True)).of_type(ROLE_POLICY)
    assert policy_size(grant.inputs["policy"]) <= planned <= INLINE_POLICY_LIMIT


def test_service_tiers_limit_the_condition_key_and_are_checked() -> None:
    def program() -> None:
        endpoint = InferenceEndpoint("chat", model=f"us.{HAIKU}")
        endpoint.grant_invoke("r1", service_tiers=["flex"])
        endpoint.grant_invoke("r2", service_tiers=["default", "priority"])

    grants = {g.inputs["role"]: json.loads(g.inputs["policy"]) for g in run(program).of_type(ROLE_POLICY)}
    for statement in grants["r1"]["Statement"]:
        if "bedrock:InvokeModel" in statement["Action"]:
            assert statement["Condition"]["StringEquals"]["bedrock:ServiceTier"] == ["flex"]
    invoke = [s for s in grants["r2"]["Statement"] if s["Sid"] == "InvokeEndpoint"][0]
    assert invoke["Condition"] == {"StringEqualsIfExists": {"bedrock:ServiceTier": ["priority", "default"]}}

    def bad() -> None:
        InferenceEndpoint("chat", model=HAIKU).grant_invoke("r", service_tiers=["turbo"])

    with pytest.raises(InvalidArgumentError, match=r'InferenceEndpoint "chat": service_tiers must list one or more of priority, default, flex, reserved'):
        run(bad)


def test_marketplace_opt_in_adds_the_documented_subscription_permissions() -> None:
    """https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html: Subscribe limited by
    aws-marketplace:ProductId, Unsubscribe and ViewSubscriptions; nothing of it without the opt-in."""
    def program() -> None:
        endpoint = InferenceEndpoint("chat", model=HAIKU)
        endpoint.grant_invoke("with", marketplace_product_ids=["prod-m5ilt4siql27k"])
        endpoint.grant_invoke("without")

    grants = {g.inputs["role"]: json.loads(g.inputs["policy"]) for g in run(program).of_type(ROLE_POLICY)}
    subscribe = [s for s in grants["with"]["Statement"] if s["Sid"] == "SubscribeToModel"][0]
    assert subscribe["Action"] == ["aws-marketplace:Subscribe"] and subscribe["Resource"] == ["*"]
    assert subscribe["Condition"] == {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": ["prod-m5ilt4siql27k"]}}
    manage = [s for s in grants["with"]["Statement"] if s["Sid"] == "ManageModelSubscription"][0]
    assert manage["Action"] == ["aws-marketplace:Unsubscribe", "aws-marketplace:ViewSubscriptions"]
    assert not any("aws-marketplace" in json.dumps(s) for s in grants["without"]["Statement"])
