"""`make up`: `pulumi up` of the example stack in Pulumi.yaml.

- With AWS credentials at hand (and TARGET unset or ``aws``) and the Pulumi CLI installed: a
  plain ``pulumi up`` of stack ``dev`` against your AWS account, with your usual Pulumi backend.
- Otherwise against the local Bedrock emulator (``TARGET=emulator`` forces it): the emulator is
  started, the stack is deployed to it with a throw-away local backend, and destroyed at the end.
- Where the Pulumi CLI is missing, it says how to get it and runs the same program through this
  package's engine simulator (the real dynamic-provider process, driven over gRPC as the engine
  drives it) against the emulator: preview, up, a second up (no changes), refresh and destroy.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "quickstart" / "__main__.py"
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
    target = os.environ.get("TARGET") or ("aws" if boto3.Session().get_credentials() else "emulator")
    cli = shutil.which("pulumi")
    if target == "aws":
        if not cli:
            print(INSTALL_CLI.split("\nthen")[0] + "\nthen run `make up` again (or TARGET=emulator make up to try it locally).")
            return 1
        return run([cli, "stack", "select", "--create", "dev"]) or run([cli, "up", "--yes"])

    from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

    with BedrockEmulator(durations=2) as emulator:
        env = {**os.environ, **emulator.environment(REGION), "AWS_REGION": REGION}
        print(f"Local Bedrock emulator at {emulator.endpoint} (no AWS account used)")
        if cli:
            return deploy_with_cli(cli, env)
        print(INSTALL_CLI)
        return deploy_with_simulator(env, emulator)


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
