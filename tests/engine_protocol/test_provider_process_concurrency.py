"""Long waits through the real `python -m pulumi.dynamic` process: they run side by side instead of
four at a time, other calls are answered while they are in flight, and stopping the process ends
them at once with a resumable error. Behaviour only: hang guards, never timings."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterator

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError, with_provider

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
DEPLOYMENT_URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:CustomModelDeployment::tuned-{}"
PROFILE_URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat"
HANG_GUARD = 60.0
WAITS = 16


def engine_process(**env: str) -> DynamicProviderProcess:
    process = DynamicProviderProcess(env={**os.environ, **env}, project="proj", call_timeout=HANG_GUARD * 3)
    process.start()
    process.configure({"aws:region": "us-east-1"})
    return process


@pytest.fixture
def engine(bedrock_emulator: BedrockEmulator) -> Iterator[DynamicProviderProcess]:
    process = engine_process()
    try:
        yield process
    finally:
        process.stop()


def deployment_inputs(engine: DynamicProviderProcess, model: str, index: int) -> dict[str, Any]:
    props = {"model_arn": model, "name": f"tuned-{index}", "arn": None, "status": None}
    checked = engine.check(DEPLOYMENT_URN.format(index), {}, with_provider(props, CustomModelDeploymentProvider()))
    assert checked.failures == []
    return checked.inputs


def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"hang guard: {what} did not happen within {HANG_GUARD}s")
        time.sleep(0.05)


def start_creates(engine: DynamicProviderProcess, inputs: list[dict[str, Any]]) -> tuple[ThreadPoolExecutor, list[Future[Any]]]:
    pool = ThreadPoolExecutor(max_workers=len(inputs))
    futures = [pool.submit(engine.create, DEPLOYMENT_URN.format(i), props) for i, props in enumerate(inputs)]
    return pool, futures


def test_sixteen_waits_are_in_flight_at_once_and_a_check_is_answered_meanwhile(
    engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator
) -> None:
    model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    inputs = [deployment_inputs(engine, model, i) for i in range(WAITS)]
    bedrock_emulator.set_durations(custom_model_deployment_create=3600)
    pool, futures = start_creates(engine, inputs)
    try:
        # The emulator's clock does not move: no wait can end, so every create the emulator sees
        # was started while all the others were still waiting.
        eventually(lambda: bedrock_emulator.count("CreateCustomModelDeployment") == WAITS, f"{WAITS} creates in flight")
        assert not any(f.done() for f in futures)

        profile = with_provider({"model_source": {"copy_from": HAIKU}, "_autoname": "proj/dev/chat"}, ApplicationInferenceProfileProvider())
        checked = engine.check(PROFILE_URN, {}, profile)
        assert checked.failures == [] and checked.inputs["region"] == "us-east-1"
        assert engine.diff(DEPLOYMENT_URN.format(0), "arn", {**inputs[0], "status": "Creating"}, inputs[0]).changes == "none"
        assert not any(f.done() for f in futures)

        bedrock_emulator.advance(3600)
        results = [f.result(timeout=HANG_GUARD) for f in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    assert [r.outputs["status"] for r in results] == ["Active"] * WAITS
    assert bedrock_emulator.count("CreateCustomModelDeployment") == WAITS


def test_stopping_the_process_ends_waits_at_once_and_the_next_up_resumes(bedrock_emulator: BedrockEmulator) -> None:
    process = engine_process()
    try:
        model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
        inputs = [deployment_inputs(process, model, i) for i in range(5)]
        bedrock_emulator.set_durations(custom_model_deployment_create=3600)
        pool, futures = start_creates(process, inputs)
        eventually(lambda: bedrock_emulator.count("CreateCustomModelDeployment") == 5, "5 creates in flight")

        os.kill(process.pid, signal.SIGINT)  # what the engine sends its plugins when it exits
        eventually(lambda: process.returncode is not None, "the provider process exiting")
        for future in futures:
            with pytest.raises(ProviderError):
                future.result(timeout=HANG_GUARD)
        pool.shutdown()
        eventually(lambda: process.stderr.count("Interrupted: stopped after") == 5, "5 interrupted waits reported")
        assert "keeps existing in AWS" in process.stderr and "Run `pulumi up` again to resume waiting for it" in process.stderr
    finally:
        process.stop()

    deployments = bedrock_emulator.client("us-east-1").list_custom_model_deployments()["modelDeploymentSummaries"]
    assert len(deployments) == 5
    bedrock_emulator.advance(3600)
    resumed = engine_process()
    try:
        again = resumed.create(DEPLOYMENT_URN.format(0), inputs[0])
    finally:
        resumed.stop()
    assert again.outputs["status"] == "Active"
    assert again.id == next(d["customModelDeploymentArn"] for d in deployments if d["customModelDeploymentName"] == "tuned-0")
    assert len(bedrock_emulator.client("us-east-1").list_custom_model_deployments()["modelDeploymentSummaries"]) == 5


def test_cancel_ends_the_waits_in_progress_with_a_resumable_error(engine: DynamicProviderProcess, bedrock_emulator: BedrockEmulator) -> None:
    """The engine's first Ctrl-C calls Cancel: the creates fail now, saying how to resume."""
    model = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    inputs = [deployment_inputs(engine, model, i) for i in range(3)]
    bedrock_emulator.set_durations(custom_model_deployment_create=3600)
    pool, futures = start_creates(engine, inputs)
    eventually(lambda: bedrock_emulator.count("CreateCustomModelDeployment") == 3, "3 creates in flight")

    with grpc.insecure_channel(f"127.0.0.1:{engine.port}") as channel:
        provider_pb2_grpc.ResourceProviderStub(channel).Cancel(empty_pb2.Empty(), timeout=HANG_GUARD)
    for future in futures:
        with pytest.raises(ProviderError) as raised:
            future.result(timeout=HANG_GUARD)
        assert "Interrupted: stopped after" in raised.value.details
        assert "keeps existing in AWS. Run `pulumi up` again to resume waiting for it" in raised.value.details
    pool.shutdown()
    assert engine.returncode is None and bedrock_emulator.count("CreateCustomModelDeployment") == 3


def test_the_sdk_still_serves_from_a_four_worker_thread_pool() -> None:
    """Guard for the mechanism's premise: the SDK still serves from one 4-worker ThreadPoolExecutor."""
    import pulumi.dynamic

    source = open(os.path.join(os.path.dirname(pulumi.dynamic.__file__), "__main__.py")).read()
    assert "futures.ThreadPoolExecutor(max_workers=4)" in source, (
        "pulumi.dynamic's server no longer uses ThreadPoolExecutor(max_workers=4): re-check "
        "providers/provider_process.py against the new SDK"
    )
