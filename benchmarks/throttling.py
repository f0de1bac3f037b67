"""Do throttling and 5xx fail operations that time would let through? N profiles created, then
destroyed, through one real `python -m pulumi.dynamic` process by C concurrent callers, against
the emulator throttling every operation to R requests/s, and separately answering a fraction of
requests with InternalServerException. This library's retry policy ("after") next to botocore's
standard mode with its shared retry quota ("before", the policy patched out at process start),
side by side in one run.

    .venv/bin/python benchmarks/throttling.py [--profiles 60] [--callers 8] [--rate 5] [--errors 0.25]
    .venv/bin/python benchmarks/throttling.py --profiles 500 --callers 16      # the issue's size

Goal (issue 10): 500 profiles up and destroy with 8–16 callers at 5 requests/s and at 25% 5xx,
with 0 failures and at least 95% of the throttle rate achieved.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _report  # noqa: E402

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider  # noqa: E402
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator  # noqa: E402
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, ProviderError, with_provider  # noqa: E402

REGION = "us-east-1"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
URN = "urn:pulumi:bench::bench::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::p{}"
BEFORE_SHIM = (
    "import pulumi_bedrock_inference.providers.client as client\n"
    "client.install_time_bounded_retries = lambda *args: False  # botocore's standard mode, as before\n"
)


def phase(engine: DynamicProviderProcess, callers: int, calls: list[tuple[str, tuple[Any, ...]]]) -> tuple[list[Any], int]:
    def call(method: str, args: tuple[Any, ...]) -> Any:
        try:
            return getattr(engine, method)(*args)
        except ProviderError as error:
            return error

    with ThreadPoolExecutor(max_workers=callers) as pool:
        results = list(pool.map(lambda item: call(*item), calls))
    return results, sum(isinstance(r, ProviderError) for r in results)


def achieved(requests: list[dict[str, Any]]) -> tuple[float, int, int]:
    """Requests/s that got through (not throttled), over the span of the log; throttled; 5xx."""
    passed = [r for r in requests if r["status"] != 429]
    times = [datetime.fromisoformat(r["time"]).timestamp() for r in requests]
    span = max(times) - min(times) if len(times) > 1 else 1.0
    return len(passed) / span, sum(r["status"] == 429 for r in requests), sum(r["status"] >= 500 for r in requests)


def scenario(label: str, policy: str, shim_dir: str | None, emulator: BedrockEmulator, args: argparse.Namespace,
             fault: str) -> list[list[Any]]:
    emulator.reset(durations=0)
    env = dict(os.environ)
    if shim_dir:
        env["PYTHONPATH"] = os.pathsep.join([shim_dir, env.get("PYTHONPATH", "")])
    rows = []
    with DynamicProviderProcess(env=env, project="bench", call_timeout=None) as engine:
        engine.configure({"aws:region": REGION})
        checked = [engine.check(URN.format(i), {}, with_provider(
            {"name": f"p{i}", "region": REGION, "model_source": {"copy_from": MODEL}}, ApplicationInferenceProfileProvider())).inputs
            for i in range(args.profiles)]
        if fault == "throttle":
            emulator.throttle({"*": args.rate})
        else:
            emulator.inject_errors(args.errors, seed=1)
        for step in ("up", "destroy"):
            emulator.reset_log()
            start = time.perf_counter()
            if step == "up":
                created, failures = phase(engine, args.callers, [("create", (URN.format(i), p)) for i, p in enumerate(checked)])
            else:
                done = [(i, r) for i, r in enumerate(created) if not isinstance(r, ProviderError)]
                _, failures = phase(engine, args.callers, [("delete", (URN.format(i), r.id, r.outputs)) for i, r in done])
            elapsed = time.perf_counter() - start
            rate, throttled, errors = achieved(emulator.requests())
            share = f"{rate / args.rate * 100:.0f}%" if fault == "throttle" else "-"
            rows.append([f"{label}: {step}", policy, failures, f"{elapsed:.1f}", f"{rate:.2f}", share, throttled, errors])
        emulator.clear_faults()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=60, help="profiles created then destroyed (default 60; the issue: 500)")
    parser.add_argument("--callers", type=int, default=8, help="concurrent engine callers (default 8)")
    parser.add_argument("--rate", type=float, default=5.0, help="throttle, requests/s over all operations (default 5)")
    parser.add_argument("--errors", type=float, default=0.25, help="fraction of requests answered 500 (default 0.25)")
    parser.add_argument("--after-only", action="store_true", help="skip the 'before' runs")
    args = parser.parse_args()
    _report.header("Throttling and 5xx through one provider process",
                   f"{args.profiles} profiles, {args.callers} callers, throttle {args.rate}/s, {args.errors:.0%} injected 5xx")
    rows = []
    with BedrockEmulator(durations=0) as emulator, tempfile.TemporaryDirectory() as shim_dir:
        with open(os.path.join(shim_dir, "sitecustomize.py"), "w") as shim:
            shim.write(BEFORE_SHIM)
        os.environ.update(emulator.environment(REGION))
        policies = [("after: time-bounded, no shared quota", None)]
        if not args.after_only:
            policies.insert(0, ("before: botocore standard + quota", shim_dir))
        for fault, label in (("throttle", f"{args.rate:g} req/s"), ("errors", f"{args.errors:.0%} 5xx")):
            for policy, shim in policies:
                rows += scenario(label, policy, shim, emulator, args, fault)
    _report.table(["scenario", "retry policy", "failures", "seconds", "req/s through", "of throttle", "429s", "5xx"], rows)


if __name__ == "__main__":
    main()
