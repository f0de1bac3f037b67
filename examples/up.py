"""`make up`: a real `pulumi up` of the repository's own stack (Pulumi.yaml: the quickstart example).

``TARGET`` picks where it goes:

- ``emulator`` (the default): the local Bedrock emulator shipped in this package. AWS settings of
  your environment (keys, profile, config files) are hidden from the run, so nothing reaches an
  AWS account even when credentials are at hand. The Pulumi CLI (``pulumi`` on PATH; ``make up``
  puts the one ``make cli`` found or built there) runs preview, up, a preview that expects no
  changes, refresh and destroy of a throw-away stack in a temporary local backend, through
  Pulumi's Automation API (the program runs in this process as an inline program, so no Python
  language host is needed).
- ``aws``: your AWS account, with your usual credentials and Pulumi backend: a normal interactive
  ``pulumi up`` of stack ``dev``, which shows the plan and asks before changing anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("emulator", "aws")
REGION = "us-east-1"
NO_CLI = (
    "No Pulumi CLI (3.221 or newer) on PATH. `make up` finds or builds one (`make cli`: from Go modules, "
    "several minutes the first time); or install it: https://www.pulumi.com/docs/install/"
)


def main() -> int:
    target = os.environ.get("TARGET") or "emulator"
    if target not in TARGETS:
        print(f"TARGET={target!r} is not one of {', '.join(TARGETS)} (default: emulator)", file=sys.stderr)
        return 2
    cli = shutil.which("pulumi")
    if not cli:
        print(NO_CLI, file=sys.stderr)
        return 1
    if target == "aws":
        if not language_host(Path(cli)):
            print("TARGET=aws runs `pulumi up` of the project, which needs Pulumi's Python language host "
                  "(pulumi-language-python). The CLI found has none (the one `make cli` builds from Go modules "
                  "cannot include it): install Pulumi from https://www.pulumi.com/docs/install/ and put it first "
                  "on PATH.", file=sys.stderr)
            return 1
        print("TARGET=aws: `pulumi up` of stack dev in your AWS account; it shows the plan and asks before changing anything.")
        return run([cli, "stack", "select", "--create", "dev"]) or run([cli, "up"])
    return deploy_to_emulator()


def language_host(cli: Path) -> bool:
    """Whether ``pulumi-language-python`` is beside the CLI or on PATH, where the CLI looks for it."""
    return (cli.resolve().parent / "pulumi-language-python").exists() or shutil.which("pulumi-language-python") is not None


def run(command: list[str]) -> int:
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def deploy_to_emulator() -> int:
    from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
    from pulumi_bedrock_inference.testing.stack import emulator_stack, project_program

    with BedrockEmulator(durations=2) as emulator:
        print(f"Local Bedrock emulator at {emulator.endpoint} (no AWS account used; TARGET=aws deploys to yours)")
        with emulator_stack(project_program(ROOT), emulator, project_dir=ROOT, stack="emulator", region=REGION) as stack:
            steps = (
                ("pulumi preview", lambda: stack.preview(on_output=print)),
                ("pulumi up --yes", lambda: stack.up(on_output=print)),
                ("pulumi preview --expect-no-changes", lambda: stack.preview(expect_no_changes=True, on_output=print)),
                ("pulumi refresh --yes", lambda: stack.refresh(on_output=print)),
                ("pulumi destroy --yes", lambda: stack.destroy(on_output=print)),
            )
            for command, step in steps:
                print(f"\n== {command} (stack {stack.name}, local backend, real engine)", flush=True)
                start = time.monotonic()
                step()
                print(f"== {command}: done in {time.monotonic() - start:.1f} s", flush=True)
            left = emulator.client(REGION).list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
            print(f"\nApplication inference profiles left in the emulator: {len(left)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
