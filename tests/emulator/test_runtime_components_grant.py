"""End to end: the policy the components grant (``invoke_policy_document``, the one IAM-policy
module, ``components/iam.py``) lets a caller invoke its endpoint in every region AWS may route
to, and nothing else, as the emulator's runtime evaluates it.

The ARNs come from the emulated control plane (the profile's ``models`` as GetInferenceProfile
returns them), as they do in the components.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.components import invoke_policy_document
from pulumi_bedrock_inference.testing.emulator import INFERENCE_PROFILE_GEOGRAPHIES, BedrockEmulator

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
ACCOUNT = "123456789012"

BODY = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]})
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
CALLS: dict[str, Callable[[Any, str], Any]] = {
    "InvokeModel": lambda c, m: c.invoke_model(modelId=m, body=BODY)["body"].read(),
    "Converse": lambda c, m: c.converse(modelId=m, messages=MESSAGES),
    "InvokeModelWithResponseStream": lambda c, m: list(c.invoke_model_with_response_stream(modelId=m, body=BODY)["body"]),
    "ConverseStream": lambda c, m: list(c.converse_stream(modelId=m, messages=MESSAGES)["stream"]),
}


def access_denied(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    return caught.value.response["Error"]["Message"]


def cross_region_profile(bedrock: Any, geography: str, model: str, name: str = "endpoint") -> tuple[str, str, list[str]]:
    """(application profile ARN, its source system profile ARN, its models' ARNs)."""
    system = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{geography}.{model}"
    profile = bedrock.create_inference_profile(inferenceProfileName=name, modelSource={"copyFrom": system})["inferenceProfileArn"]
    models = [m["modelArn"] for m in bedrock.get_inference_profile(inferenceProfileIdentifier=profile)["models"]]
    return profile, system, models


@pytest.mark.parametrize("geography, model", [("us", HAIKU), ("global", SONNET_4)])
def test_the_component_grant_succeeds_in_every_destination_region(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, geography: str, model: str
) -> None:
    profile, system, models = cross_region_profile(bedrock, geography, model)
    bedrock_emulator.set_identity_policy(invoke_policy_document(profile, models=models, source_profile=system))
    regions = list(INFERENCE_PROFILE_GEOGRAPHIES[geography].destination_regions)
    for region in regions:
        bedrock_emulator.route_to(region)
        for call in CALLS.values():
            call(runtime, profile)
    served = {(r["operation"], r["served_region"]) for r in bedrock_emulator.requests() if r["operation"] in CALLS}
    assert served == {(operation, region) for operation in CALLS for region in regions}
    assert all(r["status"] == 200 for r in bedrock_emulator.requests() if r["operation"] in CALLS)


def test_the_component_grant_reaches_the_models_only_through_its_profile(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    profile, system, models = cross_region_profile(bedrock, "us", HAIKU)
    other, _, _ = cross_region_profile(bedrock, "us", HAIKU, "other")
    bedrock_emulator.set_identity_policy(invoke_policy_document(profile, models=models, source_profile=system))
    bedrock_emulator.route_to("us-east-2")
    CALLS["Converse"](runtime, profile)
    # the system profile ARN is granted, its models are not (the condition names this profile)
    assert f"foundation-model/{HAIKU}" in access_denied(lambda: CALLS["Converse"](runtime, system))
    assert f"resource: {other}" in access_denied(lambda: CALLS["Converse"](runtime, other))
    assert f"foundation-model/{HAIKU}" in access_denied(lambda: CALLS["Converse"](runtime, HAIKU))


def test_the_component_grant_without_streaming_refuses_streaming(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    profile, system, models = cross_region_profile(bedrock, "us", HAIKU)
    bedrock_emulator.set_identity_policy(invoke_policy_document(profile, models=models, source_profile=system, streaming=False))
    CALLS["Converse"](runtime, profile)
    CALLS["InvokeModel"](runtime, profile)
    for streaming in ("ConverseStream", "InvokeModelWithResponseStream"):
        assert "bedrock:InvokeModelWithResponseStream" in access_denied(lambda: CALLS[streaming](runtime, profile))


def test_the_component_grant_of_a_single_region_profile(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    source = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
    profile = bedrock.create_inference_profile(inferenceProfileName="single", modelSource={"copyFrom": source})["inferenceProfileArn"]
    bedrock_emulator.set_identity_policy(invoke_policy_document(profile, models=[source]))
    for call in CALLS.values():
        call(runtime, profile)


def test_the_component_grant_of_a_provisioned_throughput(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    custom = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    throughput = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="pt", modelId=custom)["provisionedModelArn"]
    other = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="other", modelId=HAIKU)["provisionedModelArn"]
    bedrock_emulator.set_identity_policy(invoke_policy_document(throughput))
    for call in CALLS.values():
        call(runtime, throughput)
    assert f"resource: {other}" in access_denied(lambda: CALLS["Converse"](runtime, other))


def test_the_component_grant_of_a_custom_model_deployment(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    custom = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    deployment = bedrock.create_custom_model_deployment(modelDeploymentName="dep", modelArn=custom)["customModelDeploymentArn"]
    bedrock_emulator.set_identity_policy(invoke_policy_document(deployment))
    for call in CALLS.values():
        call(runtime, deployment)
    assert "bedrock:InvokeModel on resource" in access_denied(lambda: CALLS["Converse"](runtime, HAIKU))
