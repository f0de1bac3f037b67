"""The CI preview (.github/workflows/preview.yml) and the policy pack through the real Pulumi engine.

The workflow's ``pulumi preview`` step, read from the workflow (stack, work dir, policy pack, its
config, ``diff``), runs as ``stack.preview(...)`` of the repository's stack with no AWS credentials;
the CLI starts the policy pack (see policy_pack.py for how, with the CLI built here), configures it
with the workflow's ``--policy-pack-config`` file and enforces its levels. A compliant program
passes; a mandatory violation fails the preview and the output names the rule; without the config
file the pack's own defaults apply. The GitHub-only steps (checkout, setup-python, the OIDC
credentials, pulumi/actions' pull-request comment) cannot run here; tests/stack/test_ci_preview.py
lints the workflow and checks what those steps are given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi import automation as auto

from pulumi_bedrock_inference.providers import ApplicationInferenceProfile
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import project_program

from .engine_events import EventLog
from .policy_pack import ROOT, runnable_policy_pack
from .commands import no_credentials

WORKFLOW = ROOT / ".github" / "workflows" / "preview.yml"
PROFILE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"


def preview_step() -> dict[str, Any]:
    """The ``with:`` inputs of the workflow's pulumi/actions step."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["preview"]["steps"]
    (step,) = [s for s in steps if str(s.get("uses", "")).startswith("pulumi/actions@")]
    assert step["with"]["command"] == "preview"
    return step["with"]


def default_stack_name(expression: str) -> str:
    """``${{ vars.PULUMI_STACK || 'ci' }}`` with no repository variable set: ``ci``."""
    (name,) = re.findall(r"\|\|\s*'([^']+)'\s*}}", expression)
    return name


def test_the_workflows_preview_step_runs_as_written(bedrock_stack: Callable[..., auto.Stack], bedrock_emulator: BedrockEmulator,
                                                    tmp_path: Path) -> None:
    inputs = preview_step()
    work_dir = (ROOT / inputs["work-dir"]).resolve()
    stack = bedrock_stack(project_program(work_dir), project_dir=work_dir, stack=default_stack_name(inputs["stack-name"]))
    events = EventLog()
    with no_credentials():
        preview = stack.preview(
            policy_packs=[str(runnable_policy_pack(tmp_path, work_dir / inputs["policyPacks"]))],
            policy_pack_configs=[str(work_dir / inputs["policyPackConfigs"])],
            diff=inputs["diff"], on_event=events,
        )
    assert events.steps() == {"support-chat": "create"}
    assert bedrock_emulator.counts() == {}
    assert events.policy_violations() == set()
    assert re.search(r"Policy Packs run:\s+Name\s+Version\s+bedrock-inference\|local\|\S+\s+0\.1\.0", preview.stdout)
    assert 'team: "support"' in preview.stdout  # --diff shows the inputs


def test_without_the_config_file_the_packs_defaults_apply(bedrock_stack: Callable[..., auto.Stack], tmp_path: Path) -> None:
    """The pack's own default asks for a ``cost-center`` tag, as advice: the repository's stack lacks
    it, the preview passes and reports it. The workflow's config asks for ``team`` instead."""
    stack = bedrock_stack(project_program(ROOT), project_dir=ROOT, stack="ci")
    events = EventLog()
    preview = stack.preview(policy_packs=[str(runnable_policy_pack(tmp_path))], on_event=events)
    assert events.policy_violations() == {("bedrock-cost-allocation-tags", "advisory", "support-chat")}
    assert "lacks the cost-allocation tag(s) cost-center" in preview.stdout


def untagged_profile() -> None:
    ApplicationInferenceProfile("support-chat", model_source={"copy_from": "us.anthropic.claude-3-5-sonnet-20241022-v2:0"},
                                tags={"app": "chat"})


COMMITTED_ENDPOINT = ROOT / "examples" / "provisioned-endpoint"


@pytest.mark.parametrize(("program", "project_dir", "stack_name", "rule", "resource"), [
    (untagged_profile, None, "ci", "bedrock-cost-allocation-tags", "support-chat"),
    (project_program(COMMITTED_ENDPOINT), COMMITTED_ENDPOINT, "dev", "bedrock-commitments-in-allowed-stacks", "batch-summaries-throughput"),
], ids=["profile-without-team-tag", "commitment-outside-prod"])
def test_a_mandatory_violation_fails_the_preview_and_names_the_rule(
    program: Callable[[], None], project_dir: Path | None, stack_name: str, rule: str, resource: str,
    bedrock_stack: Callable[..., auto.Stack], bedrock_emulator: BedrockEmulator, tmp_path: Path,
) -> None:
    stack = bedrock_stack(program, project_dir=project_dir, stack=stack_name)
    events = EventLog()
    with no_credentials(), pytest.raises(auto.CommandError) as failed:
        stack.preview(policy_packs=[str(runnable_policy_pack(tmp_path))],
                      policy_pack_configs=[str(ROOT / preview_step()["policyPackConfigs"])], on_event=events)
    assert events.policy_violations() == {(rule, "mandatory", resource)}
    assert re.search(rf"\[mandatory\] \[severity: \w+\]\s+{rule}\s+\(\S+: {resource}\)", str(failed.value))
    assert bedrock_emulator.counts() == {}
