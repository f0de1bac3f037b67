"""Why the providers cache boto3 clients per process: cost of a provider `read` with the cached
client versus building a new client per call (what a naive provider does), side by side in one
run against the local emulator. Prints a table; run with `.venv/bin/python benchmarks/client_cache.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _report  # noqa: E402

from pulumi_bedrock_inference.providers import client as aws_client  # noqa: E402
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider  # noqa: E402
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator  # noqa: E402

ROUNDS = 5
CALLS = 40


def measure(label: str, call: Callable[[], object]) -> tuple[str, float, float]:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            call()
        timings.append((time.perf_counter() - start) / CALLS * 1000)
    tracemalloc.start()
    for _ in range(5):
        call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return label, statistics.median(timings), peak / 1024


def main() -> None:
    _report.header("Cached boto3 client vs a new client per call", f"{ROUNDS} rounds of {CALLS} provider reads, in process")
    with BedrockEmulator(durations=0) as emulator:
        os.environ.update(emulator.environment("us-east-1"))
        provider = ApplicationInferenceProfileProvider()
        checked = provider.check({}, {"name": "bench", "model_source": {"copy_from": "amazon.nova-pro-v1:0"}, "region": "us-east-1"})
        created = provider.create(checked.inputs)

        def cached() -> object:
            return provider.read(created.id, created.outs)

        def fresh() -> object:
            aws_client.clear_cache()
            return provider.read(created.id, created.outs)

        rows = [measure("cached client (this provider)", cached), measure("new client per call", fresh)]
    base = rows[0][1]
    print(f"{'provider read (Get + ListTags)':34} {'median ms/call':>15} {'ratio':>7} {'peak KiB':>9}")
    for label, ms, kib in rows:
        print(f"{label:34} {ms:15.2f} {ms / base:7.2f} {kib:9.0f}")
    print()


if __name__ == "__main__":
    main()
