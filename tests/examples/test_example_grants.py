"""The team-cost-allocation example's IAM grants and budget, under ``pulumi.runtime.set_mocks``.

With its default ``teamRoles`` the example attaches an ``aws.iam.RolePolicy`` to each team's role.
The real engine here has no aws provider plugin, so the real-engine test
(tests/cli/test_examples.py) runs the example with ``teamRoles {}``; what the grants are is proven
here: one inline policy per team's role, naming its own profile and no other team's, and passing
the policy pack's wildcard rule.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import yaml
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from pulumi_bedrock_inference.policy import POLICIES

from ..components.mocks import PROFILE, ROLE_POLICY, run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "team-cost-allocation"


def policy_violations(policy: str, resource_type: str, props: dict[str, Any]) -> list[str]:
    """What one policy of the repository's pack reports about these inputs (default settings)."""
    urn = f"urn:pulumi:dev::proj::{resource_type}::res"
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    args = ResourceValidationArgs(resource_type, props, urn, "res", options, None, {})
    violations: list[str] = []
    next(p for p in POLICIES if p.name == policy).validate(args, lambda message, urn=None: violations.append(message))
    return violations


def run_with_defaults() -> tuple[Any, dict[str, str]]:
    """The example under mocks with its Pulumi.yaml defaults for ``teamRoles`` and ``budgets``."""
    config = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["config"]
    defaults = {key: config[key]["default"] for key in ("teamRoles", "budgets")}
    recorded = run(lambda: runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__"),
                   {f"proj:{key}": json.dumps(value) for key, value in defaults.items()})
    return recorded, defaults["teamRoles"]


def test_one_teams_budget_filters_on_its_tag_and_notifies_on_actual_and_forecast() -> None:
    recorded, _ = run_with_defaults()
    (budget,) = recorded.of_type("aws:budgets/budget:Budget")
    assert budget.name == "assistant[search]-budget"
    assert budget.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:team$search"]}]
    assert budget.inputs["limitAmount"] == "500.00"
    assert {n["notificationType"] for n in budget.inputs["notifications"]} == {"ACTUAL", "FORECASTED"}


def test_each_teams_role_may_invoke_its_own_profile_only() -> None:
    recorded, team_roles = run_with_defaults()
    profiles = {r.name.removeprefix("assistant[").removesuffix("]"): r.outputs["arn"] for r in recorded.of_type(PROFILE)}
    assert sorted(profiles) == sorted(team_roles)
    grants = recorded.of_type(ROLE_POLICY)
    assert len(grants) == len(team_roles)
    for team, role in team_roles.items():
        grant = recorded.named(f"assistant-{team}-invoke-{role}")
        assert grant.inputs["role"] == role
        policy = grant.inputs["policy"]
        assert profiles[team] in policy
        assert all(arn not in policy for other, arn in profiles.items() if other != team)
        assert policy_violations("bedrock-no-invoke-on-wildcard", ROLE_POLICY, grant.inputs) == []
