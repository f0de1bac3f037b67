"""`make up`: `pulumi up` of the repository's own stack (Pulumi.yaml: the quickstart example).

``TARGET`` picks where it goes:

- ``emulator`` (the default): the local Bedrock emulator shipped in this package. AWS settings of
  your environment (keys, profile, config files) are hidden from the run, so nothing reaches an
  AWS account even when credentials are at hand. With the Pulumi CLI installed: ``pulumi up`` of
  a throw-away stack in a temporary local backend, then ``pulumi destroy``. Without the CLI: the
  same program through this package's engine simulator (the real dynamic-provider process,
  driven over gRPC as the engine drives it): preview, up, up again, refresh and destroy.
- ``aws``: your AWS account, with your usual credentials and Pulumi backend: a normal interactive
  ``pulumi up`` of stack ``dev``, which shows the plan and asks before changing anything. Needs
  the Pulumi CLI.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "__main__.py"
TARGETS = ("emulator", "aws")
PROJECT = "bedrock-inference-quickstart"
REGION = "us-east-1"
INSTALL_CLI = (
    "The Pulumi CLI is not installed. Get it with\n"
    "    curl -fsSL https://get.pulumi.com | sh      (Linux, macOS)\n"
    "    brew install pulumi/tap/pulumi              (macOS)\n"
    "    winget install pulumi                       (Windows)\n"
    "then run `make up` again. Meanwhile the example runs through the local engine simulator."
)


def main() -> int:
    target = os.environ.get("TARGET") or "emulator"
    if target not in TARGETS:
        print(f"TARGET={target!r} is not one of {', '.join(TARGETS)} (default: emulator)", file=sys.stderr)
        return 2
    cli = shutil.which("pulumi")
    if target == "aws":
        if not cli:
            print(INSTALL_CLI.split("\nthen")[0] + "\nthen run `TARGET=aws make up` again (or `make up` to try it on the local emulator).")
            return 1
        print("TARGET=aws: `pulumi up` of stack dev in your AWS account; it shows the plan and asks before changing anything.")
        return run([cli, "stack", "select", "--create", "dev"]) or run([cli, "up"])

    from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

    with BedrockEmulator(durations=2) as emulator:
        env = {**without_aws_settings(os.environ), **emulator.environment(REGION), "AWS_REGION": REGION}
        print(f"Local Bedrock emulator at {emulator.endpoint} (no AWS account used; TARGET=aws deploys to yours)")
        if cli:
            return deploy_with_cli(cli, env)
        print(INSTALL_CLI)
        return deploy_with_simulator(env, emulator)


def without_aws_settings(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without AWS credentials, profile or endpoints, and with no AWS config files."""
    kept = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    return {**kept, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def run(command: list[str], env: dict[str, str] | None = None) -> int:
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def deploy_with_cli(cli: str, env: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory() as backend:
        env = {**env, "PULUMI_BACKEND_URL": f"file://{backend}", "PULUMI_CONFIG_PASSPHRASE": ""}
        for command in (["stack", "init", "emulator"], ["up", "--yes"], ["destroy", "--yes"], ["stack", "rm", "--yes"]):
            code = run([cli, *command], env)
            if code:
                return code
    return 0


def deploy_with_simulator(env: dict[str, str], emulator: object) -> int:
    from pulumi.output import Unknown

    from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
    from pulumi_bedrock_inference.testing.program import Stack

    os.environ.clear()
    os.environ.update(env)

    def program() -> None:
        runpy.run_path(str(PROGRAM), run_name="__main__")

    with DynamicProviderProcess(cwd=ROOT, env=env, project=PROJECT) as process:
        stack = Stack(PROJECT, "emulator", {"aws:region": REGION}, process)
        for step, run_step in (
            ("preview", lambda: stack.preview(program)),
            ("up", lambda: stack.up(program)),
            ("up (again: nothing to change)", lambda: stack.up(program)),
            ("refresh", stack.refresh),
            ("destroy", stack.destroy),
        ):
            result = run_step()
            print(f"\n== {step}")
            for operation in result.operations.values():
                print(f"  {operation.kind:8} {operation.type}  {operation.name}")
            for key, value in result.outputs.items():
                print(f"  output {key}: {'(known after up)' if isinstance(value, Unknown) else value}")
        print(process.stderr, end="", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
