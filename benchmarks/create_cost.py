"""Does a create cost more than its AWS calls? Each ApplicationInferenceProfile operation run by
the provider in process against the emulator (in its own process), next to the same AWS calls made with bare boto3
(same cached client), interleaved; then provider CPU per create and peak RSS of the real
`python -m pulumi.dynamic` process after N creates.

    .venv/bin/python benchmarks/create_cost.py [--ops 40] [--rounds 3] [--resources 500]

Goals (issue 10): every operation ≤ 1.10× its bare boto3 calls; provider CPU ≤ 10 ms per create;
peak RSS of the provider process after 500 resources ≤ 100 MiB.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _report  # noqa: E402
from _emulator_process import emulator_process  # noqa: E402

from pulumi_bedrock_inference.providers.client import bedrock_client  # noqa: E402
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider  # noqa: E402
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator  # noqa: E402
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess, with_provider  # noqa: E402

REGION = "us-east-1"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
SYSTEM = f"us.{MODEL}"
URN = "urn:pulumi:bench::bench::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::p{}"


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def in_process(ops: int, rounds: int, emulator: BedrockEmulator) -> list[list[Any]]:
    provider = ApplicationInferenceProfileProvider()
    client = bedrock_client(REGION)
    medians: dict[str, list[tuple[float, float]]] = {}

    def record(op: str, ours: list[float], bare: list[float]) -> None:
        ours.sort(), bare.sort()
        medians.setdefault(op, []).append((ours[len(ours) // 2], bare[len(bare) // 2]))

    provider.create(provider.check({}, {"name": "warm", "region": REGION, "model_source": {"copy_from": SYSTEM}}).inputs)
    for round_ in range(rounds):
        emulator.reset(durations=0)
        times: dict[str, tuple[list[float], list[float]]] = {}
        created = []
        for source, op in ((MODEL, "create (foundation model)"), (SYSTEM, "create (system profile)")):
            ours, bare = times.setdefault(op, ([], []))
            for i in range(ops):
                inputs = provider.check({}, {"name": f"p{round_}-{op[8]}-{i}", "region": REGION, "model_source": {"copy_from": source}}).inputs
                ours.append(timed(lambda: created.append(provider.create(inputs))))
                arn = created[-1].outs["model_source"]["copy_from"]

                def bare_create(i: int = i, arn: str = arn) -> None:
                    made = client.create_inference_profile(inferenceProfileName=f"b{round_}-{op[8]}-{i}", modelSource={"copyFrom": arn})
                    client.get_inference_profile(inferenceProfileIdentifier=made["inferenceProfileArn"])

                bare.append(timed(bare_create))
        reads, bare_reads = times.setdefault("read (refresh)", ([], []))
        updates, bare_updates = times.setdefault("update (tags)", ([], []))
        deletes, bare_deletes = times.setdefault("delete", ([], []))
        for result in created:
            reads.append(timed(lambda: provider.read(result.id, result.outs)))
            bare_reads.append(timed(lambda: (client.get_inference_profile(inferenceProfileIdentifier=result.id),
                                             client.list_tags_for_resource(resourceARN=result.id))))
            news = {**result.outs, "tags": {"team": "ml"}}
            updates.append(timed(lambda: provider.update(result.id, result.outs, news)))
            bare_updates.append(timed(lambda: client.tag_resource(resourceARN=result.id, tags=[{"key": "team", "value": "ml"}])))
        bare_arns = [p["inferenceProfileArn"] for p in client.list_inference_profiles(typeEquals="APPLICATION", maxResults=1000)["inferenceProfileSummaries"]
                     if p["inferenceProfileName"].startswith("b")]
        for result, arn in zip(created, bare_arns):
            deletes.append(timed(lambda: provider.delete(result.id, result.outs)))
            bare_deletes.append(timed(lambda: client.delete_inference_profile(inferenceProfileIdentifier=arn)))
        for op, (ours, bare) in times.items():
            record(op, ours, bare)
    rows = []
    for op, pairs in medians.items():
        ours = [p[0] for p in pairs]
        bare = [p[1] for p in pairs]
        ratios = [p[0] / p[1] for p in pairs]
        rows.append([op, _report.spread(ours), _report.spread(bare), _report.spread(ratios)])
    return rows


def partition_lookup(ops: int) -> list[list[Any]]:
    """The piece removed from every create: a new boto3 Session to look up the partition."""
    import boto3

    client = bedrock_client(REGION)
    before = [timed(lambda: boto3.session.Session().get_partition_for_region(REGION)) for _ in range(ops)]
    after = [timed(lambda: client.meta.partition) for _ in range(ops)]
    return [["before: boto3.session.Session() per create", _report.spread(before)],
            ["after: client.meta.partition (resolved once per client)", _report.spread(after, 4)]]


def provider_process(resources: int, emulator: BedrockEmulator) -> list[list[Any]]:
    emulator.reset(durations=0)
    with DynamicProviderProcess(env=dict(os.environ), project="bench") as engine:
        engine.configure({"aws:region": REGION})
        checked = [engine.check(URN.format(i), {}, with_provider(
            {"name": f"p{i}", "region": REGION, "model_source": {"copy_from": MODEL if i % 2 else SYSTEM}},
            ApplicationInferenceProfileProvider())).inputs for i in range(resources)]
        engine.create(URN.format("warm"), {**checked[0], "name": "warm"})
        cpu_start, wall_start = _cpu_seconds(engine.pid), time.perf_counter()
        created = [engine.create(URN.format(i), props) for i, props in enumerate(checked)]
        cpu_create, wall_create = _cpu_seconds(engine.pid) - cpu_start, time.perf_counter() - wall_start
        peak_after_creates = _status_kib(engine.pid, "VmHWM")
        cpu_start = _cpu_seconds(engine.pid)
        for i, result in enumerate(created):
            engine.delete(URN.format(i), result.id, result.outputs)
        cpu_delete = _cpu_seconds(engine.pid) - cpu_start
        rows = [
            ["creates", resources, f"{wall_create / resources * 1000:.1f}", f"{cpu_create / resources * 1000:.1f}", "-"],
            ["deletes", resources, "-", f"{cpu_delete / resources * 1000:.1f}", "-"],
            [f"peak RSS after {resources} creates", "-", "-", "-", f"{peak_after_creates / 1024:.0f}"],
        ]
    return rows


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=40, help="operations per kind per round, in process (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds in process (default 3)")
    parser.add_argument("--resources", type=int, default=500, help="creates through the provider process (default 500)")
    args = parser.parse_args()
    _report.header("Create cost: provider operations against their bare boto3 calls",
                   f"ops={args.ops} x rounds={args.rounds} in process; {args.resources} creates through the provider process")
    with emulator_process() as emulator:
        os.environ.update(emulator.environment(REGION))
        _report.table(["operation (in process)", "provider ms, median (min–max of rounds)", "bare boto3 ms", "provider / bare"],
                      in_process(args.ops, args.rounds, emulator))
        _report.table(["partition lookup", "ms per create, median (min–max)"], partition_lookup(args.ops))
        _report.table(["provider process (python -m pulumi.dynamic)", "count", "wall ms/op", "provider CPU ms/op", "peak RSS MiB"],
                      provider_process(args.resources, emulator))


if __name__ == "__main__":
    main()
