"""What the real Pulumi engine costs around this package's resources: `pulumi preview` and
`pulumi up` of N application inference profiles against the emulator (transitions at zero, the
emulator in its own process), side by side in one run with N no-op dynamic resources
(``_noop_provider.py``: create returns at once, no AWS call). The ratio is the package's cost over
the engine's own per-resource cost (Check, Diff, Create through the dynamic-provider process, the
state written after every step). Goal: preview and up each at most 1.3x the no-op program.

Also: how long the dynamic-provider process takes to start (``python -u -m pulumi.dynamic`` until
it prints its port), which every preview and up pays once.

    .venv/bin/python benchmarks/engine_overhead.py [--sizes 50 200] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _report  # noqa: E402
from _emulator_process import emulator_process  # noqa: E402

from pulumi_bedrock_inference.testing.stack import emulator_stack  # noqa: E402

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def profiles(count: int) -> Callable[[], None]:
    def program() -> None:
        from pulumi_bedrock_inference.providers import ApplicationInferenceProfile

        for i in range(count):
            ApplicationInferenceProfile(f"tenant-{i}", model_source={"copy_from": MODEL}, tags={"tenant": f"t{i}"})

    return program


def noops(count: int) -> Callable[[], None]:
    def program() -> None:
        from _noop_provider import NoOp

        for i in range(count):
            NoOp(f"tenant-{i}", value=f"t{i}")

    return program


def timed(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def run_program(program: Callable[[], None], emulator: object, project: str) -> tuple[float, float]:
    # A project name of its own per run: the same autonames and client tokens as an earlier run's
    # deleted profiles would be answered with those (EC2's token reading) and created again.
    with emulator_stack(program, emulator, project=project) as stack:  # type: ignore[arg-type]
        preview = timed(stack.preview)
        up = timed(stack.up)
        stack.destroy()
    return preview, up


def provider_start_seconds(samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.dynamic"], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        process.stdout.readline()
        times.append(time.perf_counter() - start)
        process.terminate()
        process.wait(timeout=10)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    _report.header("Real engine overhead: application inference profiles against no-op dynamic resources",
                   f"sizes {args.sizes}, {args.repeat} run(s) each, emulator in its own process, transitions 0 s, "
                   "pulumi preview then up then destroy per program, through the Automation API")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    rows = []
    with emulator_process() as emulator:
        run_program(noops(1), emulator, "warm-up")  # warm-up: first CLI start, plugin discovery, imports
        for size in args.sizes:
            measured: dict[str, list[tuple[float, float]]] = {"no-op": [], "profiles": []}
            for repetition in range(args.repeat):
                order = [("no-op", noops(size)), ("profiles", profiles(size))]
                for label, program in order if repetition % 2 == 0 else reversed(order):
                    measured[label].append(run_program(program, emulator, f"overhead-{size}-{label}-{repetition}"))
            counts = emulator.counts()
            emulator.reset_log()
            base_preview = statistics.median(p for p, _ in measured["no-op"])
            base_up = statistics.median(u for _, u in measured["no-op"])
            preview = statistics.median(p for p, _ in measured["profiles"])
            up = statistics.median(u for _, u in measured["profiles"])
            rows.append([size, f"{base_preview:.1f}", f"{preview:.1f}", f"{preview / base_preview:.2f}x",
                         f"{base_up:.1f}", f"{up:.1f}", f"{up / base_up:.2f}x",
                         ", ".join(f"{op} {n / (size * args.repeat):g}" for op, n in sorted(counts.items()))])
    _report.table(["resources", "preview no-op s", "preview profiles s", "ratio", "up no-op s", "up profiles s", "ratio",
                   "AWS calls per profile (up + destroy)"],
                  rows)
    starts = provider_start_seconds(5)
    print(f"dynamic-provider process start (python -u -m pulumi.dynamic until it prints its port), 5 runs: "
          f"{_report.spread(starts)} s")


if __name__ == "__main__":
    main()
