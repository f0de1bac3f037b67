"""The internals providers/provider_process.py relies on, on the pinned Python: these fail loudly
when a new version changes them (the module then falls back to the SDK's 4 workers)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_bedrock_inference.providers import provider_process
from pulumi_bedrock_inference.providers.clock import Clock

HANG_GUARD = 30.0


def test_a_worker_finds_its_executor_and_a_raised_limit_runs_queued_calls_at_once() -> None:
    executor = ThreadPoolExecutor(max_workers=2)
    everyone_in = threading.Barrier(6, timeout=HANG_GUARD)
    found: list[ThreadPoolExecutor | None] = []

    def call() -> None:
        found.append(provider_process.serving_executor())
        everyone_in.wait()

    try:
        futures = [executor.submit(call) for _ in range(6)]  # two run, four are queued
        provider_process.raise_worker_limit(executor, 8)
        for future in futures:
            future.result(timeout=HANG_GUARD)  # a BrokenBarrierError here: the queued calls never started
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    assert found == [executor] * 6


def test_a_lower_limit_leaves_the_executor_alone() -> None:
    executor = ThreadPoolExecutor(max_workers=4)
    provider_process.raise_worker_limit(executor, 2)
    assert executor._max_workers == 4
    executor.shutdown()


def test_outside_a_worker_there_is_no_executor() -> None:
    assert provider_process.serving_executor() is None
    assert provider_process.serving_executor(threading.Thread(target=lambda: None)) is None


def test_the_shutdown_hook_exists() -> None:
    assert callable(getattr(threading, "_register_atexit", None)), "re-check provider_process._watch_for_shutdown"


def test_nothing_changes_outside_the_provider_process() -> None:
    provider_process._reset_for_tests()
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        executor.submit(provider_process.serve_concurrently).result(timeout=HANG_GUARD)
        assert executor._max_workers == 1
    finally:
        executor.shutdown()
        provider_process._reset_for_tests()


@pytest.mark.parametrize(("value", "workers"), [("", 256), ("4", 4), ("64", 64), ("0", 256), ("many", 256)])
def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, workers: int) -> None:
    monkeypatch.setenv(provider_process.WORKERS_ENV, value)
    assert provider_process.configured_workers() == workers


def test_a_wait_ends_with_a_resumable_error_once_the_process_is_told_to_stop() -> None:
    from pulumi_bedrock_inference.providers.errors import NotStabilizedError
    from pulumi_bedrock_inference.providers.waiter import Waiter, wait

    waiter = Waiter(kind="thing", status=lambda r: r["status"], target=frozenset({"Up"}), pending=frozenset({"Starting"}), delay=1)
    polls: list[int] = []
    lines: list[str] = []

    def describe() -> dict[str, str]:
        polls.append(1)
        if len(polls) == 2:
            provider_process.stop_requested.set()
        return {"status": "Starting"}

    try:
        with pytest.raises(NotStabilizedError) as raised:
            wait(waiter, describe, name="t", timeout=3600, timeout_hint="Run `pulumi up` again to resume.",
                 clock=Clock(sleep=lambda seconds: None), log=lines.append)
    finally:
        provider_process.stop_requested.clear()
    assert len(polls) == 2
    assert raised.value.code == "Interrupted"
    assert "told to stop" in str(raised.value) and str(raised.value).endswith("Run `pulumi up` again to resume.")
    assert lines[-1] == str(raised.value)


def test_cancel_of_a_grpc_server_on_the_executor_sets_the_stop_signal() -> None:
    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import provider_pb2_grpc

    executor = ThreadPoolExecutor(max_workers=4)
    server = grpc.server(executor)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(provider_pb2_grpc.ResourceProviderServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        assert provider_process.answer_cancel(executor) is True
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            with pytest.raises(grpc.RpcError):  # the base servicer answers UNIMPLEMENTED, as before
                provider_pb2_grpc.ResourceProviderStub(channel).Cancel(empty_pb2.Empty(), timeout=HANG_GUARD)
        assert provider_process.stop_requested.is_set()
        assert provider_process.answer_cancel(ThreadPoolExecutor(max_workers=1)) is False
    finally:
        server.stop(0)
        provider_process.stop_requested.clear()


def test_when_internals_change_the_process_keeps_the_sdk_behaviour_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def changed(*args: object) -> None:
        raise AttributeError("'ThreadPoolExecutor' object has no attribute '_max_workers'")

    monkeypatch.setattr(provider_process, "in_provider_process", lambda: True)
    monkeypatch.setattr(provider_process, "raise_worker_limit", changed)
    monkeypatch.setattr(provider_process, "answer_cancel", changed)
    monkeypatch.setattr(provider_process, "_watch_for_shutdown", lambda: True)
    provider_process._reset_for_tests()
    executor = ThreadPoolExecutor(max_workers=4)
    try:
        executor.submit(provider_process.serve_concurrently).result(timeout=HANG_GUARD)
        provider_process.serve_concurrently()  # no-op: once per process
    finally:
        executor.shutdown()
        provider_process._reset_for_tests()
    assert executor._max_workers == 4
    err = capsys.readouterr().err
    assert "cannot raise the gRPC worker limit" in err and "long waits share the SDK's 4 workers" in err
    assert "cannot hook Cancel" in err and err.count("pulumi-bedrock-inference:") == 2
