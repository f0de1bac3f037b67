"""bedrock-runtime requests authorized against an identity policy, as AWS evaluates them.

Rules under test, from AWS's documentation:

* "Prerequisites for inference profiles"
  (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html): a
  request through an inference profile needs the invoke action on the profile **and** on the
  foundation model in the region the request is routed to.
* Service Authorization Reference, "Actions, resources, and condition keys for Amazon Bedrock"
  (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html):
  ``bedrock:InvokeModel`` authorizes InvokeModel and Converse,
  ``bedrock:InvokeModelWithResponseStream`` the streaming forms; the condition key
  ``bedrock:InferenceProfileArn`` names the profile a request goes through.
* IAM policy evaluation logic
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
  an explicit Deny wins; without an Allow the request is denied; the refusal reads
  "User: … is not authorized to perform: … on resource: … because no identity-based policy
  allows the … action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import (
    INFERENCE_PROFILE_GEOGRAPHIES,
    BedrockEmulator,
    EmulatorControlError,
)

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
ACCOUNT = "123456789012"
INVOKE = "bedrock:InvokeModel"
STREAM = "bedrock:InvokeModelWithResponseStream"
BOTH = [INVOKE, STREAM]


def fm_arn(region: str, model: str = HAIKU) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def system_arn(profile_id: str, region: str = "us-east-1") -> str:
    return f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{profile_id}"


def regions_of(geography: str) -> list[str]:
    return list(INFERENCE_PROFILE_GEOGRAPHIES[geography].destination_regions)


def statement(actions: list[str] | str, resources: list[str] | str, effect: str = "Allow", **extra: Any) -> dict:
    return {"Effect": effect, "Action": actions, "Resource": resources, **extra}


def document(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def profile_grant(profile: str, regions: list[str], model: str = HAIKU, actions: list[str] = BOTH) -> dict:
    """Exact ARNs: the profile, and the model in each of ``regions`` only through that profile."""
    return document(
        statement(actions, profile),
        statement(actions, [fm_arn(r, model) for r in regions],
                  Condition={"ArnEquals": {"bedrock:InferenceProfileArn": profile}}),
    )


def _profile(bedrock: Any, source: str, name: str = "app") -> str:
    return bedrock.create_inference_profile(inferenceProfileName=name, modelSource={"copyFrom": source})["inferenceProfileArn"]


BODY = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8,
                   "messages": [{"role": "user", "content": "hi"}]})
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]

CALLS: dict[str, Callable[[Any, str], Any]] = {
    "InvokeModel": lambda c, m: c.invoke_model(modelId=m, body=BODY)["body"].read(),
    "Converse": lambda c, m: c.converse(modelId=m, messages=MESSAGES),
    "InvokeModelWithResponseStream": lambda c, m: list(c.invoke_model_with_response_stream(modelId=m, body=BODY)["body"]),
    "ConverseStream": lambda c, m: list(c.converse_stream(modelId=m, messages=MESSAGES)["stream"]),
}
STREAMING = ("InvokeModelWithResponseStream", "ConverseStream")


def denied(call: Callable[[], Any]) -> str:
    """The AccessDeniedException message of ``call``."""
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    return error["Error"]["Message"]


def implicit_denial(action: str, resource: str, user: str = f"arn:aws:iam::{ACCOUNT}:user/testing") -> str:
    return (f"User: {user} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action")


# --------------------------------------------------------------------------- default and exact grants

def test_without_a_policy_everything_is_allowed(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    assert bedrock_emulator.identity_policy() is None
    for call in CALLS.values():
        call(runtime, f"us.{HAIKU}")


@pytest.mark.parametrize("operation", CALLS)
def test_a_grant_with_exact_arns_for_every_destination_region_succeeds_in_each(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, operation: str
) -> None:
    profile = _profile(bedrock, system_arn(f"us.{HAIKU}"))
    bedrock_emulator.set_identity_policy(profile_grant(profile, regions_of("us"), HAIKU))
    for region in regions_of("us"):
        bedrock_emulator.route_to(region)
        CALLS[operation](runtime, profile)
    logged = bedrock_emulator.requests(operation)
    assert [(r["status"], r["served_region"]) for r in logged] == [(200, r) for r in regions_of("us")]


def global_grant(profile: str, model: str = SONNET_4, source_region: str = "us-east-1", actions: list[str] = BOTH) -> dict:
    """AWS's "IAM policy requirements for global cross-Region inference"
    (https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html): the
    profile; the model in the source region; the region-less model under RequestedRegion
    "unspecified"; both models scoped to the profile."""
    through = {"bedrock:InferenceProfileArn": profile}
    return document(
        statement(actions, profile, Condition={"StringEquals": {"aws:RequestedRegion": source_region}}),
        statement(actions, fm_arn(source_region, model),
                  Condition={"StringEquals": {"aws:RequestedRegion": source_region, **through}}),
        statement(actions, f"arn:aws:bedrock:::foundation-model/{model}",
                  Condition={"StringEquals": {"aws:RequestedRegion": "unspecified", **through}}),
    )


@pytest.mark.parametrize("through", ["system", "application"])
@pytest.mark.parametrize("operation", CALLS)
def test_awss_documented_global_grant_succeeds_in_every_destination_region(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, operation: str, through: str
) -> None:
    system = system_arn(f"global.{SONNET_4}")
    profile = system if through == "system" else _profile(bedrock, system)
    bedrock_emulator.set_identity_policy(global_grant(profile))
    for region in regions_of("global"):
        bedrock_emulator.route_to(region)
        CALLS[operation](runtime, profile)
    logged = bedrock_emulator.requests(operation)
    assert [(r["status"], r["served_region"]) for r in logged] == [(200, r) for r in regions_of("global")]


def test_a_global_profile_lists_the_region_less_and_the_source_regions_model(bedrock: Any) -> None:
    """As AWS's GetInferenceProfile answers for a global. profile and for an application profile copying it."""
    system = system_arn(f"global.{SONNET_4}")
    expected = [f"arn:aws:bedrock:::foundation-model/{SONNET_4}", fm_arn("us-east-1", SONNET_4)]
    for arn in (system, _profile(bedrock, system)):
        assert [m["modelArn"] for m in bedrock.get_inference_profile(inferenceProfileIdentifier=arn)["models"]] == expected


def test_nine_regional_model_arns_do_not_authorize_a_global_profile(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    """The old grant (the model in each destination region) lacks the region-less ARN AWS checks."""
    profile = _profile(bedrock, system_arn(f"global.{SONNET_4}"))
    bedrock_emulator.set_identity_policy(profile_grant(profile, regions_of("global"), SONNET_4))
    message = denied(lambda: CALLS["Converse"](runtime, profile))
    assert message == implicit_denial(INVOKE, f"arn:aws:bedrock:::foundation-model/{SONNET_4}")


@pytest.mark.parametrize("broken", ["no-unspecified", "no-source-model", "other-profile"])
def test_a_global_grant_missing_any_documented_part_is_refused(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, broken: str
) -> None:
    profile = _profile(bedrock, system_arn(f"global.{SONNET_4}"))
    grant = global_grant(profile)
    if broken == "no-unspecified":  # the region-less model under the source region instead
        grant["Statement"][2]["Condition"]["StringEquals"]["aws:RequestedRegion"] = "us-east-1"
    elif broken == "no-source-model":
        del grant["Statement"][1]
    else:
        grant["Statement"][2]["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"] = system_arn(f"global.{SONNET_4}")
    bedrock_emulator.set_identity_policy(grant)
    expected = fm_arn("us-east-1", SONNET_4) if broken == "no-source-model" else f"arn:aws:bedrock:::foundation-model/{SONNET_4}"
    assert denied(lambda: CALLS["Converse"](runtime, profile)) == implicit_denial(INVOKE, expected)


def test_a_grant_scoped_to_the_source_region_is_refused_once_routing_picks_another(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    """The CDK bug (aws/aws-cdk#36774): only the source region's model is granted."""
    profile = _profile(bedrock, system_arn(f"us.{HAIKU}"))
    bedrock_emulator.set_identity_policy(profile_grant(profile, ["us-east-1"]))

    runtime.converse(modelId=profile, messages=MESSAGES)  # round-robin starts in us-east-1
    message = denied(lambda: runtime.converse(modelId=profile, messages=MESSAGES))
    assert message == implicit_denial(INVOKE, fm_arn("us-east-2"))

    logged = bedrock_emulator.requests("Converse")
    assert [(r["status"], r["served_region"], r["error_code"]) for r in logged] == [
        (200, "us-east-1", None), (403, "us-east-2", "AccessDeniedException"),
    ]
    bedrock_emulator.route_to("us-west-2")
    assert denied(lambda: runtime.converse(modelId=profile, messages=MESSAGES)) == implicit_denial(INVOKE, fm_arn("us-west-2"))


@pytest.mark.parametrize("operation", STREAMING)
def test_a_grant_without_the_streaming_action_is_refused_for_streaming(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, operation: str
) -> None:
    profile = _profile(bedrock, system_arn(f"us.{HAIKU}"))
    bedrock_emulator.set_identity_policy(profile_grant(profile, regions_of("us"), actions=[INVOKE]))
    CALLS["Converse"](runtime, profile)
    CALLS["InvokeModel"](runtime, profile)
    assert denied(lambda: CALLS[operation](runtime, profile)) == implicit_denial(STREAM, profile)


def test_a_grant_of_the_profile_alone_is_refused_on_the_model(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    profile = _profile(bedrock, fm_arn("us-east-1"))
    bedrock_emulator.set_identity_policy(document(statement(BOTH, profile)))
    assert denied(lambda: CALLS["Converse"](runtime, profile)) == implicit_denial(INVOKE, fm_arn("us-east-1"))


def test_a_grant_of_the_model_alone_is_refused_on_the_profile(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    profile = _profile(bedrock, fm_arn("us-east-1"))
    bedrock_emulator.set_identity_policy(document(statement(BOTH, fm_arn("us-east-1"))))
    CALLS["Converse"](runtime, HAIKU)
    assert denied(lambda: CALLS["Converse"](runtime, profile)) == implicit_denial(INVOKE, profile)


# --------------------------------------------------------------------------- Deny, wildcards, NotResource

def test_explicit_deny_wins(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    bedrock_emulator.set_identity_policy(document(
        statement("bedrock:*", "*"),
        statement(INVOKE, fm_arn("us-west-2"), effect="Deny"),
    ))
    bedrock_emulator.route_to("us-east-2")
    CALLS["Converse"](runtime, f"us.{HAIKU}")
    bedrock_emulator.route_to("us-west-2")
    message = denied(lambda: CALLS["Converse"](runtime, f"us.{HAIKU}"))
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/testing is not authorized to perform: {INVOKE} on "
                       f"resource: {fm_arn('us-west-2')} with an explicit deny in an identity-based policy")
    CALLS["ConverseStream"](runtime, f"us.{HAIKU}")  # the Deny names InvokeModel only


def test_wildcard_actions_and_resources_as_in_awss_prerequisites_policy(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    """The policy AWS's "Prerequisites for inference profiles" page gives."""
    bedrock_emulator.set_identity_policy(document(statement(
        "bedrock:InvokeModel*",
        ["arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:*:*:inference-profile/*",
         "arn:aws:bedrock:*:*:application-inference-profile/*"],
    )))
    profile = _profile(bedrock, system_arn(f"global.{SONNET_4}"))
    for region in regions_of("global"):
        bedrock_emulator.route_to(region)
        for call in CALLS.values():
            call(runtime, profile)
    throughput = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId=HAIKU)["provisionedModelArn"]
    assert denied(lambda: CALLS["Converse"](runtime, throughput)) == implicit_denial(INVOKE, throughput)


def test_not_resource_and_not_action(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    bedrock_emulator.set_identity_policy(document(
        {"Effect": "Allow", "NotAction": STREAM, "NotResource": fm_arn("us-east-2")},
    ))
    bedrock_emulator.route_to("us-west-2")
    CALLS["Converse"](runtime, f"us.{HAIKU}")
    assert "bedrock:InvokeModelWithResponseStream" in denied(lambda: CALLS["ConverseStream"](runtime, f"us.{HAIKU}"))
    bedrock_emulator.route_to("us-east-2")
    assert denied(lambda: CALLS["Converse"](runtime, f"us.{HAIKU}")) == implicit_denial(INVOKE, fm_arn("us-east-2"))


# --------------------------------------------------------------------------- the InferenceProfileArn condition

def test_the_inference_profile_condition_limits_the_model_to_that_profile(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    mine = _profile(bedrock, system_arn(f"us.{HAIKU}"), "mine")
    other = _profile(bedrock, system_arn(f"us.{HAIKU}"), "other")
    system = system_arn(f"us.{HAIKU}")
    grant = profile_grant(mine, regions_of("us"))
    grant["Statement"][0]["Resource"] = [mine, other, system]  # every entry point allowed...
    bedrock_emulator.set_identity_policy(grant)
    bedrock_emulator.route_to("us-east-1")

    CALLS["Converse"](runtime, mine)
    # ...but the models only through `mine`
    assert denied(lambda: CALLS["Converse"](runtime, other)) == implicit_denial(INVOKE, fm_arn("us-east-1"))
    assert denied(lambda: CALLS["Converse"](runtime, f"us.{HAIKU}")) == implicit_denial(INVOKE, fm_arn("us-east-1"))
    assert denied(lambda: CALLS["Converse"](runtime, system)) == implicit_denial(INVOKE, fm_arn("us-east-1"))
    # directly, the key is absent: ArnEquals does not match
    assert denied(lambda: CALLS["Converse"](runtime, HAIKU)) == implicit_denial(INVOKE, fm_arn("us-east-1"))


def test_a_like_condition_admits_any_application_profile(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    first, second = _profile(bedrock, fm_arn("us-east-1"), "a"), _profile(bedrock, fm_arn("us-east-1"), "b")
    bedrock_emulator.set_identity_policy(document(
        statement(INVOKE, "arn:aws:bedrock:us-east-1:*:application-inference-profile/*"),
        statement(INVOKE, "arn:aws:bedrock:*::foundation-model/*", Condition={
            "StringLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:application-inference-profile/*"}}),
    ))
    CALLS["Converse"](runtime, first)
    CALLS["Converse"](runtime, second)
    assert denied(lambda: CALLS["Converse"](runtime, HAIKU)) == implicit_denial(INVOKE, fm_arn("us-east-1"))


# --------------------------------------------------------------------------- throughputs, deployments, principals

def test_throughputs_and_deployments_need_their_own_arn_only(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    custom = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    throughput = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId=custom)["provisionedModelArn"]
    deployment = bedrock.create_custom_model_deployment(
        modelDeploymentName="dep", modelArn=custom)["customModelDeploymentArn"]
    bedrock_emulator.set_identity_policy(document(statement(BOTH, [throughput, deployment])))
    for call in CALLS.values():
        call(runtime, throughput)
        call(runtime, deployment)
    bedrock_emulator.set_identity_policy(document(statement(BOTH, [custom, fm_arn("us-east-1")])))
    assert denied(lambda: CALLS["Converse"](runtime, throughput)) == implicit_denial(INVOKE, throughput)
    assert denied(lambda: CALLS["ConverseStream"](runtime, deployment)) == implicit_denial(STREAM, deployment)


def test_access_is_checked_before_the_target_is_looked_up(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    missing = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abcdefghijkl"
    bedrock_emulator.set_identity_policy(document(statement(INVOKE, fm_arn("us-east-1"))))
    assert denied(lambda: CALLS["Converse"](runtime, missing)) == implicit_denial(INVOKE, missing)


def test_the_principal_is_named_in_refusals_and_is_a_condition_key(
    bedrock_emulator: BedrockEmulator, runtime: Any
) -> None:
    role = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session"
    bedrock_emulator.set_identity_policy(
        document(statement(INVOKE, "*", Condition={"StringEquals": {"aws:PrincipalArn": role}})), principal_arn=role)
    CALLS["Converse"](runtime, HAIKU)
    assert denied(lambda: CALLS["ConverseStream"](runtime, HAIKU)) == implicit_denial(STREAM, fm_arn("us-east-1"), role)


def test_policies_are_set_as_dict_json_or_list_and_cleared_by_none_or_reset(
    bedrock_emulator: BedrockEmulator, runtime: Any
) -> None:
    allow_invoke = document(statement(INVOKE, "*"))
    deny_region = document(statement(INVOKE, fm_arn("us-east-1"), effect="Deny"))
    bedrock_emulator.set_identity_policy(json.dumps(allow_invoke))
    CALLS["Converse"](runtime, HAIKU)
    bedrock_emulator.set_identity_policy([allow_invoke, deny_region])
    assert bedrock_emulator.identity_policy() == [allow_invoke, deny_region]
    assert "explicit deny" in denied(lambda: CALLS["Converse"](runtime, HAIKU))
    bedrock_emulator.set_identity_policy(None)
    CALLS["ConverseStream"](runtime, HAIKU)
    bedrock_emulator.set_identity_policy(deny_region)
    bedrock_emulator.reset()
    CALLS["Converse"](runtime, HAIKU)


def test_a_policy_the_emulator_cannot_evaluate_is_refused_and_the_old_one_kept(
    bedrock_emulator: BedrockEmulator, runtime: Any
) -> None:
    bedrock_emulator.set_identity_policy(document(statement(INVOKE, "*")))
    unreadable = document(statement(INVOKE, "*", Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}))
    with pytest.raises(EmulatorControlError, match=r"Statement\[0\]\.Condition operator 'DateGreaterThan'"):
        bedrock_emulator.set_identity_policy(unreadable)
    assert bedrock_emulator.identity_policy() == document(statement(INVOKE, "*"))
    CALLS["Converse"](runtime, HAIKU)


def test_resource_tags_are_condition_keys_of_the_tagged_target(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    """Per-tenant profiles granted by tag (ABAC): ``aws:ResourceTag/tenant`` on the profile."""
    def tenant_profile(tenant: str) -> str:
        return bedrock.create_inference_profile(
            inferenceProfileName=tenant, modelSource={"copyFrom": fm_arn("us-east-1")},
            tags=[{"key": "tenant", "value": tenant}])["inferenceProfileArn"]

    search, billing = tenant_profile("search"), tenant_profile("billing")
    bedrock_emulator.set_identity_policy(document(
        statement(INVOKE, "arn:aws:bedrock:*:*:application-inference-profile/*",
                  Condition={"StringEquals": {"aws:ResourceTag/tenant": "search"}}),
        statement(INVOKE, fm_arn("us-east-1"), Condition={"ArnLike": {
            "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:application-inference-profile/*"}}),
    ))
    CALLS["Converse"](runtime, search)
    assert denied(lambda: CALLS["Converse"](runtime, billing)) == implicit_denial(INVOKE, billing)
    bedrock.tag_resource(resourceARN=billing, tags=[{"key": "tenant", "value": "search"}])
    CALLS["Converse"](runtime, billing)


def test_a_caller_without_access_learns_nothing_about_a_target_that_is_not_ready(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    bedrock_emulator.set_durations(provisioned_throughput_create=60)
    throughput = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId=HAIKU)["provisionedModelArn"]
    bedrock_emulator.set_identity_policy(document(statement(INVOKE, fm_arn("us-east-1"))))
    assert denied(lambda: CALLS["Converse"](runtime, throughput)) == implicit_denial(INVOKE, throughput)
    bedrock_emulator.set_identity_policy(document(statement(INVOKE, throughput)))
    with pytest.raises(ClientError, match="InService"):
        CALLS["Converse"](runtime, throughput)


def test_ids_are_authorized_as_their_arns(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    profile = _profile(bedrock, system_arn(f"us.{HAIKU}"))
    profile_id = profile.rsplit("/", 1)[1]
    bedrock_emulator.set_identity_policy(profile_grant(profile, regions_of("us"), actions=[INVOKE]))
    CALLS["Converse"](runtime, profile_id)
    assert denied(lambda: CALLS["Converse"](runtime, f"us.{HAIKU}")) == implicit_denial(INVOKE, system_arn(f"us.{HAIKU}"))
    assert denied(lambda: CALLS["Converse"](runtime, HAIKU)) == implicit_denial(INVOKE, fm_arn("us-east-1"))


def test_a_region_restriction_sees_the_destination_region(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    """A Deny outside approved regions (as in region-restricting SCPs) refuses the destination model
    of a cross-region profile routed outside them (re:Post knowledge-center/bedrock-access-denied-exception)."""
    bedrock_emulator.set_identity_policy(document(
        statement("bedrock:*", "*"),
        statement("bedrock:Invoke*", "*", effect="Deny",
                  Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}),
    ))
    for allowed in ("us-east-1", "us-west-2"):
        bedrock_emulator.route_to(allowed)
        CALLS["Converse"](runtime, f"us.{HAIKU}")
    bedrock_emulator.route_to("us-east-2")
    assert "with an explicit deny" in denied(lambda: CALLS["Converse"](runtime, f"us.{HAIKU}"))
    assert fm_arn("us-east-2") in denied(lambda: CALLS["Converse"](runtime, f"us.{HAIKU}"))
