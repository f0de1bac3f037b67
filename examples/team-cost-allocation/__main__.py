"""Team cost allocation: one application inference profile per team, all copying one model.

Each profile carries a `team` tag and the team's `cost-center` tag, so Cost Explorer (after the
tags are activated as cost-allocation tags) and CloudWatch split Bedrock usage per team. Each
team's existing IAM role gets an inline policy that invokes its own profile only.
"""

import pulumi

from pulumi_bedrock_inference.components import InferenceProfileSet

config = pulumi.Config()
team_roles: dict[str, str] = config.get_object("teamRoles") or {}

teams = InferenceProfileSet(
    "assistant",
    model="us.anthropic.claude-3-haiku-20240307-v1:0",
    tag_key="team",
    tags={"app": "assistant"},
    tenants={
        "search": {"tags": {"cost-center": "cc-1001"}},
        "support": {"tags": {"cost-center": "cc-2002"}},
        "analytics": {"tags": {"cost-center": "cc-3003"}},
    },
)

for team, role_name in team_roles.items():
    teams.grant_invoke(team, role_name)

pulumi.export("model_ids", teams.model_ids)
