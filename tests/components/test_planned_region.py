"""The region a component plans its grants for (IAM's size check at construction) is the one its
child's provider will create in: the ``region`` argument, else stack config ``aws:region``, else
the region boto3 reads (``AWS_DEFAULT_REGION`` or the AWS profile's config; boto3 ignores
``AWS_REGION``). The provider's own ``check`` is the reference here."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest

from pulumi_bedrock_inference.components import iam
from pulumi_bedrock_inference.identifiers import parse_arn
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider

from .mocks import run

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS region or profile from the machine: empty shared config files, no region variables."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    config = tmp_path / "config"
    config.write_text("")
    (tmp_path / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return config


def provider_region() -> Optional[str]:
    """The region the profile provider's check resolves without a region input or stack config."""
    result = ApplicationInferenceProfileProvider().check({}, {"name": "chat", "model_source": {"copy_from": HAIKU}})
    return None if any(f.property == "region" for f in result.failures) else result.inputs.get("region")


def planned(region: Any = None, config: Optional[dict[str, str]] = None) -> tuple[Optional[str], str]:
    """What a component plans under stack ``config`` (no ``aws:region`` unless given) for its
    ``region`` argument: the region, and the profile ARN its grants are sized with."""
    seen: dict[str, Any] = {}

    def program() -> None:
        seen["region"] = iam.planned_region(region)
        seen["arn"] = iam.planned_endpoint("profile", HAIKU, seen["region"]).model_id

    run(program, config={"aws:region": "", **(config or {})})
    return seen["region"], seen["arn"]


def test_aws_region_is_not_the_providers_default_region(monkeypatch: pytest.MonkeyPatch, aws_environment: Path) -> None:
    monkeypatch.setenv("AWS_REGION", "us-gov-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    assert provider_region() == "us-east-1"
    region, arn = planned()
    assert region == "us-east-1"
    assert (parse_arn(arn).partition, parse_arn(arn).region) == ("aws", "us-east-1")  # type: ignore[union-attr]


def test_aws_region_alone_leaves_the_region_unknown(monkeypatch: pytest.MonkeyPatch, aws_environment: Path) -> None:
    monkeypatch.setenv("AWS_REGION", "us-gov-west-1")
    assert provider_region() is None
    region, arn = planned()
    assert region is None
    assert parse_arn(arn).partition == "aws"  # type: ignore[union-attr]


def test_the_argument_then_stack_config_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, aws_environment: Path) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    assert planned("eu-west-1", {"aws:region": "us-west-2"})[0] == "eu-west-1"
    region, arn = planned(config={"aws:region": "us-gov-west-1"})
    assert region == "us-gov-west-1"
    assert (parse_arn(arn).partition, parse_arn(arn).region) == ("aws-us-gov", "us-gov-west-1")  # type: ignore[union-attr]


def test_the_stack_profile_region_is_read_as_the_provider_reads_it(aws_environment: Path) -> None:
    aws_environment.write_text("[profile gov]\nregion = us-gov-west-1\n")
    assert planned(config={"aws:profile": "gov"})[0] == "us-gov-west-1"


def test_a_missing_environment_profile_leaves_the_region_unknown(monkeypatch: pytest.MonkeyPatch, aws_environment: Path) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nowhere")
    assert planned()[0] is None
