"""Every Pulumi project of this repository starts its dynamic providers under the real CLI.

The engine starts the CLI's launcher ``pulumi-resource-pulumi-python`` (the script that ships in
the ``github.com/pulumi/pulumi/sdk/v3`` module, installed beside the CLI by tools/pulumi-cli) in
the project's *main* directory, with the runtime
options of Pulumi.yaml as ``PULUMI_RUNTIME_*`` variables; the language host resolves the same
``virtualenv`` option against the project *root* to run the program. Each test lays the
project's real Pulumi.yaml (and its main directory) out in a scratch copy of the repository,
puts this test run's virtualenv where the language host looks for it, runs the launcher as the
engine does and checks that it starts the provider (prints its gRPC port, answers gRPC) with
the program's interpreter. The last test shows the same procedure catches pulumi/pulumi#7061.

Engine and language-host logic reproduced here, in pulumi/pulumi at commit
1b5949891b3cefcb9974752b24a5ecef0acc86c8:
- ``pkg/engine/project.go`` getPwdMain (lines 45-72): the plugin's working directory;
- ``sdk/go/common/resource/plugin/provider_plugin.go`` lines 246-249: each runtime option ``k``
  becomes ``PULUMI_RUNTIME_<K>`` (``%v`` formatting), plus ``PULUMI_PROJECT`` (line 258);
  ``newPlugin(ctx, ctx.Pwd, path, ..., []string{host.ServerAddr()}, ...)`` (line 285);
- ``sdk/python/cmd/pulumi-language-python/main.go`` parseOptions (lines 233-290) and
  ``sdk/python/toolchain/pip.go`` resolveVirtualEnvironmentPath (lines 583-591): a relative
  ``virtualenv`` is joined to the project root; a program (not a plugin) gets no default.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any, Optional

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2_grpc

from ..stack.plugin_process import HANG_GUARD_SECONDS, PluginProcess

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(shutil.which("pulumi") or "pulumi").resolve().parent / "pulumi-resource-pulumi-python"
PROJECT_FILES = [ROOT / "Pulumi.yaml", *sorted(ROOT.glob("examples/**/Pulumi.yaml"))]


def engine_working_directory(root: Path, main: Optional[str]) -> Path:
    """getPwdMain: ``main`` itself when it is a directory, else the directory holding it."""
    if not main:
        return root
    target = root / main
    return target if target.is_dir() else target.parent


def language_host_virtualenv(root: Path, options: dict[str, Any]) -> Optional[Path]:
    """parseOptions + resolveVirtualEnvironmentPath for a program (isPlugin=false)."""
    virtualenv = options.get("virtualenv")
    if not virtualenv:
        return None
    return Path(virtualenv) if os.path.isabs(virtualenv) else root / virtualenv


def runtime_options(project: dict[str, Any]) -> dict[str, Any]:
    runtime = project["runtime"]
    return {} if isinstance(runtime, str) else dict(runtime.get("options") or {})


def engine_environment(project: dict[str, Any]) -> dict[str, str]:
    """The launcher's environment: the CLI's own (minus any runtime option) plus the options."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_RUNTIME_") and k != "VIRTUAL_ENV"}
    for key, value in runtime_options(project).items():
        env[f"PULUMI_RUNTIME_{key.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    env["PULUMI_PROJECT"] = project["name"]
    return env


def lay_out(project_file: Path, text: str, scratch: Path) -> tuple[Path, Path, Optional[Path]]:
    """Copy a project into ``scratch`` (same path relative to the repository root).

    Returns (project root, engine working directory, the program's interpreter or None).
    The virtualenv the language host resolves is made a link to this test run's virtualenv.
    """
    root = scratch / project_file.parent.relative_to(ROOT)
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(text)
    project = yaml.safe_load(text)
    main = project.get("main")
    if main:
        source = project_file.parent / main
        if source.is_dir():
            shutil.copytree(source, root / main, dirs_exist_ok=True)
        else:
            (root / main).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / main)
    venv = language_host_virtualenv(root, runtime_options(project))
    if venv is None:
        return root, engine_working_directory(root, main), None
    venv = Path(os.path.normpath(venv))
    assert venv.is_relative_to(scratch), f"{project_file}: virtualenv {venv} lies outside the repository"
    venv.parent.mkdir(parents=True, exist_ok=True)
    if not venv.exists():
        venv.symlink_to(sys.prefix, target_is_directory=True)
    return root, engine_working_directory(root, main), venv / "bin" / "python"


class Launched(PluginProcess):
    """The launcher as the engine starts it: ``<launcher> <engine address>`` in the main directory."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        super().__init__(["sh", str(LAUNCHER), "127.0.0.1:1"], cwd, env)  # the engine address is unused here

    def interpreter(self) -> str:
        """argv[0] of the launcher's child process (the Python it started)."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == self.process.pid:
                    return (entry / "cmdline").read_bytes().split(b"\0")[0].decode()
            except (OSError, IndexError, ValueError):
                continue
        raise AssertionError("the launcher has no child process")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the launcher's child from /proc")
@pytest.mark.parametrize("project_file", PROJECT_FILES, ids=lambda p: str(p.parent.relative_to(ROOT)) or "root")
def test_the_launcher_starts_the_provider_with_the_programs_interpreter(project_file: Path, tmp_path: Path) -> None:
    text = project_file.read_text()
    root, cwd, program_python = lay_out(project_file, text, tmp_path)
    assert program_python is not None, f"{project_file}: set runtime.options.virtualenv (relative)"
    assert not os.path.isabs(runtime_options(yaml.safe_load(text))["virtualenv"]), "an absolute virtualenv is not portable"

    launched = Launched(cwd, engine_environment(yaml.safe_load(text)))
    try:
        port = launched.port
        assert os.path.normpath(launched.interpreter()) == str(program_python)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = provider_pb2_grpc.ResourceProviderStub(channel).GetPluginInfo(empty_pb2.Empty(), timeout=HANG_GUARD_SECONDS)
        assert info.version
    finally:
        stderr = launched.stop()
    assert "virtualenv" not in stderr


def test_the_same_procedure_reproduces_pulumi_issue_7061(tmp_path: Path) -> None:
    """The layout this repository had: `main` a subdirectory, `virtualenv` relative to the root."""
    old = (
        "name: bedrock-inference-quickstart\n"
        "runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: .venv\n"
        "main: examples/quickstart/\n"
    )
    root, cwd, program_python = lay_out(ROOT / "Pulumi.yaml", old, tmp_path)
    assert program_python == tmp_path / ".venv" / "bin" / "python" and program_python.exists()
    assert cwd == tmp_path / "examples" / "quickstart"

    launched = Launched(cwd, engine_environment(yaml.safe_load(old)))
    stderr = launched.stop()
    assert launched.process.returncode == 1 and launched.first_line == ""
    assert f'"{cwd}/.venv" doesn\'t exist' in stderr
