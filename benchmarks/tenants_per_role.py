"""How many tenants of an InferenceProfileSet can one IAM role be granted, per geography?

IAM holds at most 10,240 characters (white space not counted) of inline policies per role
("IAM and AWS STS quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
For each source model, in us-east-1: the most tenants that fit with one policy per tenant
(``grant_invoke(tenant, role)`` each) and with one merged policy (``grant_invoke([tenants], role)``),
side by side, as the check at construction (preview) counts them: every ARN at its final length,
a geographic profile's models at their most (every Bedrock region of the geography's name prefix in
botocore's endpoint data). "exact" repeats the merged count with the models a profile of the
emulator's catalogue really lists (3 regions per geography), for comparison.

    .venv/bin/python benchmarks/tenants_per_role.py
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _report  # noqa: E402

from pulumi_bedrock_inference.components.iam import (  # noqa: E402
    INLINE_POLICY_LIMIT,
    Endpoint,
    planned_endpoint,
    planned_size,
)
from pulumi_bedrock_inference.testing.emulator.catalogue import INFERENCE_PROFILE_GEOGRAPHIES, SYSTEM_INFERENCE_PROFILES  # noqa: E402

REGION = "us-east-1"
MODELS = {
    "single region (foundation model)": "anthropic.claude-3-haiku-20240307-v1:0",
    "us.": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "eu.": "eu.anthropic.claude-3-haiku-20240307-v1:0",
    "apac.": "apac.anthropic.claude-3-haiku-20240307-v1:0",
    "global.": "global.anthropic.claude-sonnet-4-20250514-v1:0",
}


def most_that_fit(size_of: "callable[[int], int]") -> int:  # type: ignore[valid-type]
    count = 0
    while size_of(count + 1) <= INLINE_POLICY_LIMIT:
        count += 1
    return count


def catalogue_endpoint(model: str) -> Endpoint:
    planned = planned_endpoint("profile", model, REGION)
    if model.partition(".")[0] not in INFERENCE_PROFILE_GEOGRAPHIES:
        return planned
    return Endpoint(planned.model_id, tuple(SYSTEM_INFERENCE_PROFILES[model].model_arns(REGION)), planned.source_profile)


def main() -> None:
    _report.header("Tenants per IAM role (10,240 characters of inline policies)", f"region {REGION}, streaming granted")
    rows = []
    for label, model in MODELS.items():
        endpoint = planned_endpoint("profile", model, REGION)
        one = planned_size([endpoint], True, None, None)
        separate = INLINE_POLICY_LIMIT // one
        merged = most_that_fit(lambda n: planned_size([endpoint] * n, True, None, None))
        exact = catalogue_endpoint(model)
        merged_exact = most_that_fit(lambda n: planned_size([exact] * n, True, None, None))
        per_tenant = planned_size([endpoint] * 2, True, None, None) - one
        rows.append([label, len(endpoint.models), one, separate, per_tenant, merged, f"{merged / separate:.1f}x", merged_exact])
    _report.table(
        ["source", "models", "chars, 1 tenant", "tenants (separate)", "chars / more tenant", "tenants (merged)", "ratio", "merged, exact"],
        rows,
    )


if __name__ == "__main__":
    main()
