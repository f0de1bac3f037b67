"""The CI preview workflow (.github/workflows/preview.yml): linted, and what its steps are given.

- actionlint and the GitHub workflow JSON schema (vendored in check-jsonschema) accept it, and
  reject a broken copy (so the linters really run here);
- it previews the repository's stack with pulumi/actions and the policy pack folder it names, and
  installs into the virtualenv that Pulumi.yaml and the pack name.

Its preview step runs through the real Pulumi CLI in tests/cli/test_ci_preview.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from pulumi_bedrock_inference.policy import POLICIES


ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "preview.yml"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def pulumi_step() -> dict[str, Any]:
    (step,) = [s for s in workflow()["jobs"]["preview"]["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")]
    return step


# --------------------------------------------------------------------------- lint


def test_actionlint_accepts_the_workflow_and_rejects_a_broken_copy(tmp_path: Path) -> None:
    result = subprocess.run([tool("actionlint"), "-no-color", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ vars.PULUMI_STACK || 'ci' }}", "${{ vars.PULUMI_STACK || }}"))
    result = subprocess.run([tool("actionlint"), "-no-color", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "expression" in result.stdout


def test_the_github_workflow_schema_accepts_the_workflow_and_rejects_a_broken_copy(tmp_path: Path) -> None:
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run([*command, str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("    runs-on: ubuntu-latest\n", ""))
    result = subprocess.run([*command, str(broken)], capture_output=True, text=True)
    assert result.returncode == 1, result.stdout


# --------------------------------------------------------------------------- what the workflow does


def test_the_workflow_previews_pull_requests_with_a_comment_and_the_policy_pack() -> None:
    spec = workflow()
    assert list(spec[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True
    assert spec["permissions"] == {"contents": "read", "pull-requests": "write", "id-token": "write"}
    step = pulumi_step()
    assert step["uses"] == "pulumi/actions@v7"
    inputs = step["with"]
    assert inputs["command"] == "preview" and inputs["comment-on-pr"] is True
    assert "file://" in inputs["cloud-url"] and "PULUMI_BACKEND_URL" in inputs["cloud-url"]
    pack = ROOT / inputs["work-dir"] / inputs["policyPacks"]
    assert (pack / "PulumiPolicy.yaml").is_file() and (pack / "__main__.py").is_file()
    config = json.loads((ROOT / inputs["work-dir"] / inputs["policyPackConfigs"]).read_text())
    schemas = {policy.name: policy.config_schema for policy in POLICIES}
    for name, settings in config.items():
        assert name in schemas, name
        assert set(settings) - {"enforcementLevel"} <= set(schemas[name].properties), name  # type: ignore[union-attr]
    (oidc,) = [s for s in spec["jobs"]["preview"]["steps"] if "configure-aws-credentials" in str(s.get("uses"))]
    assert oidc["if"] == "vars.AWS_ROLE_ARN != ''" and "aws-access-key-id" not in oidc["with"]
    assert "--yes" not in WORKFLOW.read_text() and "command: up" not in WORKFLOW.read_text()


def test_the_workflow_installs_into_the_virtualenv_that_pulumi_yaml_and_the_pack_name() -> None:
    install = next(s for s in workflow()["jobs"]["preview"]["steps"] if s.get("name") == "Install")["run"]
    assert "python -m venv .venv" in install
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["runtime"]["options"]["virtualenv"] == ".venv"
    pack = yaml.safe_load((ROOT / "policy-pack" / "PulumiPolicy.yaml").read_text())
    assert (ROOT / "policy-pack" / pack["runtime"]["options"]["virtualenv"]).resolve() == (ROOT / ".venv").resolve()
