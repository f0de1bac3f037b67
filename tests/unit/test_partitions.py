"""Every partition and region botocore's endpoint data lists for Bedrock is accepted wherever a
region or an ARN is parsed: the providers' region rule and stack config, the components' IAM
builder and model parser, the policy pack and the emulator.

The regions come from botocore's ``endpoints.json`` itself (read here directly, not through the
code under test), so a region AWS adds reaches this test with the next botocore.
"""

from __future__ import annotations

import json

import pytest
from botocore.loaders import create_loader

from pulumi_bedrock_inference.components.iam import invoke_policy_document
from pulumi_bedrock_inference.components.validation import classify_model
from pulumi_bedrock_inference.partitions import partition_of
from pulumi_bedrock_inference.policy.resources import parse_model_reference
from pulumi_bedrock_inference.providers.config import ProviderConfig
from pulumi_bedrock_inference.providers.validation import REGION_RULE
from pulumi_bedrock_inference.testing.emulator.catalogue import foundation_model_arn
from pulumi_bedrock_inference.testing.emulator.runtime import RuntimeSettings, requested_arn

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
ACCOUNT = "123456789012"


def _bedrock_regions() -> list[tuple[str, str]]:
    found = []
    for partition in create_loader().load_data("endpoints")["partitions"]:
        for name in partition["services"].get("bedrock", {}).get("endpoints", {}):
            if name in partition["regions"]:
                found.append((partition["partition"], name))
    return sorted(found)


REGIONS = _bedrock_regions()


def test_the_data_lists_the_partitions_the_issue_names() -> None:
    assert ("aws-eusc", "eusc-de-east-1") in REGIONS
    assert {p for p, _ in REGIONS} >= {"aws", "aws-us-gov", "aws-eusc"}


@pytest.mark.parametrize(("partition", "region"), REGIONS)
def test_every_bedrock_region_is_accepted_everywhere(partition: str, region: str) -> None:
    assert REGION_RULE.problem(region) is None
    assert partition_of(region) == partition
    config = ProviderConfig.from_stack_config({"aws:region": region}.get)
    assert config.region == region and not config.problem_keys

    profile = f"arn:{partition}:bedrock:{region}:{ACCOUNT}:application-inference-profile/a1b2c3d4e5f6"
    model = f"arn:{partition}:bedrock:{region}::foundation-model/{HAIKU}"
    system = f"arn:{partition}:bedrock:{region}:{ACCOUNT}:inference-profile/us.{HAIKU}"
    document = invoke_policy_document(profile, models=[model], source_profile=system)
    assert model in json.dumps(document) and profile in json.dumps(document)
    throughput = f"arn:{partition}:bedrock:{region}:{ACCOUNT}:provisioned-model/x9y8z7w6v5u4"
    assert invoke_policy_document(throughput)["Statement"][0]["Resource"] == [throughput]

    assert classify_model(model).kind == "foundation-model"  # type: ignore[union-attr]
    assert classify_model(system).kind == "system-profile"  # type: ignore[union-attr]
    assert parse_model_reference(model).region == region
    assert parse_model_reference(system).geography == "us"

    assert foundation_model_arn(region, HAIKU) == model
    assert requested_arn(HAIKU, region, ACCOUNT) == model
    RuntimeSettings().route_to(region)


def test_a_region_of_the_wrong_shape_is_still_refused() -> None:
    for bad in ("US East", "useast-1", "us-east", "eu-central-1 ", "x" * 40 + "-a-1"):
        assert REGION_RULE.problem(bad) is not None, bad
    with pytest.raises(ValueError):
        invoke_policy_document(f"arn:aws:bedrock:US-EAST-1:{ACCOUNT}:provisioned-model/x9y8z7w6v5u4")
