"""Find or build the Pulumi CLI that the real-engine tests and `make up` run.

    python3 tools/pulumi-cli/build.py            # `make cli`: find or build it, print its bin folder
    python3 tools/pulumi-cli/build.py --locate   # print the bin folder if one is ready; exit 1 if not
    python3 tools/pulumi-cli/build.py --if-possible  # as the first, but exit 0 when Go is missing

Order:
1. ``pulumi`` on PATH at version ``MINIMUM`` or newer: used as it is, nothing is built.
2. The cache (outside the clone), keyed by the pinned version and this module's ``go.sum``:
   ``$PULUMI_BEDROCK_CLI_CACHE`` or ``$XDG_CACHE_HOME/pulumi-bedrock-inference/pulumi-cli`` (default
   ``~/.cache/...``), reused only when its ``pulumi version`` prints the pinned version.
3. Otherwise a build from the Go module proxy: this folder's ``go.mod`` requires
   ``github.com/pulumi/pulumi/pkg/v3`` and ``sdk/v3`` at ``VERSION`` as a Go ``tool``; ``go build``
   makes ``pulumi`` with the release flags, and the launcher scripts that ship inside the ``sdk/v3``
   module are installed beside it (the engine looks for bundled plugins next to ``pulumi``).

The Python language host (``github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3``)
is not served by the module proxy these machines reach, so it is not built. Programs run through
the Automation API's inline programs, whose language runtime is the ``pulumi`` package itself. A
policy pack folder needs the language host (``NewPolicyAnalyzer`` in
``pkg/resource/plugin/analyzer_plugin.go`` has no fallback), so the tests pass ``--policy-pack`` an
executable that runs the pack (tests/cli/policy_pack.py), which the engine starts directly.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = (HERE / "VERSION").read_text().strip()
PINNED: tuple[int, ...] = tuple(int(part) for part in VERSION.split("."))  # VERSION as version_of reads a CLI's
MINIMUM = (3, 221, 0)  # policy packs run through the language host (or its fallback) from 3.221 on
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
SDK_LAUNCHERS = ("python/dist/pulumi-resource-pulumi-python", "python/cmd/pulumi-language-python-exec")
BUILD_FLAGS = ["-trimpath", "-tags", "osusergo,grpcnotrace",
               "-ldflags", f"-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v{VERSION}"]
COLD_BUILD = "about 7 minutes on 2 cores with empty Go caches (6 min 45 s measured with other work running)"


def cache_root() -> Path:
    if os.environ.get("PULUMI_BEDROCK_CLI_CACHE"):
        return Path(os.environ["PULUMI_BEDROCK_CLI_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pulumi-bedrock-inference" / "pulumi-cli"


def cached_bin() -> Path:
    key = hashlib.sha256((HERE / "go.sum").read_bytes() + (HERE / "go.mod").read_bytes()).hexdigest()[:12]
    return cache_root() / f"v{VERSION}-{key}" / "bin"


def version_of(pulumi: Path) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run([str(pulumi), "version"], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"}).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v?(\d+)\.(\d+)\.(\d+)", out.strip())
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def locate() -> Path | None:
    """The bin folder of a usable CLI: the user's ``pulumi`` (new enough), else the cached build."""
    found = locate_with_version()
    return found[0] if found else None


def locate_with_version() -> tuple[Path, tuple[int, ...]] | None:
    """:func:`locate`'s bin folder and the version its ``pulumi`` reports."""
    on_path = shutil.which("pulumi")
    if on_path:
        found = version_of(Path(on_path))
        if found and found >= MINIMUM:
            return Path(on_path).resolve().parent, found
    cached = cached_bin()
    if all((cached / name).exists() for name in ("pulumi", *launcher_names())) and version_of(cached / "pulumi") == PINNED:
        return cached, PINNED
    return None


def launcher_names() -> list[str]:
    return [Path(path).name for path in SDK_LAUNCHERS]


def say(message: str) -> None:
    print(f"[pulumi-cli] {message}", file=sys.stderr, flush=True)


def run(command: list[str], what: str, env: dict[str, str]) -> str:
    """Run ``command`` in this folder, printing a line every 30 s while it runs."""
    say(f"{what}: {' '.join(command[:3])} ...")
    start = time.monotonic()
    done = threading.Event()

    def heartbeat() -> None:
        while not done.wait(30):
            say(f"  still {what} ({time.monotonic() - start:.0f} s so far; a cold build takes {COLD_BUILD})")

    threading.Thread(target=heartbeat, daemon=True).start()
    try:
        result = subprocess.run(command, cwd=HERE, env=env, capture_output=True, text=True)
    finally:
        done.set()
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"[pulumi-cli] {what} failed (exit {result.returncode}): {' '.join(command)}")
    say(f"  {what}: done in {time.monotonic() - start:.0f} s")
    return result.stdout


def build() -> Path:
    if not shutil.which("go"):
        raise SystemExit("[pulumi-cli] no `pulumi` >= 3.221 on PATH and no `go` to build one: install Go 1.26 "
                         "(https://go.dev/dl) or the Pulumi CLI (https://www.pulumi.com/docs/install/)")
    target = cached_bin()
    say(f"building the Pulumi CLI v{VERSION} from the Go module proxy into {target.parent}")
    say(f"(Go's own caches are reused; {COLD_BUILD})")
    env = {**os.environ, "CGO_ENABLED": "0"}
    start = time.monotonic()
    # staged beside the target, so the rename below stays on one filesystem
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="bin-", dir=target.parent))
    try:
        run(["go", "mod", "download", "-x"] if os.environ.get("PULUMI_CLI_BUILD_VERBOSE") else ["go", "mod", "download"],
            "downloading modules", env)
        run(["go", "build", *BUILD_FLAGS, "-o", str(staging / "pulumi"), CLI_PACKAGE], "compiling pulumi", env)
        sdk_dir = Path(run(["go", "list", "-m", "-f", "{{.Dir}}", SDK_MODULE], "locating the sdk/v3 module", env).strip())
        for relative in SDK_LAUNCHERS:
            # module-cache files are read-only and not executable: copy, then set the mode
            shutil.copyfile(sdk_dir / relative, staging / Path(relative).name)
            (staging / Path(relative).name).chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    found = version_of(target / "pulumi")
    if found != PINNED:
        raise SystemExit(f"[pulumi-cli] the built CLI reports version {found}, not {VERSION}")
    say(f"built pulumi v{VERSION} in {time.monotonic() - start:.0f} s: {target}")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locate", action="store_true", help="print the bin folder of a ready CLI; exit 1 if none")
    parser.add_argument("--if-possible", action="store_true",
                        help="without a CLI and without Go, say so in one line and exit 0 instead of failing")
    args = parser.parse_args()
    located = locate_with_version()
    found = located[0] if located else None
    if found is None and args.if_possible and not shutil.which("go"):
        say("no `pulumi` >= 3.221 on PATH and no Go to build one: the real-engine tests (tests/cli) will be "
            "skipped; `make cli` after installing Go 1.26 builds the CLI")
        return 0
    if args.locate:
        if found is None:
            return 1
        print(found)
        return 0
    if located is not None:
        say(f"using pulumi {'.'.join(map(str, located[1]))} at {found}")
        print(found)
        return 0
    print(build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
