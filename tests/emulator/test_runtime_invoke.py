"""bedrock-runtime on the emulator: every operation against every kind of target, through real
boto3 ``bedrock-runtime`` clients (streams parsed by botocore's event-stream parser), routing
across a profile's regions, and the errors AWS gives for targets it cannot serve.

AWS behaviour followed: "Use an inference profile in model invocation"
(https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-use.html): a profile
ID or ARN, a provisioned throughput ARN or a custom model deployment ARN is passed as
``modelId`` to InvokeModel, InvokeModelWithResponseStream, Converse and ConverseStream; a
cross-region profile serves the request in one of the regions of its ``models``
("Supported Regions and models for inference profiles",
https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Callable

import pytest
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import (
    INFERENCE_PROFILE_GEOGRAPHIES,
    BedrockEmulator,
    EmulatorControlError,
)

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
ACCOUNT = "123456789012"
US_REGIONS = list(INFERENCE_PROFILE_GEOGRAPHIES["us"].destination_regions)


def fm_arn(region: str, model: str = HAIKU) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def system_arn(profile_id: str, region: str = "us-east-1") -> str:
    return f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{profile_id}"


def anthropic_body(text: str = "hello emulator") -> bytes:
    return json.dumps({
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}],
    }).encode()


# --------------------------------------------------------------------------- the four operations

def _invoke(client: Any, model_id: str) -> str:
    response = client.invoke_model(modelId=model_id, body=anthropic_body(), contentType="application/json")
    assert response["contentType"] == "application/json"
    body = json.loads(response["body"].read())
    assert body["type"] == "message" and body["role"] == "assistant" and body["stop_reason"] == "end_turn"
    assert body["usage"]["output_tokens"] > 0
    return "".join(block["text"] for block in body["content"])


def _invoke_stream(client: Any, model_id: str) -> str:
    response = client.invoke_model_with_response_stream(modelId=model_id, body=anthropic_body())
    events = [json.loads(event["chunk"]["bytes"]) for event in response["body"]]
    types = [event["type"] for event in events]
    assert types[0] == "message_start" and types[-1] == "message_stop"
    assert types.count("content_block_delta") >= 2
    return "".join(e["delta"]["text"] for e in events if e["type"] == "content_block_delta")


def _converse(client: Any, model_id: str) -> str:
    response = client.converse(modelId=model_id, messages=[{"role": "user", "content": [{"text": "hello emulator"}]}])
    assert response["stopReason"] == "end_turn"
    assert response["usage"]["totalTokens"] == response["usage"]["inputTokens"] + response["usage"]["outputTokens"]
    return "".join(block["text"] for block in response["output"]["message"]["content"])


def _converse_stream(client: Any, model_id: str) -> str:
    response = client.converse_stream(modelId=model_id, messages=[{"role": "user", "content": [{"text": "hello emulator"}]}])
    events = list(response["stream"])
    kinds = [next(iter(event)) for event in events]
    assert kinds[0] == "messageStart" and kinds[-2:] == ["messageStop", "metadata"]
    assert kinds.count("contentBlockDelta") >= 2
    return "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)


OPERATIONS: dict[str, Callable[[Any, str], str]] = {
    "InvokeModel": _invoke,
    "InvokeModelWithResponseStream": _invoke_stream,
    "Converse": _converse,
    "ConverseStream": _converse_stream,
}


# --------------------------------------------------------------------------- targets

def _foundation_model_id(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    return HAIKU, ["us-east-1"]


def _foundation_model_arn(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    return fm_arn("us-east-1"), ["us-east-1"]


def _system_profile_id(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    return f"us.{HAIKU}", US_REGIONS


def _system_profile_arn(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    return system_arn(f"us.{HAIKU}"), US_REGIONS


def _application_profile_of_model(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    arn = bedrock.create_inference_profile(inferenceProfileName="single", modelSource={"copyFrom": fm_arn("us-east-1")})
    return arn["inferenceProfileArn"], ["us-east-1"]


def _application_profile_of_system_profile(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    arn = bedrock.create_inference_profile(
        inferenceProfileName="cross-region", modelSource={"copyFrom": system_arn(f"us.{HAIKU}")}
    )
    return arn["inferenceProfileArn"], US_REGIONS


def _application_profile_id(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    arn, regions = _application_profile_of_system_profile(bedrock, emulator)
    return arn.rsplit("/", 1)[1], regions


def _provisioned_throughput(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    arn = bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=HAIKU)
    return arn["provisionedModelArn"], ["us-east-1"]


def _provisioned_throughput_of_custom_model(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    custom = emulator.seed_custom_model("tuned", HAIKU)
    arn = bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt-custom", modelId=custom)
    return arn["provisionedModelArn"], ["us-east-1"]


def _custom_model_deployment(bedrock: Any, emulator: BedrockEmulator) -> tuple[str, list[str]]:
    custom = emulator.seed_custom_model("tuned", HAIKU)
    arn = bedrock.create_custom_model_deployment(modelDeploymentName="deployment", modelArn=custom)
    return arn["customModelDeploymentArn"], ["us-east-1"]


TARGETS = {
    "foundation-model-id": _foundation_model_id,
    "foundation-model-arn": _foundation_model_arn,
    "system-profile-id": _system_profile_id,
    "system-profile-arn": _system_profile_arn,
    "application-profile-of-model": _application_profile_of_model,
    "application-profile-of-system-profile": _application_profile_of_system_profile,
    "application-profile-id": _application_profile_id,
    "provisioned-throughput": _provisioned_throughput,
    "provisioned-throughput-of-custom-model": _provisioned_throughput_of_custom_model,
    "custom-model-deployment": _custom_model_deployment,
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("target", TARGETS)
def test_every_operation_serves_every_target_kind(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, operation: str, target: str
) -> None:
    model_id, regions = TARGETS[target](bedrock, bedrock_emulator)
    text = OPERATIONS[operation](runtime, model_id)

    [logged] = bedrock_emulator.requests(operation)
    assert logged["status"] == 200 and logged["region"] == "us-east-1"
    assert logged["params"]["modelId"] == model_id
    assert logged["served_region"] in regions
    assert text == f"Emulated reply from {HAIKU} in {logged['served_region']}. You said: hello emulator"


def test_runtime_client_and_environment_point_at_the_emulator(bedrock_emulator: BedrockEmulator) -> None:
    assert bedrock_emulator.environment()["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] == bedrock_emulator.endpoint
    client = bedrock_emulator.runtime_client("eu-west-1", retries={"total_max_attempts": 1})
    assert client.meta.region_name == "eu-west-1"
    assert "in eu-west-1" in _converse(client, HAIKU)
    assert bedrock_emulator.requests("Converse")[0]["region"] == "eu-west-1"


def test_streams_are_amazon_event_stream_frames_with_valid_crcs(bedrock_emulator: BedrockEmulator) -> None:
    """The raw HTTP body, decoded frame by frame by botocore's parser (which checks the prelude
    and message CRC32 of every frame)."""
    request = urllib.request.Request(
        f"{bedrock_emulator.endpoint}/model/{HAIKU}/invoke-with-response-stream",
        data=anthropic_body(), method="POST", headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/vnd.amazon.eventstream"
        assert response.headers["X-Amzn-Bedrock-Content-Type"] == "application/json"
        raw = response.read()
    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    messages = list(buffer)
    assert len(messages) >= 5
    for message in messages:
        assert message.headers[":message-type"] == "event"
        assert message.headers[":event-type"] == "chunk"
        assert message.headers[":content-type"] == "application/json"
    assert sum(len(m.to_response_dict()["body"]) + 16 for m in messages) <= len(raw)


# --------------------------------------------------------------------------- model families

def test_invoke_model_answers_in_each_family_format(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    nova = json.loads(runtime.invoke_model(
        modelId="amazon.nova-lite-v1:0", body=json.dumps({"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
    )["body"].read())
    assert nova["output"]["message"]["content"][0]["text"].startswith("Emulated reply from amazon.nova-lite-v1:0")

    titan = json.loads(runtime.invoke_model(modelId="amazon.titan-text-express-v1", body=json.dumps({"inputText": "hi"}))["body"].read())
    assert titan["results"][0]["completionReason"] == "FINISH"

    embed = json.loads(runtime.invoke_model(
        modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hi", "dimensions": 256})
    )["body"].read())
    again = json.loads(runtime.invoke_model(
        modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hi", "dimensions": 256})
    )["body"].read())
    assert len(embed["embedding"]) == 256 and embed == again

    llama = json.loads(runtime.invoke_model(modelId="meta.llama3-1-8b-instruct-v1:0", body=json.dumps({"prompt": "hi"}))["body"].read())
    assert llama["generation"].startswith("Emulated reply") and llama["stop_reason"] == "stop"

    stream = runtime.invoke_model_with_response_stream(
        modelId="amazon.nova-lite-v1:0", body=json.dumps({"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
    )
    chunks = [json.loads(e["chunk"]["bytes"]) for e in stream["body"]]
    assert "messageStart" in chunks[0] and "messageStop" in chunks[-2]


def _error(call: Callable[[], Any]) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    "body, missing", [({"messages": [], "max_tokens": 5}, "anthropic_version"), ({"anthropic_version": "x", "messages": []}, "max_tokens")]
)
def test_a_malformed_model_body_is_a_validation_error(runtime: Any, body: dict, missing: str) -> None:
    error = _error(lambda: runtime.invoke_model(modelId=HAIKU, body=json.dumps(body)))
    assert error.response["Error"]["Code"] == "ValidationException"
    assert f"required key [{missing}] not found" in error.response["Error"]["Message"]
    for raw in (b"not json", b"\xff\xfe binary", b"[1, 2]"):
        assert _error(lambda: runtime.invoke_model(modelId=HAIKU, body=raw)).response["Error"]["Message"] == (
            "Malformed input request, please reformat your input and try again.")


def test_embedding_models_neither_stream_nor_converse(runtime: Any) -> None:
    streamed = _error(lambda: runtime.invoke_model_with_response_stream(
        modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hi"})))
    assert streamed.response["Error"]["Message"] == "The model is unsupported for streaming."
    conversed = _error(lambda: runtime.converse(modelId="cohere.embed-english-v3", messages=[{"role": "user", "content": [{"text": "x"}]}]))
    assert conversed.response["Error"]["Code"] == "ValidationException"
    assert "doesn't support the model" in conversed.response["Error"]["Message"]


# --------------------------------------------------------------------------- targets AWS cannot serve

@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-no-such-model-v1:0",
        fm_arn("us-west-2"),                      # a model ARN of another region
        f"eu.{HAIKU}",                            # an EU profile is not offered in us-east-1
        system_arn(f"us.{HAIKU}", "us-west-2"),   # a profile ARN of another region
    ],
)
def test_unknown_model_identifiers_are_invalid(runtime: Any, model_id: str) -> None:
    error = _error(lambda: _converse(runtime, model_id))
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["Error"]["Message"] == "The provided model identifier is invalid."
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("resource", ["application-inference-profile/abcdefghijkl", "provisioned-model/abcdefghijkl",
                                      "custom-model-deployment/abcdefghijkl"])
def test_missing_profiles_throughputs_and_deployments_are_not_found(runtime: Any, resource: str) -> None:
    error = _error(lambda: _invoke(runtime, f"arn:aws:bedrock:us-east-1:{ACCOUNT}:{resource}"))
    assert error.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_deleted_application_profile_is_not_found(bedrock: Any, runtime: Any, bedrock_emulator: BedrockEmulator) -> None:
    arn, _ = _application_profile_of_model(bedrock, bedrock_emulator)
    assert _converse(runtime, arn)
    bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert _error(lambda: _converse(runtime, arn)).response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_throughput_serves_only_once_in_service(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    bedrock_emulator.set_durations(provisioned_throughput_create=60)
    arn, _ = _provisioned_throughput(bedrock, bedrock_emulator)
    error = _error(lambda: _converse(runtime, arn))
    assert error.response["Error"]["Code"] == "ValidationException"
    assert "Creating" in error.response["Error"]["Message"] and "InService" in error.response["Error"]["Message"]
    bedrock_emulator.advance(60)
    assert _converse(runtime, arn).startswith("Emulated reply")


def test_a_deployment_serves_only_once_active(bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any) -> None:
    bedrock_emulator.set_durations(custom_model_deployment_create=60)
    arn, _ = _custom_model_deployment(bedrock, bedrock_emulator)
    error = _error(lambda: _invoke_stream(runtime, arn))
    assert error.response["Error"]["Code"] == "ValidationException" and "Active" in error.response["Error"]["Message"]
    bedrock_emulator.advance(60)
    assert _invoke_stream(runtime, arn).startswith("Emulated reply")


def test_a_custom_model_is_not_invoked_directly(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    """A custom model is served through a throughput or a deployment, never by its own ARN."""
    custom = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    for call in (_converse, _invoke):
        error = _error(lambda: call(runtime, custom))
        assert error.response["Error"]["Code"] == "ValidationException"
        assert custom in error.response["Error"]["Message"]


def test_runtime_requests_get_the_control_planes_faults(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    bedrock_emulator.error_next("Converse", "ThrottlingException")
    assert _error(lambda: _converse(runtime, HAIKU)).response["Error"]["Code"] == "ThrottlingException"
    assert _converse(runtime, HAIKU)
    assert bedrock_emulator.count("Converse") == 2


# --------------------------------------------------------------------------- routing

@pytest.mark.parametrize("geography, model", [("us", HAIKU), ("global", SONNET_4)])
def test_profiles_route_round_robin_over_their_regions(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any, geography: str, model: str
) -> None:
    profile = bedrock.create_inference_profile(
        inferenceProfileName="rr", modelSource={"copyFrom": system_arn(f"{geography}.{model}")}
    )["inferenceProfileArn"]
    listed = [m["modelArn"].split(":")[3] for m in bedrock.get_inference_profile(inferenceProfileIdentifier=profile)["models"]]
    regions = list(INFERENCE_PROFILE_GEOGRAPHIES[geography].destination_regions)
    # a global profile lists the region-less model and the source region's; it routes anywhere
    assert listed == (["", "us-east-1"] if geography == "global" else regions)

    for _ in range(2 * len(regions)):
        runtime.converse(modelId=profile, messages=[{"role": "user", "content": [{"text": "x"}]}])
    served = [r["served_region"] for r in bedrock_emulator.requests("Converse")]
    assert served == regions * 2


def test_route_to_pins_the_served_region_until_lifted(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    profile = f"us.{HAIKU}"
    bedrock_emulator.route_to("us-west-2")
    assert [" in us-west-2." in _converse(runtime, profile) for _ in range(3)] == [True] * 3
    # a foundation model is served where it is called, whatever the pin
    assert " in us-east-1." in _converse(runtime, HAIKU)

    bedrock_emulator.route_to(None)
    served = {_converse(runtime, profile).split(" in ")[1].split(".")[0] for _ in range(3)}
    assert served == set(US_REGIONS)

    bedrock_emulator.route_to("eu-west-1")
    error = _error(lambda: _converse(runtime, profile))
    assert error.response["Error"]["Code"] == "ValidationException"
    assert "not a destination region" in error.response["Error"]["Message"]

    bedrock_emulator.reset()
    assert " in us-east-1." in _converse(runtime, profile)


def test_route_to_rejects_what_is_not_a_region(bedrock_emulator: BedrockEmulator) -> None:
    with pytest.raises(EmulatorControlError, match="region name"):
        bedrock_emulator.route_to("moon-1")


def test_other_runtime_operations_are_answered_not_implemented(bedrock_emulator: BedrockEmulator, runtime: Any) -> None:
    error = _error(lambda: runtime.count_tokens(
        modelId=HAIKU, input={"converse": {"messages": [{"role": "user", "content": [{"text": "x"}]}]}}))
    assert error.response["Error"]["Code"] == "NotImplementedException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert bedrock_emulator.requests("CountTokens")[0]["status"] == 501


def test_a_profile_only_model_is_refused_by_its_own_id_and_served_through_a_profile(
    bedrock: Any, runtime: Any
) -> None:
    """The error users hit with Claude 3.7 Sonnet and Sonnet 4 (e.g. cline/cline#2482)."""
    for model_id in (SONNET_4, fm_arn("us-east-1", SONNET_4)):
        error = _error(lambda: _converse(runtime, model_id))
        assert error.response["Error"]["Code"] == "ValidationException"
        assert error.response["Error"]["Message"] == (
            f"Invocation of model ID {SONNET_4} with on-demand throughput isn\u2019t supported. "
            "Retry your request with the ID or ARN of an inference profile that contains this model.")
    assert SONNET_4 in _converse(runtime, f"us.{SONNET_4}")
    assert SONNET_4 in _converse(runtime, f"global.{SONNET_4}")
