"""The Bedrock emulator in its own process, so that what a benchmark times in its own process is
the client side only (an in-process emulator's server threads would share its GIL)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator


@contextlib.contextmanager
def emulator_process() -> Iterator[BedrockEmulator]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_bedrock_inference.testing.emulator", "--duration", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        yield BedrockEmulator.connect(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)
