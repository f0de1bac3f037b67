"""Do long waits serialize a deployment? N concurrent creates that each wait W seconds, and the
latency of an unrelated Check while they are in flight, through the real `python -m pulumi.dynamic`
process: the SDK's 4 gRPC workers ("before", PULUMI_BEDROCK_INFERENCE_PROVIDER_WORKERS=4) and this
library's raised limit ("after"), side by side in one run.

    .venv/bin/python benchmarks/concurrent_waits.py [--seconds 1] [--counts 1,4,8,16] [--rounds 3]

Goal (issue 10): 16 creates of a W wait finish in at most 1.2 W; a Check answers within 20 ms
while 16 waits are in flight.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _report  # noqa: E402
from _timed_wait import TimedWaitProvider  # noqa: E402

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider  # noqa: E402
from pulumi_bedrock_inference.providers.provider_process import WORKERS_ENV  # noqa: E402
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, with_provider  # noqa: E402

WAIT_URN = "urn:pulumi:bench::bench::pulumi-python:dynamic:TimedWait::w{}"
PROFILE_URN = "urn:pulumi:bench::bench::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat"
PROFILE = with_provider(
    {"name": "chat", "region": "us-east-1", "model_source": {"copy_from": "anthropic.claude-3-haiku-20240307-v1:0"}},
    ApplicationInferenceProfileProvider(),
)
MODES = (("before: SDK's 4 workers", "4"), ("after: raised limit", ""))


def timed_check(engine: DynamicProviderProcess) -> float:
    start = time.perf_counter()
    engine.check(PROFILE_URN, {}, PROFILE)
    return (time.perf_counter() - start) * 1000


def run(engine: DynamicProviderProcess, count: int, seconds: float, checks: int) -> tuple[float, list[float]]:
    """Wall time of ``count`` concurrent creates, and Check latencies (ms) while they are in flight."""
    props = with_provider({"seconds": seconds}, TimedWaitProvider())
    with ThreadPoolExecutor(max_workers=count) as pool:
        start = time.perf_counter()
        futures = [pool.submit(engine.create, WAIT_URN.format(i), props) for i in range(count)]
        latencies = []
        for _ in range(checks):
            time.sleep(seconds / (checks + 2))
            if not all(f.done() for f in futures):
                latencies.append(timed_check(engine))
        for future in futures:
            future.result()
        wall = time.perf_counter() - start
    return wall, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="W: how long each create waits (default 1)")
    parser.add_argument("--counts", default="1,4,8,16", help="numbers of concurrent creates (default 1,4,8,16)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per cell (default 3)")
    parser.add_argument("--checks", type=int, default=3, help="Checks timed per round while waits are in flight (default 3)")
    args = parser.parse_args()
    counts = [int(n) for n in args.counts.split(",")]

    _report.header("Concurrent waits through the real provider process", f"W={args.seconds}s, N={args.counts}, rounds={args.rounds}")
    rows = []
    walls: dict[tuple[str, int], float] = {}
    for label, workers in MODES:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(os.path.abspath(__file__)), os.environ.get("PYTHONPATH", "")])}
        env[WORKERS_ENV] = workers
        with DynamicProviderProcess(env=env, project="bench", call_timeout=None) as engine:
            engine.configure({"aws:region": "us-east-1"})
            run(engine, 1, 0.01, 0)  # warm up: load the providers, raise the limit
            idle = [timed_check(engine) for _ in range(10)]
            rows.append([label, "0 (idle)", "-", "-", _report.spread(idle, 1)])
            for count in counts:
                results = [run(engine, count, args.seconds, args.checks) for _ in range(args.rounds)]
                wall = [r[0] for r in results]
                latencies = [ms for r in results for ms in r[1]]
                walls[(label, count)] = sorted(wall)[len(wall) // 2]
                rows.append([label, count, _report.spread(wall), f"{walls[(label, count)] / args.seconds:.2f}", _report.spread(latencies, 1)])
    _report.table(["mode", "N creates", "wall s, median (min–max)", "wall / W", "Check ms in flight, median (min–max)"], rows)
    before, after = MODES[0][0], MODES[1][0]
    _report.table(
        ["N creates", "before / after wall"],
        [[count, f"{walls[(before, count)] / walls[(after, count)]:.2f}x"] for count in counts],
    )


if __name__ == "__main__":
    main()
