"""pytest plugin: a session-wide local Bedrock emulator.

Fixtures (registered through the ``pytest11`` entry point, so any project with this package
installed gets them; nothing starts unless a test requests one):

``bedrock_emulator_server`` (session)
    Starts one in-process emulator for the session, sets ``AWS_ENDPOINT_URL_BEDROCK``,
    ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` and ``AWS_ENDPOINT_URL_COST_EXPLORER``, fake
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (``testing``), drops
    ``AWS_SESSION_TOKEN``/``AWS_PROFILE``, sets ``AWS_DEFAULT_REGION=us-east-1`` unless already
    set, and restores the environment afterwards. Yields a
    :class:`~pulumi_bedrock_inference.testing.emulator.BedrockEmulator`.

``bedrock_emulator`` (function)
    The same emulator, reset before the test: no resources, clock at wall time, no faults,
    empty request log, no identity policy, round-robin routing, no tag key seen by billing and
    **zero transition durations** (creates and updates complete immediately, a tag key on a resource
    is seen by billing at once; call ``set_durations`` to test in-between states).

``bedrock_stack`` (function)
    A factory of Pulumi stacks on that emulator, run by the real Pulumi engine through the
    Automation API: ``bedrock_stack(program, project=..., config=...)`` returns a
    :class:`pulumi.automation.Stack` (see :func:`~pulumi_bedrock_inference.testing.stack.emulator_stack`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pulumi import automation as auto

    from .emulator import BedrockEmulator


@pytest.fixture(scope="session")
def bedrock_emulator_server() -> Iterator[BedrockEmulator]:
    from .emulator import BedrockEmulator

    emulator = BedrockEmulator(durations=0).start()
    environment = emulator.environment()
    region = environment.pop("AWS_DEFAULT_REGION")  # a region already set is kept
    dropped = ("AWS_SESSION_TOKEN", "AWS_PROFILE")
    saved = {name: os.environ.get(name) for name in (*environment, "AWS_DEFAULT_REGION", *dropped)}
    for name in dropped:
        os.environ.pop(name, None)
    os.environ.update(environment)
    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    try:
        yield emulator
    finally:
        emulator.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def bedrock_emulator(bedrock_emulator_server: BedrockEmulator) -> Iterator[BedrockEmulator]:
    bedrock_emulator_server.reset(durations=0)
    yield bedrock_emulator_server


@pytest.fixture
def bedrock_stack(bedrock_emulator: BedrockEmulator) -> Iterator[Callable[..., auto.Stack]]:
    """Factory: ``bedrock_stack(program, **options)`` gives a :class:`pulumi.automation.Stack` of
    ``program`` on the fresh emulator, run by the real Pulumi engine (``pulumi`` on PATH, 3.221 or
    newer) in a sealed temporary backend; ``options`` are those of
    :func:`~pulumi_bedrock_inference.testing.stack.emulator_stack`. Stacks are removed, with their
    state, when the test ends (resources left in the emulator are not destroyed)."""
    from .stack import emulator_stack

    with ExitStack() as stacks:
        yield lambda program, **options: stacks.enter_context(emulator_stack(program, bedrock_emulator, **options))
