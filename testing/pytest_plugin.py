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
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from .emulator import BedrockEmulator


@pytest.fixture(scope="session")
def bedrock_emulator_server() -> Iterator[BedrockEmulator]:
    from .emulator import BedrockEmulator

    emulator = BedrockEmulator(durations=0).start()
    names = ("AWS_ENDPOINT_URL_BEDROCK", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL_COST_EXPLORER", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_PROFILE")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(
        AWS_ENDPOINT_URL_BEDROCK=emulator.endpoint, AWS_ENDPOINT_URL_BEDROCK_RUNTIME=emulator.endpoint,
        AWS_ENDPOINT_URL_COST_EXPLORER=emulator.endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"
    )
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
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
