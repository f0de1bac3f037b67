"""The emulator's IAM evaluator against AWS's documented evaluation logic, one case per documented rule.

Each case cites the page of the IAM User Guide (https://docs.aws.amazon.com/IAM/latest/UserGuide/...)
that states the rule. The last group runs the same rules through bedrock-runtime on the emulator,
where condition keys come from the request (``bedrock:InferenceProfileArn`` only through a profile).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.emulator.iam_policy import Decision, evaluate, parse_policy

IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
LOGIC = IAM + "reference_policies_evaluation-logic.html"
RESOURCE = IAM + "reference_policies_elements_resource.html"
NOT_RESOURCE = IAM + "reference_policies_elements_notresource.html"
NOT_ACTION = IAM + "reference_policies_elements_notaction.html"
ACTION = IAM + "reference_policies_elements_action.html"
OPERATORS = IAM + "reference_policies_elements_condition_operators.html"
MULTI = IAM + "reference_policies_condition-single-vs-multi-valued-context-keys.html"
CONDITION = IAM + "reference_policies_elements_condition.html"

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
FM = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
FM_WEST = f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU}"
PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefghijkl"
S3 = "arn:aws:s3:::bucket/key"
INVOKE = "bedrock:InvokeModel"
KEY = "bedrock:InferenceProfileArn"


def allow(**statement: Any) -> dict:
    return {"Effect": "Allow", "Action": INVOKE, "Resource": "*", **statement}


def deny(**statement: Any) -> dict:
    return {"Effect": "Deny", "Action": INVOKE, "Resource": "*", **statement}


A, I, E = Decision.ALLOW, Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY

# (source, statements, action, resource, context, expected)
CASES = [
    (LOGIC, [], INVOKE, FM, {}, I),  # no statement applies: implicit deny
    (LOGIC, [allow()], INVOKE, FM, {}, A),
    (LOGIC, [allow(), deny(Resource=FM)], INVOKE, FM, {}, E),  # an explicit Deny overrides any Allow
    (LOGIC, [deny(Resource=FM_WEST), allow()], INVOKE, FM, {}, A),  # a Deny that does not apply changes nothing
    (RESOURCE, [deny(Resource="arn:aws:bedrock:*"), allow()], INVOKE, FM, {}, E),  # * ending a segment spans colons
    (RESOURCE, [allow(Resource="arn:aws:bedrock:us-*-1::foundation-model/*")], INVOKE, FM, {}, A),
    (RESOURCE, [allow(Resource="arn:aws:bedrock:us-*-1::foundation-model/*")], INVOKE, FM_WEST, {}, I),
    (RESOURCE, [allow(Resource="arn:aws:bedrock:us-east-?::foundation-model/*")], INVOKE, FM, {}, A),  # ? one character
    (RESOURCE, [allow(Resource=FM.replace("anthropic", "Anthropic"))], INVOKE, FM, {}, I),  # case-sensitive
    (ACTION, [allow(Action="BEDROCK:invoke*")], INVOKE, FM, {}, A),  # actions are case-insensitive
    (NOT_ACTION, [{"Effect": "Allow", "NotAction": "bedrock:InvokeModelWithResponseStream", "Resource": "*"}], INVOKE, FM, {}, A),
    (NOT_ACTION, [{"Effect": "Allow", "NotAction": "bedrock:Invoke*", "Resource": "*"}], INVOKE, FM, {}, I),
    (NOT_RESOURCE, [{"Effect": "Allow", "Action": INVOKE, "NotResource": FM_WEST}], INVOKE, FM, {}, A),
    (NOT_RESOURCE, [{"Effect": "Allow", "Action": INVOKE, "NotResource": FM_WEST}], INVOKE, FM_WEST, {}, I),
    (NOT_RESOURCE, [allow(), {"Effect": "Deny", "Action": INVOKE, "NotResource": S3}], INVOKE, FM, {}, E),
    # condition key present only through a profile: a Deny on its absence refuses direct calls only
    (OPERATORS, [allow(), deny(Condition={"Null": {KEY: "true"}})], INVOKE, FM, {}, E),
    (OPERATORS, [allow(), deny(Condition={"Null": {KEY: "true"}})], INVOKE, FM, {KEY: PROFILE}, A),
    # a positive operator on a missing key is false; ...IfExists makes it true
    (OPERATORS, [allow(Condition={"ArnEquals": {KEY: PROFILE}})], INVOKE, FM, {}, I),
    (OPERATORS, [allow(Condition={"ArnEqualsIfExists": {KEY: PROFILE}})], INVOKE, FM, {}, A),
    (OPERATORS, [allow(Condition={"ArnEqualsIfExists": {KEY: PROFILE}})], INVOKE, FM, {KEY: PROFILE.replace("abcd", "zzzz")}, I),
    # a negated operator on a missing key is true
    (OPERATORS, [allow(Condition={"StringNotEquals": {KEY: PROFILE}})], INVOKE, FM, {}, A),
    # ArnLike matches the six parts one by one; StringLike's * also matches colons
    (OPERATORS, [allow(Condition={"ArnLike": {KEY: "arn:aws:bedrock:*"}})], INVOKE, FM, {KEY: PROFILE}, I),
    (OPERATORS, [allow(Condition={"StringLike": {KEY: "arn:aws:bedrock:*"}})], INVOKE, FM, {KEY: PROFILE}, A),
    (OPERATORS, [allow(Condition={"ArnLike": {KEY: "arn:aws:bedrock:*:*:application-inference-profile/*"}})], INVOKE, FM, {KEY: PROFILE}, A),
    # several values of one key: any may match (OR); several keys or operators: all must (AND)
    (CONDITION, [allow(Condition={"StringEquals": {"aws:RequestedRegion": ["us-west-2", "us-east-1"]}})], INVOKE, FM, {"aws:RequestedRegion": "us-east-1"}, A),
    (CONDITION, [allow(Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}, "ArnEquals": {KEY: PROFILE}})], INVOKE, FM, {"aws:RequestedRegion": "us-east-1"}, I),
    # multivalued keys
    (MULTI, [allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}})], INVOKE, FM, {"aws:TagKeys": ["cost", "team"]}, A),
    (MULTI, [allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}})], INVOKE, FM, {}, I),  # missing: false
    (MULTI, [allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})], INVOKE, FM, {"aws:TagKeys": ["cost", "team"]}, I),
    (MULTI, [allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}})], INVOKE, FM, {"aws:TagKeys": ["cost", "team"]}, A),
    (MULTI, [allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})], INVOKE, FM, {}, A),  # missing: true
    (MULTI, [allow(), deny(Condition={"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}})], INVOKE, FM, {"aws:TagKeys": ["team", "x"]}, E),
]


@pytest.mark.parametrize(("source", "statements", "action", "resource", "context", "expected"), CASES)
def test_documented_evaluation_logic(source: str, statements: list, action: str, resource: str, context: dict, expected: Decision) -> None:
    parsed = parse_policy({"Version": "2012-10-17", "Statement": statements}) if statements else ()
    assert evaluate(parsed, action, resource, context) is expected, source


def test_at_least_twenty_cases_each_with_a_source() -> None:
    assert len(CASES) >= 20 and all(source.startswith(IAM) for source, *_ in CASES)


# --------------------------------------------------------------------------- through bedrock-runtime


MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


def _denied(call: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    return caught.value.response["Error"]["Message"]


def test_a_deny_guardrail_on_arn_aws_bedrock_star_is_enforced(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    bedrock_emulator.set_identity_policy({"Version": "2012-10-17", "Statement": [
        allow(Action="bedrock:*"), deny(Action="bedrock:*", Resource="arn:aws:bedrock:*")]})
    assert "with an explicit deny" in _denied(lambda: runtime.converse(modelId=HAIKU, messages=MESSAGES))


def test_the_profile_condition_key_is_present_through_a_profile_and_absent_directly(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    profile = bedrock.create_inference_profile(inferenceProfileName="p", modelSource={"copyFrom": FM})["inferenceProfileArn"]
    bedrock_emulator.set_identity_policy({"Version": "2012-10-17", "Statement": [
        allow(Action="bedrock:*"), deny(Action="bedrock:*", Condition={"Null": {KEY: "true"}})]})
    runtime.converse(modelId=profile, messages=MESSAGES)
    assert "with an explicit deny" in _denied(lambda: runtime.converse(modelId=HAIKU, messages=MESSAGES))


def test_service_tier_is_accepted_echoed_and_its_condition_evaluated(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    """bedrock:ServiceTier is in the context when the request names serviceTier; AWS's example Deny
    on all four tiers leaves requests without one to the default tier
    (https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples-agent.html)."""
    bedrock_emulator.set_identity_policy({"Version": "2012-10-17", "Statement": [
        allow(Action="bedrock:*"),
        deny(Condition={"StringEquals": {"bedrock:ServiceTier": ["priority", "reserved"]}})]})
    assert runtime.converse(modelId=HAIKU, messages=MESSAGES, serviceTier={"type": "flex"})["serviceTier"] == {"type": "flex"}
    runtime.converse(modelId=HAIKU, messages=MESSAGES)
    assert "explicit deny" in _denied(lambda: runtime.converse(modelId=HAIKU, messages=MESSAGES, serviceTier={"type": "priority"}))
    body = '{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}'
    assert runtime.invoke_model(modelId=HAIKU, body=body, serviceTier="flex")["serviceTier"] == "flex"
    assert "explicit deny" in _denied(lambda: runtime.invoke_model(modelId=HAIKU, body=body, serviceTier="reserved"))
    assert bedrock_emulator.requests("InvokeModel")[-1]["params"]["serviceTier"] == "reserved"
