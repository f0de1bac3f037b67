"""A Pulumi stack wired to the local Bedrock emulator, run by the real Pulumi engine.

:func:`emulator_stack` gives a :class:`pulumi.automation.Stack` (Pulumi's Automation API) whose
``preview``/``up``/``refresh``/``destroy`` run the Pulumi CLI against the emulator, in a sealed
environment:

- state in a temporary file backend (``PULUMI_BACKEND_URL=file://...``), a temporary
  ``PULUMI_HOME``, a passphrase secrets provider;
- no update check and no plugin download (``PULUMI_SKIP_UPDATE_CHECK``,
  ``PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION``: with ``pulumi_aws`` installed the engine would
  otherwise try to download the ``aws`` plugin on every run);
- no AWS setting but the emulator's: while the stack is open, every ``AWS_*`` variable of this
  process is replaced by the emulator's endpoints and fake keys (the program runs in this process,
  the engine and the dynamic-provider process inherit its environment), and restored afterwards.

The program is an inline program (a Python function; ``runpy.run_path("__main__.py")`` runs a
stack's own program). A project folder (``project_dir``) contributes its ``Pulumi.yaml`` (name,
config, runtime options) and its stack files, copied, so nothing is written into it;
:func:`project_program` makes its ``__main__.py`` the inline program.

The CLI is ``pulumi`` on ``PATH`` (3.221 or newer) unless ``pulumi`` names another
:class:`~pulumi.automation.PulumiCommand`.
"""

from __future__ import annotations

import json
import os
import pickle
import runpy
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulumi import automation as auto

    from .emulator import BedrockEmulator

REPLACEMENT_STEPS = {"replace", "create-replacement", "delete-replaced", "discard-replaced", "import-replacement"}
PASSPHRASE = "emulator-stack"
SEALED_ENVIRONMENT = {
    "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
    "PULUMI_SKIP_UPDATE_CHECK": "true",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    "PULUMI_SKIP_CONFIRMATIONS": "true",
}


class Steps:
    """The engine's steps of one preview, up, refresh or destroy, read from its event stream: pass an
    instance as ``on_event=``. Provider and stack resources are left out."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []
        """``(step, resource name)`` in the order the engine started them, e.g. ``("create-replacement", "chat")``."""

    def __call__(self, event: Any) -> None:
        pre = getattr(event, "resource_pre_event", None)
        if pre is None:
            return
        metadata = pre.metadata
        name = _resource_name(metadata.type, metadata.urn)
        if name is not None:
            self.log.append((metadata.op.value, name))

    def kinds(self) -> dict[str, str]:
        """Resource name → its step: ``create``, ``same``, ``update``, ``delete``, ``refresh``, or
        ``replace`` for any step of a replacement."""
        kinds: dict[str, str] = {}
        for step, name in self.log:
            kinds[name] = "replace" if step in REPLACEMENT_STEPS else step
        return kinds


def cli(stack: auto.Stack, *args: str) -> auto.CommandResult:
    """Run ``pulumi <args> --stack <stack>`` on the stack's backend, in its sealed environment, for
    what the Automation API does not offer (no program runs): e.g. ``cli(stack, "stack", "export")``,
    ``cli(stack, "state", "unprotect", urn, "--yes")``. Raises ``CommandError`` on failure."""
    workspace = stack.workspace
    env = {"PULUMI_HOME": workspace.pulumi_home or "", **(workspace.env_vars or {})}
    return workspace.pulumi_command.run([*args, "--stack", stack.name], workspace.work_dir, env)


def resources(stack: auto.Stack) -> dict[str, dict[str, Any]]:
    """The stack's saved state as ``pulumi stack export`` prints it (secrets encrypted, unlike the
    Automation API's ``export_stack``), by resource name, without providers and the stack."""
    deployment = json.loads(cli(stack, "stack", "export").stdout).get("deployment") or {}
    return {
        name: r
        for r in deployment.get("resources", [])
        if (name := _resource_name(r["type"], r["urn"])) is not None
    }


def _resource_name(type_: str, urn: str) -> str | None:
    """The resource name at the end of ``urn``; None for a provider or the stack, which
    :class:`Steps` and :func:`resources` leave out."""
    if type_.startswith("pulumi:providers:") or type_ == "pulumi:pulumi:Stack":
        return None
    return urn.rsplit("::", 1)[-1]


def project_program(folder: str | os.PathLike[str]) -> Callable[[], None]:
    """The program of the project in ``folder`` (its ``__main__.py``) as an inline program: run
    with ``folder`` first on ``sys.path``, as the Python language host runs it."""
    main = Path(folder).resolve() / "__main__.py"

    def program() -> None:
        sys.path.insert(0, str(main.parent))
        try:
            runpy.run_path(str(main), run_name="__main__")
        finally:
            sys.path.remove(str(main.parent))

    return program


@contextmanager
def emulator_stack(
    program: Callable[[], None],
    emulator: BedrockEmulator,
    *,
    project: str | None = None,
    stack: str = "test",
    region: str = "us-east-1",
    config: Mapping[str, str] | None = None,
    secret_config: Mapping[str, str] | None = None,
    project_dir: str | os.PathLike[str] | None = None,
    pulumi: auto.PulumiCommand | None = None,
) -> Iterator[auto.Stack]:
    """A new stack of ``program`` on ``emulator``, removed with its state on exit.

    :param program: the Pulumi program, run in this process by each preview and up.
    :param emulator: the emulator the engine, the provider process and the program talk to.
    :param project: the project name; default the ``name`` in ``project_dir``'s ``Pulumi.yaml``,
        else ``"test-project"``.
    :param stack: the stack name (default ``"test"``).
    :param region: ``aws:region`` of the stack and the region of the fake credentials
        (default ``us-east-1``).
    :param config: more stack config, e.g. ``{"aws:defaultTags": '{"tags": {"team": "ml"}}'}``;
        keys without a namespace take the project's.
    :param secret_config: stack config stored as secrets.
    :param project_dir: a folder whose ``Pulumi.yaml`` (and ``Pulumi.<stack>.yaml`` files) are copied
        into the stack's work dir, where the provider process runs.
        Its ``runtime.options.virtualenv`` is replaced by this interpreter's environment, the one
        the program runs in.
    :param pulumi: the CLI to run; default ``pulumi`` on ``PATH``.
    """
    from pulumi import automation as auto

    if pulumi is None and shutil.which("pulumi") is None:
        raise RuntimeError(
            "emulator_stack runs the Pulumi CLI (3.221 or newer), and there is no `pulumi` on PATH: "
            "install it (https://www.pulumi.com/docs/install/) or pass pulumi=PulumiCommand(root=...)"
        )
    with tempfile.TemporaryDirectory(prefix="emulator-stack-") as scratch, _pickler_restored():
        root = Path(scratch)
        work_dir = root / "project"
        work_dir.mkdir()
        if project_dir is not None:
            for settings_file in Path(project_dir).glob("Pulumi*.y*ml"):
                shutil.copyfile(settings_file, work_dir / settings_file.name)
            _project_for_this_interpreter(work_dir / "Pulumi.yaml", project)
            settings = None
        else:
            settings = auto.ProjectSettings(name=project or "test-project", runtime=_python_runtime(), main=str(work_dir))
        (root / "backend").mkdir()
        with _aws_environment(emulator.environment(region)):
            workspace_env = {
                **SEALED_ENVIRONMENT,
                "PULUMI_BACKEND_URL": (root / "backend").as_uri(),
                # the dynamic-provider launcher runs `python3` when no virtualenv is set
                "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            }
            created = auto.create_stack(
                stack,
                project_name=project or "test-project",
                program=program,
                opts=auto.LocalWorkspaceOptions(
                    work_dir=str(work_dir),
                    pulumi_home=str(root / "home"),
                    env_vars=workspace_env,
                    project_settings=settings,
                    secrets_provider="passphrase",
                    pulumi_command=pulumi,
                ),
            )
            created.set_config("aws:region", auto.ConfigValue(region))
            for key, value in (config or {}).items():
                created.set_config(key, auto.ConfigValue(value))
            for key, value in (secret_config or {}).items():
                created.set_config(key, auto.ConfigValue(value, secret=True))
            yield created


def _python_runtime() -> Any:
    """Python, in this interpreter's virtualenv (if it runs in one): the provider process's too."""
    from pulumi import automation as auto

    virtualenv = _virtualenv()
    return auto.ProjectRuntimeInfo(name="python", options={"virtualenv": virtualenv} if virtualenv is not None else None)


def _virtualenv() -> str | None:
    """This interpreter's virtualenv (``sys.prefix``), or None when it runs in none."""
    return sys.prefix if sys.prefix != sys.base_prefix else None


def _project_for_this_interpreter(pulumi_yaml: Path, project: str | None) -> None:
    """Rewrite the copied ``Pulumi.yaml`` so the provider process runs this interpreter."""
    import yaml

    document = yaml.safe_load(pulumi_yaml.read_text())
    runtime = document.get("runtime")
    options = dict(runtime.get("options") or {}) if isinstance(runtime, dict) else {}
    options.pop("virtualenv", None)
    if (virtualenv := _virtualenv()) is not None:
        options["virtualenv"] = virtualenv
    document["runtime"] = {"name": "python", **({"options": options} if options else {})}
    if project:
        document["name"] = project
    pulumi_yaml.write_text(yaml.safe_dump(document, sort_keys=False))


@contextmanager
def _pickler_restored() -> Iterator[None]:
    """Undo what the program's dynamic resources did to :mod:`pickle` in this process.

    The SDK's ``serialize_provider`` (``pulumi/dynamic/dynamic.py``, 3.272) wraps
    ``pickle._Pickler._batch_setitems`` once per dynamic resource and never unwraps it, so every
    later pickle of a dict runs through one more frame per resource ever registered in this
    process: after about a thousand, pickling a provider by value fails with RecursionError.
    Inline programs run in this process, test after test."""
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]


@contextmanager
def _aws_environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    for name in saved:
        del os.environ[name]
    os.environ.update(values)
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    try:
        yield
    finally:
        for name in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update(saved)
