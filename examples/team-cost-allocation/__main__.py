"""Team cost allocation: one application inference profile per team, all copying one model.

Each profile carries a `team` tag and the team's `cost-center` tag. Both keys are activated as cost
allocation tags, so Cost Explorer (grouped by tag) and CUR 2.0 split Bedrock cost per team; a key
AWS billing has not seen yet stays pending until a later `pulumi up`. Each team's existing IAM role
gets an inline policy that invokes its own profile only, and the teams in config `budgets` get a
monthly AWS Budget on their own cost.
"""

import pulumi

from pulumi_bedrock_inference.components import InferenceProfileSet

config = pulumi.Config()
team_roles: dict[str, str] = config.get_object("teamRoles") or {}
budgets: dict[str, dict] = config.get_object("budgets") or {}

teams = InferenceProfileSet(
    "assistant",
    model="us.anthropic.claude-3-haiku-20240307-v1:0",
    tag_key="team",
    tags={"app": "assistant"},
    cost_allocation_tag_keys=["cost-center"],  # activated with `team`
    tenants={
        team: {"tags": {"cost-center": cost_center}, **({"budget": budgets[team]} if team in budgets else {})}
        for team, cost_center in {"search": "cc-1001", "support": "cc-2002", "analytics": "cc-3003"}.items()
    },
)

for team, role_name in team_roles.items():
    teams.grant_invoke(team, role_name)

pulumi.export("model_ids", teams.model_ids)
pulumi.export("cost_allocation_tags", {
    "active": teams.cost_allocation_tags.active_keys,
    "pending": teams.cost_allocation_tags.pending_keys,
})
