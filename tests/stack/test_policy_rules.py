"""Each policy of the pack, called as pulumi_policy calls it, with compliant and violating inputs,
for this package's dynamic resources and for pulumi-aws's equivalents (camelCase properties)."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pytest
from hypothesis import given, strategies as st
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs, Severity
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    unknown_checking_proxy,
)

from pulumi_bedrock_inference.policy import POLICIES
from pulumi_bedrock_inference.policy.rules import iam_match

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
    delete_before_replace: Optional[bool] = None,
    config: Optional[dict[str, Any]] = None,
    stack: str = "dev",
) -> list[str]:
    """The violations ``policy`` reports, through its ResourceValidationPolicy as the analyzer calls it."""
    name = "res"
    options = PolicyResourceOptions(protect, [], delete_before_replace, [], PolicyCustomTimeouts(0, 0, 0), [])
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


def test_the_pack_has_the_seven_rules_each_configurable_with_severity_and_remediation() -> None:
    assert set(POLICY) == {
        "bedrock-committed-throughput-protected", "bedrock-cost-allocation-tags", "bedrock-commitments-in-allowed-stacks",
        "bedrock-model-units-cap", "bedrock-allowed-models-and-regions", "bedrock-no-invoke-on-wildcard",
        "bedrock-allowed-service-tiers",
    }
    for policy in POLICIES:
        assert isinstance(policy.severity, Severity), policy.name
        assert isinstance(policy.remediation_steps, str) and len(policy.remediation_steps) > 20, policy.name
        assert policy.config_schema is not None and policy.config_schema.properties, policy.name
        for key, schema in policy.config_schema.properties.items():
            assert "default" in schema and schema.get("description"), (policy.name, key)


# --------------------------------------------------------------------------- committed throughput protected


def test_committed_throughput_of_this_package_is_protected_by_its_provider_unless_it_replaces_create_first() -> None:
    """Its provider refuses the delete while the commitment runs and replaces it delete-first
    (tests/engine_protocol/test_leaving_a_commitment_engine.py), so protect=True is not needed, and
    InferenceEndpoint leaves it off so that a move off an ended commitment is one `pulumi up`."""
    rule = "bedrock-committed-throughput-protected"
    assert run(rule, DYN_THROUGHPUT, throughput(DYN_THROUGHPUT, duration="SixMonths")) == []
    (violation,) = run(rule, DYN_THROUGHPUT, throughput(DYN_THROUGHPUT, duration="SixMonths"), delete_before_replace=False)
    assert "SixMonths commitment and delete_before_replace=False" in violation and "protect=True" in violation
    assert run(rule, DYN_THROUGHPUT, throughput(DYN_THROUGHPUT, duration="SixMonths"), delete_before_replace=False, protect=True) == []


@pytest.mark.parametrize("resource_type", [DYN_THROUGHPUT, AWS_THROUGHPUT])
def test_committed_throughput_must_be_protected(resource_type: str) -> None:
    rule = "bedrock-committed-throughput-protected"
    violations = run(rule, resource_type, throughput(resource_type, duration="SixMonths"))
    if resource_type == AWS_THROUGHPUT:
        (violation,) = violations
        assert "SixMonths commitment" in violation and "protect=True" in violation
    else:
        assert violations == []
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


ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:bedrock:*:*:*/*",
        "arn:aws:bedrock:*:*:*-profile/*",
        "arn:aws:bedrock:*:*:foundation-model*",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/*",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abcdef12345?",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/*",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:?",
        f"arn:aws:bedrock:*:{ACCOUNT}:application-inference-profile/abcdef123456",
        f"arn:aws:bedrock:us-east-1:*:custom-model-deployment/abcdef123456",
        f"arn:aws:bedrock:us-east-?:{ACCOUNT}:provisioned-model/abcdef123456",
        "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1*",
        "arn:aws:*:*:*:*",
        "arn:*",
    ],
)
def test_every_resource_pattern_matching_more_than_one_bedrock_resource_is_refused(resource: str) -> None:
    statement = {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": ["arn:aws:s3:::bucket", resource]}
    (violation,) = run("bedrock-no-invoke-on-wildcard", "aws:iam/policy:Policy", {"policy": iam([statement])})
    assert resource in violation and "bedrock:InvokeModel" in violation and "'res'" in violation


@pytest.mark.parametrize(
    ("action", "granted"),
    [
        ("bedrock:*", "bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream"),
        ("bedrock:Invoke*", "bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream"),
        ("*", "bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream"),
        ("*:*", "bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream"),
        ("bedrock:?nvokeModel", "bedrock:InvokeModel"),
        ("bedrock:*Stream", "bedrock:InvokeModelWithResponseStream"),
        ("Bedrock:INVOKE*STREAM", "bedrock:InvokeModelWithResponseStream"),
    ],
)
def test_action_wildcards_count_as_invoke_actions(action: str, granted: str) -> None:
    statement = {"Effect": "Allow", "Action": action, "Resource": "arn:aws:bedrock:*:*:*/*"}
    (violation,) = run("bedrock-no-invoke-on-wildcard", "aws:iam/rolePolicy:RolePolicy", {"policy": iam([statement])})
    assert f"allows {granted} on" in violation


@pytest.mark.parametrize(
    "statement",
    [
        # one model ID is one model in every region: the grant a cross-region profile needs
        {"Effect": "Allow", "Action": "bedrock:*", "Resource": "arn:aws:bedrock:*:*:foundation-model/" + HAIKU},
        # a wildcard partition: an account lives in one partition
        {"Effect": "Allow", "Action": "bedrock:*", "Resource": f"arn:*:bedrock:us-east-1:{ACCOUNT}:provisioned-model/abcdef123456"},
        # other services' resources
        {"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:s3:::bucket/*", "arn:aws:logs:*:*:*"]},
        # IAM has no character classes: this names no real action
        {"Effect": "Allow", "Action": "bedrock:[I]nvokeModel", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "NotResource": EXACT},
    ],
)
def test_patterns_that_match_one_bedrock_resource_or_none_pass(statement: dict[str, Any]) -> None:
    assert run("bedrock-no-invoke-on-wildcard", "aws:iam/policy:Policy", {"policy": iam([statement])}) == []


def generated_documents() -> list[dict[str, Any]]:
    from pulumi_bedrock_inference.components.iam import invoke_policy_document

    profile_arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abcdef123456"
    models = [f"arn:aws:bedrock:{region}::foundation-model/{HAIKU}" for region in ("us-east-1", "us-east-2", "us-west-2")]
    system = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{HAIKU}"
    return [
        invoke_policy_document(profile_arn, models=models),
        invoke_policy_document(profile_arn, models=models, source_profile=system),
        invoke_policy_document(profile_arn, models=models[:1], streaming=False),
        invoke_policy_document(f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:provisioned-model/abcdef123456"),
        invoke_policy_document(f"arn:aws-cn:bedrock:cn-north-1:{ACCOUNT}:custom-model-deployment/abcdef123456"),
    ]


@pytest.mark.parametrize("document", generated_documents())
def test_the_policies_our_components_generate_pass(document: dict[str, Any]) -> None:
    rule = "bedrock-no-invoke-on-wildcard"
    text = json.dumps(document)
    assert run(rule, "aws:iam/rolePolicy:RolePolicy", {"policy": text}) == []
    assert run(rule, "aws:iam/role:Role", {"inlinePolicies": [{"name": "invoke", "policy": text}]}) == []
    # the same document with its first resource widened is refused: the rule did read it
    widened = json.loads(text)
    first = widened["Statement"][0]["Resource"][0]
    widened["Statement"][0]["Resource"][0] = first.rsplit("/", 1)[0] + "/*"
    assert len(run(rule, "aws:iam/rolePolicy:RolePolicy", {"policy": json.dumps(widened)})) == 1


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ('{"Version": "2012-10-17", "Statement": [', "is not valid JSON (Expecting value at line 1 column 41)"),
        ("arn:aws:bedrock:*", "is not valid JSON"),
        ("[" * 100_000, "is not valid JSON"),
        ('["Allow"]', "is not a JSON object but a list"),
        ('{"Statement": "Allow *"}', "has a Statement that is a string"),
        ('{"Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}, 7]}', "Statement[1] that is a number"),
        ('{"Statement": {"Effect": "Allow", "Action": "bedrock:*", "Resource": {"arn": "*"}}}', "Statement[0].Resource that is not a string"),
        ('{"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}', "Statement[0].Action that is not a string"),
        (42.0, "is not a JSON object but a number"),
    ],
)
def test_an_unreadable_policy_document_is_a_violation_naming_the_resource_and_the_problem(policy: Any, problem: str) -> None:
    (violation,) = run("bedrock-no-invoke-on-wildcard", "aws:iam/rolePolicy:RolePolicy", {"policy": policy})
    assert violation.startswith("'res' (aws:iam/rolePolicy:RolePolicy) policy ") and problem in violation


def test_each_role_inline_policy_is_judged_on_its_own() -> None:
    wildcard = iam([{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}])
    props = {"inlinePolicies": [{"name": "a", "policy": "{oops"}, {"name": "b", "policy": ""}, {"name": "c", "policy": wildcard}]}
    first, second = run("bedrock-no-invoke-on-wildcard", "aws:iam/role:Role", props)
    assert "inlinePolicies[0].policy is not valid JSON" in first and "inlinePolicies[2].policy statement #0" in second


def test_a_policy_unknown_during_preview_defers_after_the_known_ones_report() -> None:
    wildcard = iam([{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}])
    props = {"inlinePolicies": [{"name": "a", "policy": UNKNOWN_STRING_VALUE}, {"name": "b", "policy": wildcard}]}
    reported: list[str] = []
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    args = ResourceValidationArgs("aws:iam/role:Role", unknown_checking_proxy(props), "urn:pulumi:dev::p::aws:iam/role:Role::r", "r", options, None, {})
    with pytest.raises(UnknownValueError) as unknown:
        POLICY["bedrock-no-invoke-on-wildcard"].validate(args, lambda message, urn=None: reported.append(message))
    assert unknown.value.props == ["inlinePolicies", "0", "policy"]
    (violation,) = reported
    assert "inlinePolicies[1].policy" in violation
    with pytest.raises(UnknownValueError):
        run("bedrock-no-invoke-on-wildcard", "aws:iam/policy:Policy", {"policy": UNKNOWN_STRING_VALUE})


# --------------------------------------------------------------------------- unknown, absent and odd values


@pytest.mark.parametrize("resource_type", [DYN_THROUGHPUT, AWS_THROUGHPUT])
@pytest.mark.parametrize("units", ["absent", None, "three", float("nan"), float("inf"), True, [3]])
def test_model_units_cap_skips_what_it_cannot_judge(resource_type: str, units: Any) -> None:
    props = throughput(resource_type)
    key = "model_units" if resource_type == DYN_THROUGHPUT else "modelUnits"
    if units == "absent":
        del props[key]
    else:
        props[key] = units
    assert run("bedrock-model-units-cap", resource_type, props) == []
    assert len(run("bedrock-model-units-cap", resource_type, {**props, key: " 3 "})) == 1  # a provider may coerce it


@pytest.mark.parametrize("resource_type", [DYN_THROUGHPUT, AWS_THROUGHPUT])
def test_model_units_unknown_during_preview_defers_the_cap(resource_type: str) -> None:
    key = "model_units" if resource_type == DYN_THROUGHPUT else "modelUnits"
    with pytest.raises(UnknownValueError):
        run("bedrock-model-units-cap", resource_type, {**throughput(resource_type), key: UNKNOWN_STRING_VALUE})


def test_an_unknown_tag_the_rule_does_not_need_does_not_defer_it() -> None:
    props = {**throughput(DYN_THROUGHPUT), "tags": {"cost-center": "42", "owner": UNKNOWN_STRING_VALUE}}
    assert run("bedrock-cost-allocation-tags", DYN_THROUGHPUT, props) == []
    with pytest.raises(UnknownValueError):
        run("bedrock-cost-allocation-tags", DYN_THROUGHPUT, {**props, "tags": {"cost-center": UNKNOWN_STRING_VALUE}})


UNKNOWNS = [UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_OBJECT_VALUE]
ODD_VALUES: list[Any] = [
    None, 0, -1.0, 1e300, float("nan"), float("inf"), True, "", " ", "x", "*", [], ["x"], [1, None], [[]], {}, {"a": 1},
    {"copy_from": 5, "copyFrom": ["x"]}, {"copy_from": "arn:aws:bedrock:", "copyFrom": "arn:aws:bedrock:us-east-1:1:x"},
    "arn:aws:bedrock:us-east-1::foundation-model/", "global.", [{"policy": 5}], [{"name": "x"}], ["{}"], [None],
    "{not json", '"a string"', "null", '{"Statement": 5}', '{"Statement": [5]}', '{"Statement": [{}]}',
    '{"Statement": {"Effect": 5, "Sid": [], "Action": "*", "Resource": "*"}}', "[" * 10_000,
    *UNKNOWNS, [UNKNOWN_STRING_VALUE], {"copy_from": UNKNOWN_STRING_VALUE, "copyFrom": UNKNOWN_STRING_VALUE},
    [{"policy": UNKNOWN_STRING_VALUE}], {"cost-center": UNKNOWN_STRING_VALUE}, {"Statement": UNKNOWN_ARRAY_VALUE},
]
PROPERTIES = [
    "model_arn", "modelArn", "model_units", "modelUnits", "commitment_duration", "commitmentDuration", "model_source",
    "modelSource", "tags", "region", "policy", "inlinePolicies",
]
RESOURCE_TYPES = [
    DYN_PROFILE, DYN_THROUGHPUT, DYN_DEPLOYMENT, AWS_PROFILE, AWS_THROUGHPUT, "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy",
    "aws:s3/bucket:Bucket",
]


def contains_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return value in UNKNOWNS


@pytest.mark.parametrize("policy", sorted(POLICY))
def test_no_rule_raises_on_any_input_shape(policy: str) -> None:
    """Every rule over every resource type with each odd value in every property at once, with
    each property alone, and with none: nothing raises but pulumi_policy's UnknownValueError, and
    that only where an unknown was given."""
    shapes: list[dict[str, Any]] = [{}]
    for value in ODD_VALUES:
        shapes.append({key: value for key in PROPERTIES})
        shapes.extend({key: value} for key in PROPERTIES)
    for resource_type in RESOURCE_TYPES:
        for props in shapes:
            try:
                for protect in (False, True):
                    run(policy, resource_type, props, protect=protect)
                    run(policy, resource_type, props, protect=protect, config={"model_families": ["amazon"], "regions": ["eu-west-1"],
                                                                               "geographies": ["eu"], "include_no_commitment": True})
            except UnknownValueError:
                assert contains_unknown(props), (resource_type, props)
            except Exception as error:  # noqa: BLE001 - the assertion names what raised
                pytest.fail(f"{policy} raised {error!r} on {resource_type} {str(props)[:200]}")


def test_the_pack_process_answers_odd_inputs_with_diagnostics_not_errors() -> None:
    """Through ``python -m pulumi.policy policy-pack`` over gRPC, as the CLI runs it: an unreadable
    policy is a mandatory violation, a throughput without model units passes the cap, and one
    with model units unknown in preview (the engine's sentinel string) gets pulumi_policy's note."""
    from pathlib import Path
    from types import SimpleNamespace

    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import analyzer_pb2

    from .policy_analyzer import Analyzer

    def registration(resource_type: str, props: dict[str, Any]) -> Any:
        struct = struct_pb2.Struct()
        struct.update(props)
        return SimpleNamespace(type=resource_type, name="res", urn=f"urn:pulumi:prod::p::{resource_type}::res", protect=True, object=struct)

    analyzer = Analyzer(Path(__file__).resolve().parents[2] / "policy-pack")
    try:
        analyzer.configure({})
        (diagnostic,) = analyzer.analyze(registration("aws:iam/rolePolicy:RolePolicy", {"role": "r", "policy": "{not json"}))
        assert diagnostic.policyName == "bedrock-no-invoke-on-wildcard" and diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
        assert "'res' (aws:iam/rolePolicy:RolePolicy) policy is not valid JSON" in diagnostic.message
        absent = {"modelArn": HAIKU, "provisionedModelName": "x", "tags": {"cost-center": "1"}}
        assert [d.message for d in analyzer.analyze(registration(AWS_THROUGHPUT, absent))] == []
        (note,) = analyzer.analyze(registration(AWS_THROUGHPUT, {**absent, "modelUnits": UNKNOWN_STRING_VALUE}))
        assert note.policyName == "bedrock-model-units-cap" and "during preview" in note.message and note.enforcementLevel == analyzer_pb2.ADVISORY
        (violation,) = analyzer.analyze(registration(AWS_THROUGHPUT, {**absent, "modelUnits": 3}))
        assert "3 model units" in violation.message
    finally:
        analyzer.close()


@given(pattern=st.text(alphabet="ab*?:", max_size=8), value=st.text(alphabet="ab*?:", max_size=8))
def test_iam_match_agrees_with_a_regular_expression_of_the_glob(pattern: str, value: str) -> None:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    assert iam_match(pattern, value) == (re.fullmatch(regex, value, re.DOTALL) is not None)


def test_iam_match_takes_no_exponential_time_on_many_stars() -> None:
    assert not iam_match("*a" * 200 + "b", "a" * 2_000)


# --------------------------------------------------------------------------- allowed service tiers


def _grant_json(**kwargs: Any) -> str:
    from pulumi_bedrock_inference.components import invoke_policy_document

    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/x9y8z7w6v5u4"
    return json.dumps(invoke_policy_document(arn, **kwargs))


def test_allowed_service_tiers_limits_what_a_stack_may_grant() -> None:
    rule, role_policy = "bedrock-allowed-service-tiers", "aws:iam/rolePolicy:RolePolicy"
    config = {"tiers": ["default", "flex"]}
    assert run(rule, role_policy, {"policy": _grant_json()}) == []  # no tiers configured: any
    (violation,) = run(rule, role_policy, {"policy": _grant_json()}, config=config)
    assert "priority, reserved" in violation and "service_tiers=['default', 'flex']" in violation
    assert run(rule, role_policy, {"policy": _grant_json(service_tiers=["flex"])}, config=config) == []
    assert run(rule, role_policy, {"policy": _grant_json(service_tiers=["default", "flex"])}, config=config) == []
    (violation,) = run(rule, role_policy, {"policy": _grant_json(service_tiers=["priority", "flex"])}, config=config)
    assert "tier(s) priority;" in violation
    # an IfExists condition also admits requests naming no tier, which run at the default tier
    (violation,) = run(rule, role_policy, {"policy": _grant_json(service_tiers=["default"])}, config={"tiers": ["flex"]})
    assert "tier(s) default;" in violation
    deny = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "bedrock:*", "Resource": "*"}]})
    assert run(rule, role_policy, {"policy": deny}, config=config) == []
