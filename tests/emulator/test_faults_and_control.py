from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator, EmulatorControlError
from pulumi_bedrock_inference.testing.emulator.faults import FaultInjector

HAIKU_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def status_of(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def create_profile(bedrock: Any, name: str) -> str:
    return bedrock.create_inference_profile(inferenceProfileName=name, modelSource={"copyFrom": HAIKU_ARN})[
        "inferenceProfileArn"
    ]


def test_throttling_above_the_rate_per_operation(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    # real time, at a rate low enough (one per 100 s after a burst of 3) not to depend on machine load
    bedrock_emulator.throttle({"CreateInferenceProfile": 0.01}, burst=3)
    outcomes = []
    for index in range(6):
        try:
            create_profile(bedrock, f"p{index}")
            outcomes.append("ok")
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ThrottlingException"
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 429
            outcomes.append("throttled")
    assert outcomes == ["ok"] * 3 + ["throttled"] * 3
    bedrock.list_inference_profiles()  # other operations are not limited
    bedrock.list_inference_profiles()
    assert bedrock_emulator.counts()["CreateInferenceProfile"] == 6
    throttled = [r for r in bedrock_emulator.requests("CreateInferenceProfile") if r["status"] == 429]
    assert len(throttled) == outcomes.count("throttled")
    assert all(r["error_code"] == "ThrottlingException" for r in throttled)
    bedrock_emulator.throttle({"CreateInferenceProfile": None})
    create_profile(bedrock, "after")


def test_throttle_bucket_refills(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    """On the emulator's clock the bucket refills only as fast as the test advances it (one
    request per hour of emulator time here), so the outcome does not depend on machine load."""
    bedrock_emulator.throttle({"*": 1 / 3600}, clock="emulator", burst=2)

    def outcomes(calls: int) -> list[bool]:
        results = []
        for _ in range(calls):
            try:
                bedrock.list_inference_profiles()
                results.append(True)
            except ClientError as error:
                assert error.response["Error"]["Code"] == "ThrottlingException"
                results.append(False)
        return results

    assert outcomes(4) == [True, True, False, False]  # the burst, then empty
    bedrock_emulator.advance(3600)
    assert outcomes(2) == [True, False]  # one hour: one request
    bedrock_emulator.advance(10 * 3600)
    assert outcomes(3) == [True, True, False]  # refilled to the burst, no further
    assert bedrock_emulator.faults()["throttleSettings"] == {"*": {"rate": 1 / 3600, "burst": 2.0, "clock": "emulator"}}


def test_long_throttled_run_on_the_emulator_clock(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    """Eight hours of throttled creates at one per five minutes, run in moments by advancing the
    clock whenever the emulator throttles (as a client sleeping on the emulator's clock would)."""
    bedrock_emulator.throttle(CreateInferenceProfile=1 / 300, clock="emulator")
    created = throttled = 0
    while created < 96:
        try:
            create_profile(bedrock, f"p{created}")
            created += 1
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ThrottlingException"
            throttled += 1
            bedrock_emulator.advance(300)
    assert throttled == 95 and bedrock_emulator.count("CreateInferenceProfile") == 96 + 95
    assert len(bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]) == 96


def test_throttle_defaults_to_real_time_and_checks_its_arguments(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.throttle({"GetInferenceProfile": 4})
    assert bedrock_emulator.faults()["throttleSettings"] == {
        "GetInferenceProfile": {"rate": 4, "burst": 4.0, "clock": "real"}
    }
    with pytest.raises(EmulatorControlError, match="clock must be one of real, emulator"):
        bedrock_emulator.throttle({"*": 1}, clock="wall")
    with pytest.raises(EmulatorControlError, match="burst must be at least 1"):
        bedrock_emulator.throttle({"*": 1}, burst=0.5)
    with pytest.raises(EmulatorControlError, match="must be >= 0"):
        bedrock_emulator.throttle({"*": -1})


def test_error_fraction_is_deterministic_per_seed(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    def run() -> list[int]:
        statuses = []
        for _ in range(40):
            try:
                bedrock.list_foundation_models()
                statuses.append(200)
            except ClientError as error:
                assert error.response["Error"]["Code"] == "InternalServerException"
                statuses.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
        return statuses

    bedrock_emulator.inject_errors(0.3, seed=42)
    first = run()
    bedrock_emulator.inject_errors(0.3, seed=42)
    assert run() == first
    assert 4 <= first.count(500) <= 24 and set(first) == {200, 500}
    bedrock_emulator.inject_errors(0.3, seed=42, operations=["GetFoundationModel"])
    assert run() == [200] * 40


def test_latency_global_and_per_operation(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.latency(0.0, per_operation={"ListFoundationModels": 0.3})
    started = time.monotonic()
    bedrock.list_foundation_models()
    assert time.monotonic() - started >= 0.3
    # which operations are delayed, without an upper time bound that load could break
    assert bedrock_emulator.faults()["latency"] == {"*": 0.0, "ListFoundationModels": 0.3}
    faults = FaultInjector()
    faults.set_latency(0.0, {"ListFoundationModels": 0.3})
    assert (faults.latency_for("ListInferenceProfiles"), faults.latency_for("ListFoundationModels")) == (0.0, 0.3)
    bedrock_emulator.latency(0.2)
    started = time.monotonic()
    bedrock.list_inference_profiles()
    assert time.monotonic() - started >= 0.2


def test_error_next_returns_the_error_for_the_given_number_of_calls(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    bedrock_emulator.error_next("CreateInferenceProfile", "ServiceQuotaExceededException", "quota", count=2)
    bedrock_emulator.error_next("GetInferenceProfile", "AccessDeniedException")
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            create_profile(bedrock, "p")
        assert error_code(excinfo) == "ServiceQuotaExceededException"
        assert excinfo.value.response["Error"]["Message"] == "quota"
    arn = create_profile(bedrock, "p")
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    assert error_code(excinfo) == "AccessDeniedException" and status_of(excinfo) == 403
    bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    bedrock_emulator.error_next("DeleteInferenceProfile", "CustomError", status=418)
    with pytest.raises(ClientError) as excinfo:
        bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert error_code(excinfo) == "CustomError" and status_of(excinfo) == 418


def test_request_log_records_operations_params_and_errors(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    arn = create_profile(bedrock, "logged")
    with pytest.raises(ClientError):
        bedrock.get_inference_profile(inferenceProfileIdentifier="missingprofile")
    bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    assert bedrock_emulator.counts() == {"CreateInferenceProfile": 1, "GetInferenceProfile": 2}
    assert bedrock_emulator.count("GetInferenceProfile") == 2
    create, missing, found = bedrock_emulator.requests()
    assert (create["method"], create["path"], create["status"]) == ("POST", "/inference-profiles", 201)
    assert create["params"]["inferenceProfileName"] == "logged" and create["region"] == "us-east-1"
    assert (missing["status"], missing["error_code"]) == (404, "ResourceNotFoundException")
    assert found["params"] == {"inferenceProfileIdentifier": arn}
    assert found["error_code"] is None
    bedrock_emulator.reset_log()
    assert bedrock_emulator.counts() == {} and bedrock_emulator.requests() == []


def test_reset_clears_resources_faults_clock_and_log(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    create_profile(bedrock, "before")
    bedrock_emulator.throttle({"*": 1})
    bedrock_emulator.fail_next("CreateProvisionedModelThroughput")
    before = bedrock_emulator.advance(86400)
    bedrock_emulator.reset(durations=0)
    assert bedrock_emulator.now() < before
    assert bedrock_emulator.counts() == {}
    faults = bedrock_emulator.faults()
    assert faults["throttle"] == {} and faults["failNext"] == {}
    assert bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    assert bedrock_emulator.durations() == dict.fromkeys(bedrock_emulator.durations(), 0.0)
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=HAIKU_ARN)
    assert bedrock.get_provisioned_model_throughput(provisionedModelId="pt")["status"] == "InService"


def test_durations_and_clock_controls(bedrock_emulator: BedrockEmulator) -> None:
    durations = bedrock_emulator.set_durations(5, provisioned_throughput_create=60)
    assert durations["provisioned_throughput_create"] == 60 and durations["custom_model_deployment_create"] == 5
    with pytest.raises(EmulatorControlError):
        bedrock_emulator.set_durations(no_such_transition=1)
    with pytest.raises(EmulatorControlError):
        bedrock_emulator.fail_next("ListInferenceProfiles")
    start = bedrock_emulator.now()
    assert (bedrock_emulator.advance(3600) - start).total_seconds() >= 3600


def test_http_control_endpoints_speak_json(bedrock_emulator: BedrockEmulator) -> None:
    base = bedrock_emulator.endpoint + "/_emulator"

    def call(method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        with urllib.request.urlopen(urllib.request.Request(base + path, data=data, method=method)) as response:
            assert response.headers["Content-Type"] == "application/json"
            return json.loads(response.read())

    assert call("GET", "/health") == {"status": "ok"}
    assert call("POST", "/clock/advance", {"seconds": 10})["offsetSeconds"] == 10
    call("POST", "/faults/throttle", {"rates": {"GetInferenceProfile": 2}})
    assert call("GET", "/faults")["throttle"] == {"GetInferenceProfile": 2}
    assert call("POST", "/custom-models", {"modelName": "m", "baseModelId": "amazon.nova-lite-v1:0"})["modelArn"]
    call("DELETE", "/faults")
    assert call("GET", "/faults")["throttle"] == {}
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        call("GET", "/nope")
    assert excinfo.value.code == 404


def test_connect_drives_a_running_emulator(bedrock_emulator: BedrockEmulator) -> None:
    remote = BedrockEmulator.connect(bedrock_emulator.endpoint)
    remote.error_next("ListInferenceProfiles", "ThrottlingException")
    with pytest.raises(ClientError) as excinfo:
        bedrock_emulator.client(retries={"total_max_attempts": 1}).list_inference_profiles()
    assert error_code(excinfo) == "ThrottlingException"
    assert remote.counts() == {"ListInferenceProfiles": 1}
    remote.stop()  # leaves the (shared) server running
    assert bedrock_emulator.counts() == {"ListInferenceProfiles": 1}


def test_unknown_route_and_unimplemented_operation(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    with urllib.request.urlopen(bedrock_emulator.endpoint + "/_emulator/health"):
        pass
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(bedrock_emulator.endpoint + "/no-such-route")
    assert excinfo.value.code == 404
    with pytest.raises(ClientError) as excinfo:
        bedrock.list_guardrails()
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert bedrock_emulator.counts()["ListGuardrails"] == 1


def test_session_fixture_points_boto3_at_the_emulator(bedrock_emulator_server: BedrockEmulator) -> None:
    assert os.environ["AWS_ENDPOINT_URL_BEDROCK"] == bedrock_emulator_server.endpoint
    assert os.environ["AWS_ACCESS_KEY_ID"] == os.environ["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert "AWS_SESSION_TOKEN" not in os.environ and os.environ["AWS_DEFAULT_REGION"]


def test_moto_style_url_dispatch_resolves_region_from_the_host(bedrock_emulator: BedrockEmulator) -> None:
    from werkzeug.test import EnvironBuilder

    from pulumi_bedrock_inference.testing.emulator.server import EmulatorRequest
    from pulumi_bedrock_inference.testing.emulator.urls import url_bases, url_paths

    builder = EnvironBuilder(
        method="GET", path="/foundation-models/amazon.nova-pro-v1%3A0", base_url="https://bedrock.eu-west-1.amazonaws.com"
    )
    request = EmulatorRequest(builder.get_environ())
    assert any(re.match(base, request.url) for base in url_bases)
    status, _, body = url_paths["{0}/.*$"](request, request.raw_url, dict(request.headers))
    assert status == 200
    assert json.loads(body)["modelDetails"]["modelArn"] == "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0"
