"""``python -m pulumi_bedrock_inference.testing.emulator --port N``: run the emulator.

Prints the endpoint (``http://127.0.0.1:N``) as the first stdout line, serves until SIGINT
or SIGTERM, then exits 0.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from .clock import Durations
from .models import emulator_runtime
from .server import EmulatorServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_bedrock_inference.testing.emulator",
        description="Local emulator of the Amazon Bedrock control plane (REST-JSON, boto3-compatible).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default 0)")
    parser.add_argument(
        "--duration", type=float, metavar="SECONDS", help="seconds every life-cycle transition takes (default 3)"
    )
    parser.add_argument(
        "--durations", metavar="JSON", help='per-transition seconds, e.g. \'{"provisioned_throughput_create": 60}\''
    )
    parser.add_argument(
        "--throttle", metavar="JSON", help='requests per second per operation, e.g. \'{"CreateInferenceProfile": 5}\''
    )
    parser.add_argument("--error-rate", type=float, default=0.0, help="fraction of requests answered with HTTP 500")
    parser.add_argument("--error-seed", type=int, default=0, help="seed of the --error-rate sequence (default 0)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request (default 0)")
    parser.add_argument(
        "--fail-next",
        action="append",
        default=[],
        metavar="OPERATION[=MESSAGE]",
        help="make the next OPERATION's resource end failed (repeatable), e.g. CreateProvisionedModelThroughput",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    durations = Durations.uniform(args.duration) if args.duration is not None else Durations()
    if args.durations:
        durations.update(json.loads(args.durations))
    emulator_runtime.reset(durations)
    for spec in args.fail_next:
        operation, _, message = spec.partition("=")
        if message:
            emulator_runtime.fail_next(operation, message)
        else:
            emulator_runtime.fail_next(operation)

    server = EmulatorServer(args.host, args.port)
    if args.throttle:
        server.app.faults.throttle(json.loads(args.throttle))
    if args.error_rate:
        server.app.faults.inject_errors(args.error_rate, args.error_seed)
    if args.latency:
        server.app.faults.set_latency(args.latency)

    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    print(server.start(), flush=True)
    while not stopping.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
