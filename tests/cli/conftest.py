"""The real-engine tier: every test here runs the Pulumi CLI (marker ``cli``).

The CLI is ``pulumi`` on PATH (3.221 or newer) or the build that ``make cli`` caches
(tools/pulumi-cli/build.py). Without one, the tier is skipped with one line saying ``make cli``;
under ``CI=true`` every test of the tier fails instead.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _locate_cli() -> Path | None:
    spec = importlib.util.spec_from_file_location("pulumi_cli_build", ROOT / "tools" / "pulumi-cli" / "build.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return build.locate()


CLI_BIN = _locate_cli()
if CLI_BIN is not None and str(CLI_BIN) not in os.environ["PATH"].split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([str(CLI_BIN), os.environ["PATH"]])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.cli)


@pytest.fixture(autouse=True)
def _pulumi_cli() -> Path:
    if CLI_BIN is None:
        message = "real-engine tier: no Pulumi CLI >= 3.221 found; run `make cli` (builds one from Go modules)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a missing CLI fails the run)")
        pytest.skip(message)
    return CLI_BIN
