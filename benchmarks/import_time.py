"""What importing the library costs a Pulumi program: ``import pulumi`` alone versus ``import pulumi``
followed by ``import pulumi_bedrock_inference.providers`` (and ``.components``), each timed inside a
fresh interpreter, runs interleaved so machine load hits every case alike. The program process never
calls AWS, so boto3 and botocore must not be imported there (the provider process imports them on
first use; the last row shows that cost for comparison).

Run: ``python benchmarks/import_time.py [--runs N] [--compare-ref GIT_REF]``. Goal (issue 10): providers ≤ 50 ms over ``import pulumi``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402

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


def run_once(modules: list[str], pythonpath: str | None = None) -> dict:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    # run outside the repository: `python -c` puts the working directory first on sys.path
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, check=True, env=env, cwd=tempfile.gettempdir())
    return json.loads(done.stdout)


def source_tree_at(ref: str, into: Path) -> str:
    """The package as of git ``ref``, laid out for PYTHONPATH (ahead of the installed one)."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(repo), "archive", ref], capture_output=True, check=True).stdout
    tree = into / "tree"
    tree.mkdir()
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    package = into / "path" / "pulumi_bedrock_inference"
    shutil.copytree(tree / "pulumi_bedrock_inference", package)
    for sub in ("providers", "components", "testing"):
        if (tree / sub).is_dir():
            shutil.copytree(tree / sub, package / sub)
    return str(into / "path")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="fresh interpreters per row (default 30)")
    parser.add_argument("--compare-ref", help="also time the providers as of this git ref (e.g. the commit before a change)")
    options = parser.parse_args()
    runs = options.runs
    _report.header(
        "Import time of the library in a Pulumi program",
        f"{runs} fresh interpreters per row, runs interleaved; time measured inside the interpreter",
    )
    cases: dict[str, tuple[list[str], str | None]] = {label: (modules, None) for label, modules in CASES.items()}
    scratch = tempfile.TemporaryDirectory()
    if options.compare_ref:
        old = source_tree_at(options.compare_ref, Path(scratch.name))
        cases[f"+ providers as of {options.compare_ref}"] = (["pulumi_bedrock_inference.providers"], old)
    for modules, path in cases.values():  # warm the file system cache and .pyc files; not counted
        run_once(modules, path)
    wall: dict[str, list[float]] = {label: [] for label in cases}
    cpu: dict[str, list[float]] = {label: [] for label in cases}
    sdk: dict[str, set[str]] = {label: set() for label in cases}
    for _ in range(runs):
        for label, (modules, path) in cases.items():
            result = run_once(modules, path)
            wall[label].append(result["wall"])
            cpu[label].append(result["cpu"])
            sdk[label].update(result["aws_sdk"])
    base_wall, base_cpu = statistics.median(wall[BASELINE]), statistics.median(cpu[BASELINE])
    print(
        f"{'case':50} {'wall median':>11} {'min':>6} {'max':>6} {'over':>6} {'ratio':>5}"
        f" {'CPU median':>10} {'min':>6} {'max':>6} {'over':>6} {'ratio':>5}  boto3/botocore imported"
    )
    for label in cases:
        w, c = statistics.median(wall[label]), statistics.median(cpu[label])
        print(
            f"{label:50} {w:11.1f} {min(wall[label]):6.1f} {max(wall[label]):6.1f} {w - base_wall:+6.1f} {w / base_wall:5.2f}"
            f" {c:10.1f} {min(cpu[label]):6.1f} {max(cpu[label]):6.1f} {c - base_cpu:+6.1f} {c / base_cpu:5.2f}"
            f"  {', '.join(sorted(sdk[label])) or 'no'}"
        )
    print("# ms; 'over' and 'ratio' compare medians with 'import pulumi'. On a loaded machine CPU time is the steadier measure.")
    print(f"# goal: providers at most 50 ms over {BASELINE!r}")
    scratch.cleanup()


if __name__ == "__main__":
    main()
