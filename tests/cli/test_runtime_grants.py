"""End to end through a whole Pulumi program: the components deploy against the emulator through the
real Pulumi engine, and the ``invoke_policy`` outputs they export, used as
the caller's identity policy, let the caller invoke each endpoint's ``model_id`` in every region
the endpoint lists in ``regions``, and nothing else.

This is the issue's "prove that the grant works as AWS would evaluate it", with the ARNs the
service reported rather than ones built in the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pulumi
import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.components import InferenceEndpoint, InferenceProfileSet
from pulumi_bedrock_inference.testing.emulator import INFERENCE_PROFILE_GEOGRAPHIES, BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "bedrock-runtime-grants"
REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


def program(custom_model: str) -> Any:
    def run() -> None:
        endpoints = {
            "us": InferenceEndpoint("us", model=f"us.{HAIKU}"),
            "global": InferenceEndpoint("global", model=f"global.{SONNET_4}"),
            "single": InferenceEndpoint("single", model=HAIKU),
            "deployment": InferenceEndpoint("deployment", model=custom_model),
            "throughput": InferenceEndpoint("throughput", model=HAIKU, provisioned_throughput={"model_units": 1}),
        }
        for name, endpoint in endpoints.items():
            pulumi.export(f"{name}_model_id", endpoint.model_id)
            pulumi.export(f"{name}_policy", endpoint.invoke_policy)
            pulumi.export(f"{name}_regions", endpoint.regions)
        teams = InferenceProfileSet("teams", model=HAIKU, tenants={"search": {}, "billing": {}})
        pulumi.export("team_model_ids", teams.model_ids)
        pulumi.export("team_policies", teams.invoke_policies)

    return run


@pytest.fixture
def outputs(bedrock_emulator: BedrockEmulator) -> Iterator[dict[str, Any]]:
    custom_model = bedrock_emulator.seed_custom_model("tuned-haiku", HAIKU, REGION)
    with emulator_stack(program(custom_model), bedrock_emulator, project=PROJECT, region=REGION) as stack:
        yield {key: output.value for key, output in stack.up().outputs.items()}


@pytest.fixture
def runtime(bedrock_emulator: BedrockEmulator) -> Any:
    return bedrock_emulator.runtime_client(REGION, retries={"total_max_attempts": 1})


def invoke_everything(runtime: Any, model_id: str) -> None:
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]})
    runtime.invoke_model(modelId=model_id, body=body)["body"].read()
    list(runtime.invoke_model_with_response_stream(modelId=model_id, body=body)["body"])
    runtime.converse(modelId=model_id, messages=MESSAGES)
    list(runtime.converse_stream(modelId=model_id, messages=MESSAGES)["stream"])


@pytest.mark.parametrize("endpoint", ["us", "global", "single", "deployment", "throughput"])
def test_each_endpoints_invoke_policy_works_in_every_region_it_lists(
    bedrock_emulator: BedrockEmulator, outputs: dict[str, Any], runtime: Any, endpoint: str
) -> None:
    model_id, regions = outputs[f"{endpoint}_model_id"], outputs[f"{endpoint}_regions"]
    # a global profile names its source region only (AWS lists the others as one region-less ARN)
    assert regions == {"us": ["us-east-1", "us-east-2", "us-west-2"]}.get(endpoint, [REGION])
    served_in = list(INFERENCE_PROFILE_GEOGRAPHIES["global"].destination_regions) if endpoint == "global" else regions
    bedrock_emulator.set_identity_policy(outputs[f"{endpoint}_policy"])
    bedrock_emulator.reset_log()
    for region in served_in:
        bedrock_emulator.route_to(region)
        invoke_everything(runtime, model_id)
    logged = [r for r in bedrock_emulator.requests() if r["path"].startswith("/model/")]
    assert {r["status"] for r in logged} == {200}
    assert sorted({r["served_region"] for r in logged}) == sorted(served_in)

    # the policy opens this endpoint only
    others = [outputs[f"{other}_model_id"] for other in ("us", "single", "deployment", "throughput") if other != endpoint]
    bedrock_emulator.route_to(None)
    for other in others + [HAIKU]:
        with pytest.raises(ClientError) as refused:
            runtime.converse(modelId=other, messages=MESSAGES)
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_each_tenants_policy_opens_its_own_profile_only(
    bedrock_emulator: BedrockEmulator, outputs: dict[str, Any], runtime: Any
) -> None:
    ids, policies = outputs["team_model_ids"], outputs["team_policies"]
    for tenant, other in (("search", "billing"), ("billing", "search")):
        bedrock_emulator.set_identity_policy(policies[tenant])
        invoke_everything(runtime, ids[tenant])
        with pytest.raises(ClientError) as refused:
            runtime.converse(modelId=ids[other], messages=MESSAGES)
        assert f"on resource: {ids[other]}" in refused.value.response["Error"]["Message"]
