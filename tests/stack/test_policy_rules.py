"""Each policy of the pack, called as pulumi_policy calls it, with compliant and violating inputs,
for this package's dynamic resources and for pulumi-aws's equivalents (camelCase properties)."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from pulumi_bedrock_inference.policy import POLICIES

DYN_PROFILE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"
DYN_THROUGHPUT = "pulumi-python:dynamic/bedrock:ProvisionedModelThroughput"
DYN_DEPLOYMENT = "pulumi-python:dynamic/bedrock:CustomModelDeployment"
AWS_PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile"
AWS_THROUGHPUT = "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
POLICY = {policy.name: policy for policy in POLICIES}


def run(
    policy: str,
    resource_type: str,
    props: dict[str, Any],
    *,
    protect: bool = False,
    config: Optional[dict[str, Any]] = None,
    stack: str = "dev",
) -> list[str]:
    """The violations ``policy`` reports, through its ResourceValidationPolicy as the analyzer calls it."""
    name = "res"
    options = PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    args = ResourceValidationArgs(
        resource_type, unknown_checking_proxy(props), f"urn:pulumi:{stack}::proj::{resource_type}::{name}", name,
        options, None, config or {},
    )
    violations: list[str] = []
    POLICY[policy].validate(args, lambda message, urn=None: violations.append(message))
    return violations


def throughput(resource_type: str, units: float = 1, duration: Optional[str] = "OneMonth", **extra: Any) -> dict[str, Any]:
    if resource_type == DYN_THROUGHPUT:
        return {"model_arn": HAIKU, "model_units": units, "commitment_duration": duration, "tags": {}, **extra}
    return {"modelArn": HAIKU, "modelUnits": units, **({"commitmentDuration": duration} if duration else {}), **extra}


def profile(resource_type: str, source: str, **extra: Any) -> dict[str, Any]:
    if resource_type == DYN_PROFILE:
        return {"model_source": {"copy_from": source}, **extra}
    return {"modelSource": {"copyFrom": source}, **extra}


def test_the_pack_has_the_six_rules_each_configurable() -> None:
    assert set(POLICY) == {
        "bedrock-committed-throughput-protected", "bedrock-cost-allocation-tags", "bedrock-commitments-in-allowed-stacks",
        "bedrock-model-units-cap", "bedrock-allowed-models-and-regions", "bedrock-no-invoke-on-wildcard",
    }
    for policy in POLICIES:
        assert policy.config_schema is not None and policy.config_schema.properties, policy.name
        for key, schema in policy.config_schema.properties.items():
            assert "default" in schema and schema.get("description"), (policy.name, key)


# --------------------------------------------------------------------------- committed throughput protected


@pytest.mark.parametrize("resource_type", [DYN_THROUGHPUT, AWS_THROUGHPUT])
def test_committed_throughput_must_be_protected(resource_type: str) -> None:
    rule = "bedrock-committed-throughput-protected"
    (violation,) = run(rule, resource_type, throughput(resource_type, duration="SixMonths"))
    assert "SixMonths commitment" in violation and "protect=True" in violation
    assert run(rule, resource_type, throughput(resource_type, duration="SixMonths"), protect=True) == []
    assert run(rule, resource_type, throughput(resource_type, duration=None)) == []
    assert run(rule, resource_type, throughput(resource_type, duration="OneMonth"), config={"commitment_durations": ["SixMonths"]}) == []
    assert run(rule, DYN_PROFILE, profile(DYN_PROFILE, HAIKU)) == []


# --------------------------------------------------------------------------- cost-allocation tags


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (DYN_PROFILE, profile(DYN_PROFILE, HAIKU)),
        (AWS_PROFILE, profile(AWS_PROFILE, HAIKU)),
        (DYN_THROUGHPUT, throughput(DYN_THROUGHPUT)),
        (AWS_THROUGHPUT, throughput(AWS_THROUGHPUT)),
        (DYN_DEPLOYMENT, {"model_arn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abc"}),
    ],
)
def test_required_cost_allocation_tags(resource_type: str, props: dict[str, Any]) -> None:
    rule = "bedrock-cost-allocation-tags"
    config = {"keys": ["cost-center", "team"]}
    (violation,) = run(rule, resource_type, {**props, "tags": {"team": "search", "cost-center": ""}}, config=config)
    assert "cost-center" in violation and "team" not in violation.split("tag(s)")[1].split(":")[0]
    assert run(rule, resource_type, {**props, "tags": {"team": "search", "cost-center": "42"}}, config=config) == []
    assert run(rule, resource_type, {**props, "tags": {"cost-center": "42"}}) == []  # default keys: cost-center
    assert len(run(rule, resource_type, props)) == 1


def test_tags_rule_ignores_other_resources() -> None:
    assert run("bedrock-cost-allocation-tags", "aws:iam/role:Role", {"tags": {}}) == []


# --------------------------------------------------------------------------- commitments only in allowed stacks


@pytest.mark.parametrize("resource_type", [DYN_THROUGHPUT, AWS_THROUGHPUT])
def test_commitments_only_in_allowed_stacks(resource_type: str) -> None:
    rule = "bedrock-commitments-in-allowed-stacks"
    (violation,) = run(rule, resource_type, throughput(resource_type), stack="dev")
    assert "Stack 'dev'" in violation and "OneMonth" in violation
    assert run(rule, resource_type, throughput(resource_type), stack="prod") == []
    assert run(rule, resource_type, throughput(resource_type), stack="prod-eu", config={"stacks": ["prod-eu"]}) == []
    assert run(rule, resource_type, throughput(resource_type, duration=None), stack="dev") == []
    assert len(run(rule, resource_type, throughput(resource_type, duration=None), stack="dev", config={"include_no_commitment": True})) == 1


# --------------------------------------------------------------------------- model units cap


@pytest.mark.parametrize("resource_type", [DYN_THROUGHPUT, AWS_THROUGHPUT])
def test_model_units_cap(resource_type: str) -> None:
    rule = "bedrock-model-units-cap"
    (violation,) = run(rule, resource_type, throughput(resource_type, units=3.0))  # numbers arrive as floats
    assert "3 model units" in violation and "cap is 2" in violation
    assert run(rule, resource_type, throughput(resource_type, units=2.0)) == []
    assert len(run(rule, resource_type, throughput(resource_type, units=2.0), config={"max_model_units": 1})) == 1


# --------------------------------------------------------------------------- allowed models and regions


@pytest.mark.parametrize("resource_type", [DYN_PROFILE, AWS_PROFILE])
def test_data_residency_rejects_global_and_other_geographies(resource_type: str) -> None:
    rule = "bedrock-allowed-models-and-regions"
    config = {"geographies": ["eu"]}
    (violation,) = run(rule, resource_type, profile(resource_type, "global.anthropic.claude-sonnet-4-20250514-v1:0"), config=config)
    assert "global. cross-region profile" in violation and "eu." in violation
    arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0"
    assert len(run(rule, resource_type, profile(resource_type, arn), config=config)) == 1
    assert run(rule, resource_type, profile(resource_type, "eu.anthropic.claude-3-5-sonnet-20240620-v1:0"), config=config) == []
    assert run(rule, resource_type, profile(resource_type, HAIKU), config=config) == []  # single-region model
    assert run(rule, resource_type, profile(resource_type, "global.anthropic.claude-sonnet-4-20250514-v1:0")) == []


@pytest.mark.parametrize("resource_type", [DYN_PROFILE, AWS_PROFILE])
def test_allowed_model_families(resource_type: str) -> None:
    rule = "bedrock-allowed-models-and-regions"
    config = {"model_families": ["anthropic.claude-3-5", "amazon.nova"]}
    (violation,) = run(rule, resource_type, profile(resource_type, HAIKU), config=config)
    assert HAIKU in violation and "allowed family" in violation
    assert run(rule, resource_type, profile(resource_type, "us.amazon.nova-pro-v1:0"), config=config) == []
    arn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert run(rule, resource_type, profile(resource_type, arn), config=config) == []


def test_allowed_regions_for_the_resource_and_its_source_arn() -> None:
    rule = "bedrock-allowed-models-and-regions"
    config = {"regions": ["eu-central-1", "eu-west-1"]}
    assert len(run(rule, DYN_PROFILE, profile(DYN_PROFILE, HAIKU, region="us-east-1"), config=config)) == 1
    arn = "arn:aws:bedrock:us-west-2::foundation-model/" + HAIKU
    assert len(run(rule, AWS_PROFILE, profile(AWS_PROFILE, arn, region="eu-west-1"), config=config)) == 1
    assert run(rule, DYN_PROFILE, profile(DYN_PROFILE, HAIKU, region="eu-west-1"), config=config) == []
    assert run(rule, DYN_THROUGHPUT, throughput(DYN_THROUGHPUT, region="eu-central-1"), config=config) == []


def test_custom_model_family_is_read_from_its_arn_and_imported_models_are_not_judged() -> None:
    rule = "bedrock-allowed-models-and-regions"
    config = {"model_families": ["amazon.nova"]}
    tuned = "arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/abcdef123456"
    assert len(run(rule, DYN_DEPLOYMENT, {"model_arn": tuned}, config=config)) == 1
    nova = "arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0:128k/abcdef123456"
    assert run(rule, DYN_DEPLOYMENT, {"model_arn": nova}, config=config) == []
    imported = "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"
    assert run(rule, DYN_DEPLOYMENT, {"model_arn": imported}, config=config) == []


def test_an_unknown_model_during_preview_defers_the_rule() -> None:
    props = {"model_arn": UNKNOWN_STRING_VALUE, "model_units": 1, "commitment_duration": None}
    with pytest.raises(UnknownValueError):
        run("bedrock-allowed-models-and-regions", DYN_THROUGHPUT, props, config={"model_families": ["amazon.nova"]})


# --------------------------------------------------------------------------- no InvokeModel on *


def iam(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


EXACT = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdef123456"


@pytest.mark.parametrize("resource_type", ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"])
@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"},
        {"Effect": "Allow", "Action": ["bedrock:Invoke*"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": "bedrock:*", "Resource": "arn:aws:bedrock:*:*:*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:bedrock:us-east-1::foundation-model/*"},
        {"Effect": "Allow", "Action": "BEDROCK:invokemodelwithresponsestream", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "NotResource": EXACT},
    ],
)
def test_invoke_on_a_wildcard_resource_is_refused(resource_type: str, statement: dict[str, Any]) -> None:
    (violation,) = run("bedrock-no-invoke-on-wildcard", resource_type, {"policy": iam([statement])})
    assert "bedrock:InvokeModel" in violation


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": EXACT},
        # a region wildcard for a cross-region profile's foundation model, bound to the profile: fine
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "arn:aws:bedrock:*::foundation-model/" + HAIKU,
         "Condition": {"ArnEquals": {"bedrock:InferenceProfileArn": EXACT}}},
        {"Effect": "Allow", "Action": "bedrock:ListFoundationModels", "Resource": "*"},
        {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "bedrock:Invoke*", "Resource": "*"},
    ],
)
def test_exact_grants_and_other_actions_pass(statement: dict[str, Any]) -> None:
    assert run("bedrock-no-invoke-on-wildcard", "aws:iam/rolePolicy:RolePolicy", {"policy": iam([statement])}) == []


def test_role_inline_policies_and_configured_actions() -> None:
    props = {"inlinePolicies": [{"name": "x", "policy": iam([{"Effect": "Allow", "Action": "bedrock:Converse*", "Resource": "*"}])}]}
    assert run("bedrock-no-invoke-on-wildcard", "aws:iam/role:Role", props) == []
    assert len(run("bedrock-no-invoke-on-wildcard", "aws:iam/role:Role", props, config={"actions": ["bedrock:ConverseStream"]})) == 1
    # a statement object instead of a list, as IAM allows
    single = {"policy": json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}})}
    assert len(run("bedrock-no-invoke-on-wildcard", "aws:iam/policy:Policy", single)) == 1
