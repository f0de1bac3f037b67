"""The repository's policy pack (policy-pack/) in a form the CLI built here can start.

The engine of CLI 3.276 starts a policy pack folder through the language plugin of its runtime
(``pulumi-language-python``; ``NewPolicyAnalyzer`` in pkg/resource/plugin/analyzer_plugin.go), and
that plugin cannot be built here. A ``--policy-pack`` that names an executable file is started
directly, as a binary analyzer plugin, with the engine's address as its argument (same function).
So the tests copy the pack folder, point its ``virtualenv`` at this interpreter's environment (a CI
runner's virtualenv is not ``.venv``), and add an executable that runs what the language host would
run for it: ``python -u -m pulumi.policy <engine address> <pack folder>``. The pack's code, the
``--policy-pack-config`` file and the engine's enforcement are the real ones.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy-pack"


def runnable_policy_pack(scratch: Path, pack: Path = PACK) -> Path:
    """A copy of ``pack`` under ``scratch``; returns the path to pass as ``--policy-pack``."""
    copy = scratch / pack.name
    shutil.copytree(pack, copy)
    settings = yaml.safe_load((copy / "PulumiPolicy.yaml").read_text())
    settings["runtime"]["options"]["virtualenv"] = sys.prefix
    (copy / "PulumiPolicy.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    launcher = copy / "run-policy-pack"
    launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -u -m pulumi.policy "$@" {shlex.quote(str(copy))}\n')
    launcher.chmod(0o755)
    return launcher
