"""What importing the library costs a Pulumi program: ``import pulumi`` alone versus ``import pulumi``
followed by ``import pulumi_bedrock_inference.providers`` (and ``.components``), each timed inside a
fresh interpreter, runs interleaved so machine load hits every case alike. The program process never
calls AWS, so boto3 and botocore must not be imported there (the provider process imports them on
first use; the last row shows that cost for comparison).

Run: ``python benchmarks/import_time.py [--runs N]``. Goal (issue 10): providers ≤ 50 ms over ``import pulumi``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys

BASELINE = "import pulumi"
CASES = {
    "import pulumi": [],
    "+ pulumi_bedrock_inference.providers": ["pulumi_bedrock_inference.providers"],
    "+ pulumi_bedrock_inference.components": ["pulumi_bedrock_inference.components"],
    "+ providers + boto3 (provider process, first use)": ["pulumi_bedrock_inference.providers", "boto3", "botocore.session"],
}
PROBE = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import pulumi
for name in sys.argv[1:]:
    __import__(name)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall * 1000, "cpu": cpu * 1000, "aws_sdk": sorted({m.split(".")[0] for m in sys.modules} & {"boto3", "botocore"})}))
"""


def run_once(modules: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def header(runs: int) -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    packages = ", ".join(f"{name} {version(name)}" for name in ("pulumi-bedrock-inference", "pulumi", "boto3", "botocore", "google-re2"))
    return "\n".join([
        f"# import time: {runs} fresh interpreters per row, runs interleaved; time measured inside the interpreter",
        f"# machine: {platform.node()} {platform.machine()} {cpu_model()}, {os.cpu_count()} CPUs; load average {load}",
        f"# python {platform.python_version()} ({sys.executable}); {packages}",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="fresh interpreters per row (default 30)")
    runs = parser.parse_args().runs
    print(header(runs))
    for modules in CASES.values():  # warm the file system cache and .pyc files; not counted
        run_once(modules)
    wall: dict[str, list[float]] = {label: [] for label in CASES}
    cpu: dict[str, list[float]] = {label: [] for label in CASES}
    sdk: dict[str, set[str]] = {label: set() for label in CASES}
    for _ in range(runs):
        for label, modules in CASES.items():
            result = run_once(modules)
            wall[label].append(result["wall"])
            cpu[label].append(result["cpu"])
            sdk[label].update(result["aws_sdk"])
    base_wall, base_cpu = statistics.median(wall[BASELINE]), statistics.median(cpu[BASELINE])
    print(
        f"{'case':46} {'wall median':>11} {'min':>6} {'max':>6} {'over':>6} {'ratio':>5}"
        f" {'CPU median':>10} {'min':>6} {'max':>6} {'over':>6} {'ratio':>5}  boto3/botocore imported"
    )
    for label in CASES:
        w, c = statistics.median(wall[label]), statistics.median(cpu[label])
        print(
            f"{label:46} {w:11.1f} {min(wall[label]):6.1f} {max(wall[label]):6.1f} {w - base_wall:+6.1f} {w / base_wall:5.2f}"
            f" {c:10.1f} {min(cpu[label]):6.1f} {max(cpu[label]):6.1f} {c - base_cpu:+6.1f} {c / base_cpu:5.2f}"
            f"  {', '.join(sorted(sdk[label])) or 'no'}"
        )
    print("# ms; 'over' and 'ratio' compare medians with 'import pulumi'. On a loaded machine CPU time is the steadier measure.")
    print(f"# goal: providers at most 50 ms over {BASELINE!r}")


if __name__ == "__main__":
    main()
