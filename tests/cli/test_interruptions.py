"""Interrupted ``pulumi up`` under the real engine (issue 14, 3f), during a create's wait:

- SIGINT (Ctrl-C) to the CLI: the engine calls the provider's Cancel, the wait ends at once (in
  its sleep between polls, without another poll) with the resumable message (the resource keeps
  existing in AWS; the next ``pulumi up`` resumes it), the resource is left alone, and the next
  ``up`` finishes on that same resource: no duplicate.
- SIGKILL of the CLI: the stack stays locked and holds a pending create; ``pulumi cancel`` removes
  the lock, the next ``up`` warns about the pending operation and resumes the same resource, and
  ``pulumi refresh --clear-pending-creates`` clears the pending operation: one resource in the end.
"""

from __future__ import annotations

import gc
import inspect
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto
from pulumi.runtime.stack import run_in_stack

from pulumi_bedrock_inference.providers import CustomModelDeployment, ProvisionedModelThroughput
from pulumi_bedrock_inference.providers import custom_model_deployment, provisioned_throughput
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

from .commands import live_resources, run_pulumi

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
WAIT = 600.0
"""Seconds (emulator clock) a create takes: long enough that the CLI is stopped mid-wait."""
HANG_GUARD = 60.0
"""Seconds a test waits for an interrupted run to end before it fails as hung."""


@pytest.fixture(autouse=True)
def close_cut_off_programs() -> Iterator[None]:
    """A program cut off by a killed CLI leaves its coroutine (the SDK's ``run_in_stack``) suspended
    in this process, waiting for RPCs of an engine that is gone. Close it when the test ends: left
    to the garbage collector, its cleanup runs whenever a collection happens, e.g. in the middle of
    a later test's ``compile()``, where CPython 3.11 then fails with "SystemError: AST constructor
    recursion depth mismatch"."""
    yield
    deadline = time.monotonic() + 30
    for coroutine in [o for o in gc.get_objects() if inspect.iscoroutine(o) and o.cr_code is run_in_stack.__code__]:
        while coroutine.cr_running and time.monotonic() < deadline:
            time.sleep(0.1)
        try:
            coroutine.close()
        except RuntimeError:
            pass  # its cleanup wants the event loop that the cut-off run left behind


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, executable) of every process this user can read."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            table[int(entry.name)] = (parent, os.readlink(entry / "exe"))
        except OSError:
            continue
    return table


def descendants(pid: int) -> list[int]:
    table, found, frontier = processes(), [], [pid]
    while frontier:
        pid = frontier.pop()
        children = [child for child, (parent, _) in table.items() if parent == pid]
        found += children
        frontier += children
    return found


@contextmanager
def up_in_background(stack: auto.Stack) -> Iterator[tuple[dict[str, Any], Callable[[], int]]]:
    """Run ``stack.up()`` in a thread; yield its outcome (``result`` or ``error`` once it ends) and a
    function that finds the ``pulumi`` CLI process it started."""
    cli = os.path.realpath(shutil.which("pulumi") or "pulumi")
    outcome: dict[str, Any] = {}

    def up() -> None:
        try:
            outcome["result"] = stack.up()
        except auto.CommandError as error:
            outcome["error"] = error

    def cli_process() -> int:
        found = [pid for pid, (parent, exe) in processes().items() if parent == os.getpid() and exe == cli]
        assert len(found) == 1, found
        return found[0]

    thread = threading.Thread(target=up, daemon=True)
    thread.start()
    try:
        yield outcome, cli_process
    finally:
        thread.join(120)
        assert not thread.is_alive()


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def resource(kind: str, emulator: BedrockEmulator) -> tuple[Callable[[], None], str, str, float]:
    """A program with one resource of ``kind`` whose create waits; its live-resource key, Get
    operation and the create wait's first sleep between polls (seconds)."""
    if kind == "throughput":
        emulator.set_durations(provisioned_throughput_create=WAIT)

        def program() -> None:
            pulumi.export("arn", ProvisionedModelThroughput("pt", model_arn=HAIKU, model_units=1).provisioned_model_arn)

        return program, "throughput", "GetProvisionedModelThroughput", provisioned_throughput.CREATED.delay
    custom_model = emulator.seed_custom_model("tuned", HAIKU)
    emulator.set_durations(custom_model_deployment_create=WAIT)

    def program() -> None:
        pulumi.export("arn", CustomModelDeployment("tuned", model_arn=custom_model).arn)

    return program, "deployment", "GetCustomModelDeployment", custom_model_deployment.CREATED.delay


def stopped_after(message: str) -> int:
    """Seconds of waiting that the Interrupted message reports (the provider's own measure)."""
    found = re.search(r"stopped after (?:(\d+)h)?(?:(\d+)m)?(\d+)s:", message)
    assert found, message
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return 3600 * hours + 60 * minutes + seconds


@pytest.mark.parametrize("kind", ["throughput", "deployment"])
def test_ctrl_c_during_a_create_wait_resumes_without_a_duplicate(bedrock_emulator: BedrockEmulator, kind: str) -> None:
    program, live_key, get, first_sleep = resource(kind, bedrock_emulator)
    with emulator_stack(program, bedrock_emulator) as stack:
        with up_in_background(stack) as (outcome, cli_process):
            wait_for(lambda: bedrock_emulator.count(get) >= 1)  # the create was sent; the wait polls
            polls = bedrock_emulator.count(get)
            os.kill(cli_process(), signal.SIGINT)
            wait_for(lambda: bool(outcome), HANG_GUARD)
        [(name, arn)] = live_resources(bedrock_emulator)[live_key]
        message = str(outcome["error"])
        assert f'"{name}"' in message and "Interrupted: stopped after" in message
        assert f"{arn} keeps existing" in message and "Run `pulumi up` again" in message
        assert "was deleted" not in message
        # Ctrl-C ended the wait without another poll, and inside the sleep after the first poll: a
        # sleep that ran its course would report at least that sleep (the stop is checked before each
        # poll, so the poll count alone cannot tell the two apart).
        assert bedrock_emulator.count(get) == polls
        assert stopped_after(message) < first_sleep
        assert "pending_operations" not in stack.export_stack().deployment  # a failed create: nothing recorded

        bedrock_emulator.advance(WAIT)
        resumed = stack.up()

        assert resumed.summary.resource_changes == {"create": 1, "same": 1}  # the stack was created
        assert resumed.outputs["arn"].value == arn
        assert live_resources(bedrock_emulator)[live_key] == [(name, arn)]


def test_sigkill_during_a_create_wait_then_cancel_up_and_clear_pending_creates(bedrock_emulator: BedrockEmulator) -> None:
    program, live_key, get, _ = resource("throughput", bedrock_emulator)
    with emulator_stack(program, bedrock_emulator) as stack:
        with up_in_background(stack) as (outcome, cli_process):
            wait_for(lambda: bedrock_emulator.count(get) >= 1)
            cli = cli_process()
            orphans = descendants(cli)  # the provider process outlives a killed CLI, polling on
            os.kill(cli, signal.SIGKILL)
            wait_for(lambda: bool(outcome))
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        [(name, arn)] = live_resources(bedrock_emulator)[live_key]
        pending = stack.export_stack().deployment["pending_operations"]
        assert [(op["type"], op["resource"]["inputs"]["provisioned_model_name"]) for op in pending] == [("creating", name)]

        with pytest.raises(auto.CommandError) as locked:
            stack.up()
        assert "the stack is currently locked by 1 lock(s)" in str(locked.value)
        assert "`pulumi cancel`" in str(locked.value)

        run_pulumi(stack, "cancel", "--yes")
        bedrock_emulator.advance(WAIT)
        warnings: list[str] = []
        resumed = stack.up(on_output=warnings.append)

        assert "Attempting to deploy or update resources with 1 pending operations from previous deployment" in "".join(warnings)
        assert resumed.summary.resource_changes == {"create": 1, "same": 1}
        assert resumed.outputs["arn"].value == arn
        assert live_resources(bedrock_emulator)[live_key] == [(name, arn)]

        # The engine keeps the pending create after the resuming up, until refresh clears it.
        assert [op["type"] for op in stack.export_stack().deployment["pending_operations"]] == ["creating"]
        run_pulumi(stack, "refresh", "--clear-pending-creates", "--yes")
        assert stack.export_stack().deployment.get("pending_operations", []) == []
        assert stack.up().summary.resource_changes == {"same": 2}
        assert live_resources(bedrock_emulator)[live_key] == [(name, arn)]
