"""The CI preview workflow (.github/workflows/preview.yml): linted, and its preview reproduced.

- actionlint and the GitHub workflow JSON schema (vendored in check-jsonschema) accept it, and
  reject a broken copy (so the linters really run here);
- it previews the repository's stack with pulumi/actions and the policy pack folder it names;
- the same preview runs through the engine simulator with no AWS credentials and makes no AWS
  call, and the policy pack, started as the CLI starts it (its folder's ``__main__.py``,
  configured with the workflow's config file), analyzes every resource of that preview.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2

from pulumi_bedrock_inference.policy import POLICIES
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess
from pulumi_bedrock_inference.testing.program import Stack

from .plugin_process import HANG_GUARD_SECONDS
from .policy_analyzer import Analyzer, Registration, capture_registrations

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


# --------------------------------------------------------------------------- the same preview, simulated


@pytest.fixture
def registrations(monkeypatch: pytest.MonkeyPatch) -> list[Registration]:
    return capture_registrations(monkeypatch)


def test_the_preview_needs_no_aws_credentials_makes_no_aws_call_and_passes_the_pack(
    bedrock_emulator: BedrockEmulator, registrations: list[Registration], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.startswith("AWS_") and n != "AWS_ENDPOINT_URL_BEDROCK"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    config = {key: entry["value"] for key, entry in project["config"].items()}

    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    with DynamicProviderProcess(cwd=ROOT, env=dict(os.environ), project=project["name"]) as process:
        result = Stack(project["name"], "ci", config, process).preview(program)
    assert result.kinds() == {"support-chat": "create"}
    assert bedrock_emulator.counts() == {}
    assert [r.type for r in registrations] == ["pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"]

    analyzer = Analyzer(ROOT / pulumi_step()["with"]["policyPacks"])
    try:
        info = analyzer.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=HANG_GUARD_SECONDS)
        assert info.name == "bedrock-inference" and {p.name for p in info.policies} == {p.name for p in POLICIES}
        assert all(json_format.MessageToDict(p.configSchema.properties) for p in info.policies)
        analyzer.configure(json.loads((ROOT / pulumi_step()["with"]["policyPackConfigs"]).read_text()))
        assert [d.message for r in registrations for d in analyzer.analyze(r)] == []

        # the same resource without its `team` tag fails the workflow's (mandatory) tag rule
        (chat,) = registrations
        chat.object["tags"] = {"app": "chat"}
        (diagnostic,) = analyzer.analyze(chat)
        assert diagnostic.policyName == "bedrock-cost-allocation-tags" and "team" in diagnostic.message
        assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    finally:
        analyzer.close()
