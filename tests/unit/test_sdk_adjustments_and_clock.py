"""Issue 17, item 5: the provider process's SDK adjustments start from the providers' ``configure``
(not as side effects of building a client or starting a wait), and every wait runs on the one
injected clock, whose real sleep ends as soon as the process is told to stop."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.stub import ANY, Stubber

from pulumi_bedrock_inference.providers import custom_model_deployment, errors, provider_process, provisioned_throughput
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.client import aws_client
from pulumi_bedrock_inference.providers.clock import SYSTEM_CLOCK, Clock
from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.providers.waiter import Waiter, wait

from .conftest import FakeConfigureRequest

HANG_GUARD = 30.0
REGION = "us-east-1"
ACCOUNT = "123456789012"


def test_configure_starts_the_sdk_adjustments_and_clients_and_waits_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(provider_process, "serve_concurrently", lambda: started.append("adjusted"))
    ApplicationInferenceProfileProvider().configure(FakeConfigureRequest({}))  # type: ignore[arg-type]
    assert started == ["adjusted"]
    aws_client("bedrock", REGION, endpoint="http://127.0.0.1:9")
    done = Waiter(kind="thing", status=lambda r: r["status"], target=frozenset({"Up"}), pending=frozenset())
    wait(done, lambda: {"status": "Up"}, name="t", timeout=60, timeout_hint="", clock=Clock(sleep=lambda s: None))
    assert started == ["adjusted"]


def test_configure_in_a_provider_process_worker_raises_its_worker_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provider_process, "in_provider_process", lambda: True)
    monkeypatch.setattr(provider_process, "_watch_for_shutdown", lambda: True)
    monkeypatch.setattr(provider_process, "answer_cancel", lambda executor: True)
    monkeypatch.setenv(provider_process.WORKERS_ENV, "32")
    provider_process._reset_for_tests()
    executor = ThreadPoolExecutor(max_workers=4)
    try:
        request = FakeConfigureRequest({})
        executor.submit(ProvisionedModelThroughputProvider().configure, request).result(timeout=HANG_GUARD)
        assert executor._max_workers == 32
    finally:
        executor.shutdown()
        provider_process._reset_for_tests()


class StopDuringWait:
    """Stands in for ``provider_process.stop_requested``: records each ``wait(seconds)`` and, as a
    Ctrl-C (the engine's Cancel) arriving during it would, is set when the wait returns."""

    def __init__(self) -> None:
        self.waits: list[float | None] = []
        self.slept: list[float] = []
        """``time.sleep`` calls: a sleep that no stop ends."""
        self._set = False

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True

    def clear(self) -> None:
        self._set = False

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        self._set = True
        return True


@pytest.fixture
def stop(monkeypatch: pytest.MonkeyPatch) -> StopDuringWait:
    """The process's stop event replaced by a recording one, and ``time.sleep`` recorded in
    ``stop.slept`` instead of sleeping."""
    event = StopDuringWait()
    monkeypatch.setattr(provider_process, "stop_requested", event)
    monkeypatch.setattr(time, "sleep", event.slept.append)
    return event


def test_the_real_clock_sleep_ends_when_the_process_is_told_to_stop(stop: StopDuringWait) -> None:
    SYSTEM_CLOCK.sleep(HANG_GUARD)
    # the whole sleep is a wait on the stop event, which returns as soon as the stop is requested
    assert stop.waits == [HANG_GUARD] and stop.slept == []


THROUGHPUT_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/abcdef123456"
DEPLOYMENT_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model-deployment/a1b2c3d4e5f6"
CUSTOM_MODEL = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/amazon.nova-micro-v1:0:128k/abcdef123456"


def _creating_throughput(stubbed: Stubber) -> dict:
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": THROUGHPUT_ARN}, None)
    stubbed.add_response(
        "get_provisioned_model_throughput",
        {
            "modelUnits": 1, "desiredModelUnits": 1, "provisionedModelName": "pt-prod",
            "provisionedModelArn": THROUGHPUT_ARN, "modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/amazon.titan-text-express-v1:0:8k",
            "desiredModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/amazon.titan-text-express-v1:0:8k",
            "foundationModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/amazon.titan-text-express-v1:0:8k",
            "status": "Creating", "creationTime": time.time(), "lastModifiedTime": time.time(),
        },
        {"provisionedModelId": THROUGHPUT_ARN},
    )
    return {"provisioned_model_name": "pt-prod", "model_arn": "amazon.titan-text-express-v1:0:8k", "model_units": 1, "region": REGION}


def _creating_deployment(stubbed: Stubber) -> dict:
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": DEPLOYMENT_ARN}, None)
    stubbed.add_response(
        "get_custom_model_deployment",
        {
            "customModelDeploymentArn": DEPLOYMENT_ARN, "modelDeploymentName": "nova-chat", "modelArn": CUSTOM_MODEL,
            "status": "Creating", "createdAt": time.time(), "lastUpdatedAt": time.time(),
        },
        {"customModelDeploymentIdentifier": ANY},
    )
    return {"name": "nova-chat", "model_arn": CUSTOM_MODEL, "region": REGION}


@pytest.mark.parametrize(
    ("provider_class", "creating", "poll_delay"),
    [
        (ProvisionedModelThroughputProvider, _creating_throughput, provisioned_throughput.CREATED.delay),
        (CustomModelDeploymentProvider, _creating_deployment, custom_model_deployment.CREATED.delay),
    ],
)
def test_a_create_wait_on_the_real_clock_ends_at_once_when_the_process_is_told_to_stop(
    stubbed: Stubber, monkeypatch: pytest.MonkeyPatch, stop: StopDuringWait, provider_class: type[BedrockProvider],
    creating, poll_delay: float,
) -> None:
    """The waits poll every 10-30 s; a Ctrl-C (Cancel) ends the sleep between polls at once, with
    the resumable error and no delete of the resource that keeps existing (nothing more stubbed)."""
    monkeypatch.setattr(BedrockProvider, "clock", SYSTEM_CLOCK)
    inputs = creating(stubbed)
    provider = provider_class()
    provider.configure(FakeConfigureRequest({}))  # type: ignore[arg-type]
    with pytest.raises(errors.NotStabilizedError) as raised:
        provider.create(inputs)
    assert raised.value.code == "Interrupted"
    # the one sleep between polls was a wait on the stop event, ended by the stop: no second poll
    assert stop.waits == [poll_delay] and stop.slept == []
