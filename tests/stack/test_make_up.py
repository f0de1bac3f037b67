"""`make up` is safe and quiet.

- A real account only with TARGET=aws, and then an interactive `pulumi up` (never --yes) that
  reads the terminal. A stand-in `pulumi` on PATH records what the real CLI would have been asked
  to do. (The default target, the emulator, runs the real CLI: tests/cli/test_make_up_cli.py.)
- `make up` finds or builds the CLI (`make cli`) and runs with it on PATH.
- `make install` shows a one-line summary instead of pip's output, and pip's own lines when it
  fails. A stand-in interpreter plays pip, so no network is needed.
- The project's build metadata raises no setuptools deprecation warning.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UP = ROOT / "examples" / "up.py"
REAL_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAREALKEY", "AWS_SECRET_ACCESS_KEY": "real-secret", "AWS_PROFILE": "prod-admin",
             "AWS_SESSION_TOKEN": "real-token"}

FAKE_PULUMI = """#!{python}
import json, os, sys
entry = {{"args": sys.argv[1:], "env": {{k: os.environ.get(k) for k in (
    "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_BEDROCK", "PULUMI_BACKEND_URL")}}}}
if sys.argv[1:2] == ["up"] and "--yes" not in sys.argv:
    entry["answer"] = sys.stdin.readline().strip()  # the interactive confirmation
with open({log!r}, "a") as log:
    log.write(json.dumps(entry) + "\\n")
"""


def path_without_pulumi() -> str:
    return os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "pulumi").exists())


def up(tmp_path: Path, *, target: str | None, cli: bool, stdin: str = "", language_host: bool = True) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | REAL_KEYS
    env["PATH"] = path_without_pulumi()
    env.pop("TARGET", None)
    if target is not None:
        env["TARGET"] = target
    log = tmp_path / "pulumi.log"
    if cli:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "pulumi").write_text(FAKE_PULUMI.format(python=sys.executable, log=str(log)))
        (bin_dir / "pulumi").chmod(0o755)
        if language_host:
            (bin_dir / "pulumi-language-python").write_text("#!/bin/sh\n")
            (bin_dir / "pulumi-language-python").chmod(0o755)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    result = subprocess.run([sys.executable, str(UP)], env=env, input=stdin, capture_output=True, text=True, timeout=600)
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, calls


def test_without_a_cli_it_says_how_to_get_one_and_touches_nothing(tmp_path: Path) -> None:
    result, _ = up(tmp_path, target=None, cli=False)
    assert result.returncode == 1
    assert "No Pulumi CLI (3.221 or newer) on PATH" in result.stderr and "make cli" in result.stderr
    assert "emulator at" not in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_up_finds_or_builds_the_cli_and_runs_up_with_it_on_path() -> None:
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT), "up", "VENV=/nonexistent-venv"],
                         capture_output=True, text=True, timeout=60).stdout
    lines = dry.splitlines()
    build = next(i for i, line in enumerate(lines) if "tools/pulumi-cli/build.py" in line and "--locate" not in line)
    run = next(i for i, line in enumerate(lines) if "examples/up.py" in line)
    assert build < run
    assert 'PATH="$(' in lines[run] and "tools/pulumi-cli/build.py --locate" in lines[run]


def test_target_aws_is_an_interactive_pulumi_up_never_yes(tmp_path: Path) -> None:
    result, calls = up(tmp_path, target="aws", cli=True, stdin="no\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [c["args"] for c in calls] == [["stack", "select", "--create", "dev"], ["up"]]
    assert calls[1]["answer"] == "no"  # the CLI reads the user's answer from the terminal
    assert calls[1]["env"]["AWS_PROFILE"] == "prod-admin" and calls[1]["env"]["AWS_ENDPOINT_URL_BEDROCK"] is None
    assert "asks before changing anything" in result.stdout


def test_target_aws_with_a_cli_that_has_no_language_host_says_what_it_needs(tmp_path: Path) -> None:
    result, calls = up(tmp_path, target="aws", cli=True, language_host=False)
    assert result.returncode == 1 and calls == []
    assert "pulumi-language-python" in result.stderr and "https://www.pulumi.com/docs/install/" in result.stderr


def test_target_aws_without_the_cli_says_how_to_get_it(tmp_path: Path) -> None:
    result, _ = up(tmp_path, target="aws", cli=False)
    assert result.returncode == 1
    assert "https://www.pulumi.com/docs/install/" in result.stderr and "emulator at" not in result.stdout


def test_an_unknown_target_is_refused(tmp_path: Path) -> None:
    result, calls = up(tmp_path, target="production", cli=True)
    assert result.returncode == 2 and calls == []
    assert "TARGET='production' is not one of emulator, aws" in result.stderr


# --------------------------------------------------------------------------- make install


FAKE_VENV_PYTHON = """#!/bin/sh
echo "WARNING: Location 'file:///opt/pypi-more/simple/mpmath/' is ignored: it is neither a file nor a directory."
echo "Collecting pulumi>=3.200"
echo "Successfully installed 57 packages"
if [ -n "$FAIL" ]; then echo "ERROR: No matching distribution found for pulumi-nonexistent" >&2; exit 1; fi
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("fail", [False, True])
def test_make_install_prints_one_line_or_pips_error(tmp_path: Path, fail: bool) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text(FAKE_VENV_PYTHON)
    (venv / "bin" / "python").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")} | {"FAIL": "1" if fail else ""}
    result = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "install", f"VENV={venv}"],
                            env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert "is ignored: it is neither a file nor a directory" not in output
    if not fail:
        assert result.returncode == 0, output
        assert output.splitlines() == [
            f"Installing pulumi-bedrock-inference and its test dependencies into {venv} (log: {venv}/install.log)"
        ]
        assert (venv / ".installed").exists() and "Successfully installed" in (venv / "install.log").read_text()
    else:
        assert result.returncode != 0
        assert "ERROR: No matching distribution found for pulumi-nonexistent" in output
        assert f"pip install failed; full log: {venv}/install.log" in output
        assert not (venv / ".installed").exists()


# --------------------------------------------------------------------------- build metadata


def build_metadata(project: Path) -> str:
    code = (
        "import os, tempfile, warnings; warnings.simplefilter('always');"
        "from setuptools import build_meta; build_meta.prepare_metadata_for_build_wheel(tempfile.mkdtemp())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def copy_of_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, project / name)
    table = (ROOT / "pyproject.toml").read_text().split("[tool.setuptools.package-dir]")[1].split("\n[")[0]
    top_dirs = {line.split("=")[1].strip().strip('"').split("/")[0] for line in table.strip().splitlines()}
    for package_dir in sorted(top_dirs):
        shutil.copytree(ROOT / package_dir, project / package_dir, ignore=shutil.ignore_patterns("__pycache__"))
    return project


def test_build_metadata_has_no_deprecation_warning_unlike_the_license_table(tmp_path: Path) -> None:
    project = copy_of_project(tmp_path)
    assert "Deprecat" not in build_metadata(project)
    text = (project / "pyproject.toml").read_text()
    assert 'license = "Apache-2.0"' in text
    table_form = text.replace('license = "Apache-2.0"', 'license = { text = "Apache-2.0" }').replace('license-files = ["LICENSE"]\n', "")
    (project / "pyproject.toml").write_text(table_form)
    assert "`project.license` as a TOML table is deprecated" in build_metadata(project)
