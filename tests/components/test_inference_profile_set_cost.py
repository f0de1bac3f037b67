"""InferenceProfileSet's cost loop under set_mocks: activated cost allocation tags by default, budgets
filtered to a tenant's tag value (or the whole set's) on request, and arguments checked first."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_bedrock_inference.components import InferenceProfileSet, InvalidArgumentError

from .mocks import BUDGET, COST_ALLOCATION_TAGS, PROFILE, run

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SET = "bedrock-inference:index:InferenceProfileSet"
TOPIC = "arn:aws:sns:us-east-1:123456789012:finops-alerts"


def program(name: str = "teams", **kwargs: Any) -> Any:
    def body() -> None:
        InferenceProfileSet(name, model=HAIKU, **kwargs)

    return body


def notification(kind: str, emails: list[str] | None, topics: list[str] | None, threshold: float = 100.0) -> dict[str, Any]:
    found = {"notificationType": kind, "comparisonOperator": "GREATER_THAN", "threshold": threshold, "thresholdType": "PERCENTAGE"}
    if emails:
        found["subscriberEmailAddresses"] = emails
    if topics:
        found["subscriberSnsTopicArns"] = topics
    return found


def test_the_tag_key_and_named_keys_are_activated_after_the_profiles_by_default() -> None:
    recorded = run(program(tenants={"search": {}, "chat": {}}, tags={"cost-center": "42"}, cost_allocation_tag_keys=["cost-center", "tenant"]))
    (activation,) = recorded.of_type(COST_ALLOCATION_TAGS)
    assert activation.name == "teams-cost-allocation-tags" and activation.parent.endswith(f"{SET}::teams")
    assert activation.inputs["tag_keys"] == ["tenant", "cost-center"]
    assert "deactivate_on_delete" not in activation.inputs  # a set never deactivates a key others may use
    profile_urns = {r.name: r for r in recorded.of_type(PROFILE)}
    assert {urn.rsplit("::", 1)[-1] for urn in activation.dependencies} == set(profile_urns)
    assert recorded.of_type(BUDGET) == []


def test_activation_can_be_turned_off() -> None:
    recorded = run(program(tenants={"search": {}}, activate_cost_allocation_tags=False))
    assert recorded.of_type(COST_ALLOCATION_TAGS) == [] and len(recorded.of_type(PROFILE)) == 1


def test_a_tenant_budget_filters_on_its_tag_value_and_notifies_on_actual_and_forecast() -> None:
    tenants = {
        "search": {"budget": {"monthly_limit_usd": 500, "notify": ["search-lead@example.com", TOPIC]}},
        "Team B": {"budget": {"monthly_limit_usd": 12.5, "notify": ["b@example.com"], "threshold_percent": 80}},
        "chat": {},
    }
    recorded = run(program(tenants=tenants, tag_key="team"))
    budgets = {b.name: b for b in recorded.of_type(BUDGET)}
    assert set(budgets) == {"teams[search]-budget", "teams[Team B]-budget"}
    search = budgets["teams[search]-budget"]
    assert search.parent.endswith(f"{SET}::teams")
    assert {k: search.inputs[k] for k in ("budgetType", "timeUnit", "limitAmount", "limitUnit")} == {
        "budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": "500.00", "limitUnit": "USD"
    }
    assert search.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:team$search"]}]
    assert search.inputs["notifications"] == [
        notification("ACTUAL", ["search-lead@example.com"], [TOPIC]),
        notification("FORECASTED", ["search-lead@example.com"], [TOPIC]),
    ]
    team_b = budgets["teams[Team B]-budget"]
    assert team_b.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:team$Team B"]}]
    assert team_b.inputs["limitAmount"] == "12.50"
    assert team_b.inputs["notifications"] == [notification(k, ["b@example.com"], None, 80.0) for k in ("ACTUAL", "FORECASTED")]
    assert [urn.rsplit("::", 1)[-1] for urn in search.dependencies] == ["teams[search]"]


def test_a_set_budget_covers_every_tenant_value() -> None:
    recorded = run(program(tenants={"search": {}, "chat": {}}, budget={"monthly_limit_usd": 2000, "notify": [TOPIC]}))
    (budget,) = recorded.of_type(BUDGET)
    assert budget.name == "teams-budget"
    assert budget.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:tenant$chat", "user:tenant$search"]}]
    assert budget.inputs["notifications"] == [notification(k, None, [TOPIC]) for k in ("ACTUAL", "FORECASTED")]


def test_a_limit_from_an_output_is_formatted_when_known() -> None:
    recorded = run(program(tenants={"a": {"budget": {"monthly_limit_usd": pulumi.Output.from_input(99), "notify": ["a@example.com"]}}}))
    (budget,) = recorded.of_type(BUDGET)
    assert budget.inputs["limitAmount"] == "99.00"


def test_two_sets_sharing_a_key_each_keep_it_active_without_deactivation() -> None:
    def two_sets() -> None:
        InferenceProfileSet("search", model=HAIKU, tenants={"a": {}})
        InferenceProfileSet("chat", model=HAIKU, tenants={"b": {}})

    activations = run(two_sets).of_type(COST_ALLOCATION_TAGS)
    assert {a.name: a.inputs["tag_keys"] for a in activations} == {
        "search-cost-allocation-tags": ["tenant"], "chat-cost-allocation-tags": ["tenant"]
    }
    assert all("deactivate_on_delete" not in a.inputs for a in activations)


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"budget": {"monthly_limit_usd": 0, "notify": ["a@example.com"]}}, "budget.monthly_limit_usd", "must be a number more than 0, got 0"),
        ({"budget": {"notify": ["a@example.com"]}}, "budget.monthly_limit_usd", "is required"),
        ({"budget": {"monthly_limit_usd": 5, "notify": []}}, "budget.notify", "must be a list of 1 to 11"),
        ({"budget": {"monthly_limit_usd": 5, "notify": ["not an address"]}}, "budget.notify[0]", "must be an email address or an SNS topic ARN"),
        ({"budget": {"monthly_limit_usd": 5, "notify": ["arn:aws:iam::1:role/x"]}}, "budget.notify[0]", "must be an email address or an SNS topic ARN"),
        ({"budget": {"monthly_limit_usd": 5, "notify": ["a@example.com"], "currency": "EUR"}}, "budget.currency", "is not a budget argument"),
        ({"budget": {"monthly_limit_usd": 5, "notify": ["a@example.com"], "threshold_percent": -1}}, "budget.threshold_percent", "more than 0"),
        ({"tenants": {"a": {"budget": {"monthly_limit_usd": "500", "notify": ["a@example.com"]}}}}, "tenants['a'].budget.monthly_limit_usd", "must be a number"),
        ({"activate_cost_allocation_tags": "yes"}, "activate_cost_allocation_tags", "must be true or false"),
        ({"cost_allocation_tag_keys": ["aws:createdBy"]}, "cost_allocation_tag_keys[0]", 'reserved prefix "aws:"'),
        ({"cost_allocation_tag_keys": "cost-center"}, "cost_allocation_tag_keys", "must be a list of tag keys"),
    ],
)
def test_bad_cost_arguments_fail_before_anything_registers(kwargs: dict[str, Any], field: str, reason: str) -> None:
    arguments = {"tenants": {"a": {}}, **kwargs}
    with pytest.raises(InvalidArgumentError) as raised:
        run(program(**arguments))
    assert raised.value.field == field and reason in raised.value.reason
    assert str(raised.value).startswith(f'InferenceProfileSet "teams": {field} ')
