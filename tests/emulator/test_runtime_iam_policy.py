"""The emulator's IAM identity-policy evaluator (``testing/emulator/iam_policy.py``), on its own.

Each rule is IAM's as documented in the IAM User Guide: policy evaluation logic
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
the Resource element (reference_policies_elements_resource.html) and condition operators
(reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_bedrock_inference.testing.emulator.iam_policy import (
    Decision,
    PolicyError,
    arn_match,
    evaluate,
    glob_match,
    parse_policies,
    parse_policy,
)

FM_EAST = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
FM_WEST = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefghijkl"
OTHER_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz"


def policy(*statements: dict) -> tuple:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action="bedrock:InvokeModel", resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="bedrock:InvokeModel", resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    "pattern, value, expected",
    [
        ("bedrock:Invoke*", "bedrock:InvokeModelWithResponseStream", True),
        ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", False),
        ("bedrock:InvokeMode?", "bedrock:InvokeModel", True),
        ("bedrock:InvokeMode?", "bedrock:InvokeModels", False),
        ("a.b", "axb", False),  # regex metacharacters are literal
    ],
)
def test_glob_match(pattern: str, value: str, expected: bool) -> None:
    assert glob_match(pattern, value) is expected


def test_actions_match_case_insensitively_resources_case_sensitively() -> None:
    statements = policy(allow("BEDROCK:invokemodel", FM_EAST))
    assert evaluate(statements, "bedrock:InvokeModel", FM_EAST) is Decision.ALLOW
    assert evaluate(statements, "bedrock:InvokeModel", FM_EAST.replace("anthropic", "Anthropic")) is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    "pattern, arn, expected",
    [
        ("*", FM_EAST, True),
        ("arn:aws:bedrock:*::foundation-model/*", FM_WEST, True),
        ("arn:aws:bedrock:us-*::foundation-model/anthropic.*", FM_WEST, True),
        ("arn:aws:bedrock:us-east-1::foundation-model/*", FM_WEST, False),
        # the account part is empty for foundation models: "*" in that part still matches
        ("arn:aws:bedrock:*:*:foundation-model/*", FM_EAST, True),
        # a wildcard never spans the colons between ARN parts
        ("arn:aws:bedrock:*", FM_EAST, False),
        ("arn:aws:bedrock:us-east-?::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", FM_EAST, True),
        # the resource part keeps its own colons (model versions)
        ("arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:*", FM_EAST, True),
        ("arn:aws:bedrock:*:*:application-inference-profile/*", PROFILE, True),
        ("arn:aws:bedrock:*:*:inference-profile/*", PROFILE, False),
    ],
)
def test_arn_match_part_by_part(pattern: str, arn: str, expected: bool) -> None:
    assert arn_match(pattern, arn) is expected


# --------------------------------------------------------------------------- decisions


def test_no_matching_statement_is_an_implicit_deny() -> None:
    statements = policy(allow("bedrock:GetInferenceProfile"))
    assert evaluate(statements, "bedrock:InvokeModel", FM_EAST) is Decision.IMPLICIT_DENY


@pytest.mark.parametrize("deny_first", [True, False])
def test_explicit_deny_wins_over_allow_in_any_order(deny_first: bool) -> None:
    statements = [allow("bedrock:*"), deny("bedrock:InvokeModel", FM_WEST)]
    if deny_first:
        statements.reverse()
    parsed = policy(*statements)
    assert evaluate(parsed, "bedrock:InvokeModel", FM_WEST) is Decision.EXPLICIT_DENY
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST) is Decision.ALLOW


def test_deny_in_another_attached_policy_wins() -> None:
    parsed = parse_policies([
        {"Version": "2012-10-17", "Statement": [allow("*")]},
        json.dumps({"Version": "2012-10-17", "Statement": deny("bedrock:Invoke*", FM_EAST)}),
    ])
    assert evaluate(parsed, "bedrock:InvokeModelWithResponseStream", FM_EAST) is Decision.EXPLICIT_DENY


def test_not_action_and_not_resource() -> None:
    parsed = policy({"Effect": "Allow", "NotAction": "bedrock:InvokeModelWithResponseStream", "NotResource": FM_WEST})
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST) is Decision.ALLOW
    assert evaluate(parsed, "bedrock:InvokeModel", FM_WEST) is Decision.IMPLICIT_DENY
    assert evaluate(parsed, "bedrock:InvokeModelWithResponseStream", FM_EAST) is Decision.IMPLICIT_DENY


# --------------------------------------------------------------------------- conditions

KEY = "bedrock:InferenceProfileArn"


@pytest.mark.parametrize(
    "operator, value, context_value, expected",
    [
        ("StringEquals", PROFILE, PROFILE, True),
        ("StringEquals", PROFILE, OTHER_PROFILE, False),
        ("StringEquals", PROFILE, None, False),
        ("StringNotEquals", PROFILE, OTHER_PROFILE, True),
        ("StringNotEquals", PROFILE, PROFILE, False),
        ("StringNotEquals", PROFILE, None, True),  # negated operators hold for a missing key
        ("StringEqualsIgnoreCase", PROFILE.upper(), PROFILE, True),
        ("StringLike", "arn:aws:bedrock:*:application-inference-profile/*", PROFILE, True),
        ("StringLike", "arn:aws:bedrock:*:inference-profile/*", PROFILE, False),
        ("StringNotLike", "arn:aws:bedrock:*:inference-profile/*", PROFILE, True),
        ("ArnEquals", PROFILE, PROFILE, True),
        ("ArnEquals", PROFILE, OTHER_PROFILE, False),
        ("ArnEquals", PROFILE, None, False),
        ("ArnLike", "arn:aws:bedrock:us-east-1:*:application-inference-profile/*", PROFILE, True),
        ("ArnLike", "arn:aws:bedrock:us-west-2:*:application-inference-profile/*", PROFILE, False),
        ("ArnLike", "arn:aws:bedrock:*:*:application-inference-profile/*", "not-an-arn", False),
        ("ArnNotEquals", PROFILE, OTHER_PROFILE, True),
        ("ArnNotLike", "arn:aws:bedrock:*:*:application-inference-profile/*", PROFILE, False),
        ("ArnEqualsIfExists", PROFILE, None, True),
        ("ArnEqualsIfExists", PROFILE, OTHER_PROFILE, False),
        ("StringNotEqualsIfExists", PROFILE, None, True),
        ("Null", "true", None, True),
        ("Null", "true", PROFILE, False),
        ("Null", "false", PROFILE, True),
    ],
)
def test_condition_operators(operator: str, value: str, context_value: str | None, expected: bool) -> None:
    parsed = policy(allow(resource=FM_EAST, Condition={operator: {KEY: value}}))
    context = {} if context_value is None else {KEY: context_value}
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST, context).allowed is expected


def test_condition_values_or_keys_and_operators_and() -> None:
    parsed = policy(allow(resource=FM_EAST, Condition={
        "ArnEquals": {KEY: [OTHER_PROFILE, PROFILE]},
        "StringEquals": {"aws:RequestedRegion": "us-east-1"},
    }))
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST, {KEY: PROFILE, "aws:RequestedRegion": "us-east-1"}).allowed
    assert not evaluate(parsed, "bedrock:InvokeModel", FM_EAST, {KEY: PROFILE, "aws:RequestedRegion": "eu-west-1"}).allowed


def test_condition_keys_are_case_insensitive() -> None:
    parsed = policy(allow(resource=FM_EAST, Condition={"ArnEquals": {"Bedrock:inferenceprofilearn": PROFILE}}))
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST, {KEY: PROFILE}).allowed


def test_a_deny_whose_condition_fails_does_not_deny() -> None:
    parsed = policy(allow(), deny(Condition={"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}))
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST, {"aws:RequestedRegion": "us-east-1"}) is Decision.ALLOW
    assert evaluate(parsed, "bedrock:InvokeModel", FM_EAST, {"aws:RequestedRegion": "eu-west-1"}) is Decision.EXPLICIT_DENY


# --------------------------------------------------------------------------- documents the evaluator refuses


@pytest.mark.parametrize(
    "document, message",
    [
        ("{not json", "not valid JSON"),
        ({"Statement": []}, "Statement must be"),
        ({"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}, "Statement[0].Effect"),
        ({"Statement": [{"Effect": "Allow", "Resource": "*"}]}, "Statement[0] must have exactly one of Action or NotAction"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}]}, "exactly one of Resource"),
        ({"Statement": [allow(Principal="*")]}, "cannot name a Principal"),
        ({"Statement": [allow(Condition={"NumericLessThan": {"k": "1"}})]}, "'NumericLessThan' is not supported"),
        ({"Statement": [allow(Condition={"ForSomeValues:StringEquals": {"k": "v"}})]}, "not supported"),
            ({"Statement": [allow(Condition={"ForAnyValue:Null": {"k": "true"}})]}, "not supported"),
        ({"Statement": [allow(Condition={"StringEquals": {"k": "${aws:username}"}})]}, "policy variables"),
        ({"Version": "2020-01-01", "Statement": [allow()]}, "Version"),
    ],
)
def test_unreadable_policies_are_refused_with_the_element_named(document, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_policy(document)


# --------------------------------------------------------------------------- properties

_actions = st.sampled_from(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:GetInferenceProfile"])
_resources = st.sampled_from([FM_EAST, FM_WEST, PROFILE, OTHER_PROFILE])


@given(action=_actions, resource=_resources, allows=st.lists(st.tuples(_actions, _resources), max_size=4))
def test_a_matching_deny_always_wins(action: str, resource: str, allows: list[tuple[str, str]]) -> None:
    statements = [allow(a, r) for a, r in allows] + [allow("*", "*"), deny(action, resource)]
    assert evaluate(policy(*statements), action, resource) is Decision.EXPLICIT_DENY


@given(action=_actions, resource=_resources, granted=st.lists(st.tuples(_actions, _resources), min_size=1, max_size=4))
def test_exact_grants_allow_exactly_what_they_list(action: str, resource: str, granted: list[tuple[str, str]]) -> None:
    decision = evaluate(policy(*(allow(a, r) for a, r in granted)), action, resource)
    assert decision.allowed is ((action, resource) in granted)
