"""CostAllocationTags without I/O: its public API (type token, module path, a small pickled provider),
stack config checked before any call, and which operations reach AWS at all under bad config."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_bedrock_inference.providers import CostAllocationTags, CostAllocationTagsProvider, base
from pulumi_bedrock_inference.providers.config import StackConfigError

from .conftest import FakeConfigureRequest
from .test_stack_config_checks import BAD_CONFIG

NEWS = {"tag_keys": ["tenant"], "_autoname": "proj/dev/teams-cost-allocation-tags"}


def configured(config: dict[str, Any]) -> CostAllocationTagsProvider:
    provider = CostAllocationTagsProvider()
    provider.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return provider


@pytest.fixture
def no_aws_client(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every client the provider asks for; the test asserts on it."""
    asked: list[str] = []

    def refuse(self: Any, service: str, region: str) -> Any:
        self.stack_config.require_valid()
        asked.append(service)
        raise AssertionError(f"an AWS {service} client was requested")

    monkeypatch.setattr(base.BedrockProvider, "service_client", refuse)
    return asked


def test_type_token_module_path_and_a_small_provider_by_reference() -> None:
    assert CostAllocationTags._resource_type_name == "dynamic/costexplorer:CostAllocationTags"  # type: ignore[attr-defined]
    assert CostAllocationTagsProvider.__module__ == "pulumi_bedrock_inference.providers.cost_allocation_tags"
    serialized = serialize_provider(CostAllocationTagsProvider())
    assert len(serialized) < 200 and b"CostAllocationTagsProvider" in base64.b64decode(serialized)
    assert CostAllocationTagsProvider.serialize_as_secret_always is False


def test_check_reports_every_stack_config_problem_without_an_aws_call(no_aws_client: list[str]) -> None:
    assert configured({"aws:region": "us-east-1"}).check({}, dict(NEWS)).failures == []
    failures = configured(BAD_CONFIG).check({}, dict(NEWS)).failures
    assert sorted(f.property for f in failures) == sorted(BAD_CONFIG)
    assert configured({"aws:endpoints": '[{"ce": "not a url"}]', "aws:region": "us-east-1"}).check({}, dict(NEWS)).failures[0].reason == (
        "aws:endpoints (stack config) \"ce\" must be an http:// or https:// URL with a host, got 'not a url'"
    )
    assert no_aws_client == []


def test_refresh_refuses_under_bad_config_and_a_default_destroy_calls_nothing(no_aws_client: list[str]) -> None:
    provider = configured({"aws:endpoints": '[{"ce": "localhost:5000"}]'})
    props = {"region": "us-east-1", "tag_keys": ["tenant"], "activated_keys": ["tenant"], "active_keys": ["tenant"]}
    with pytest.raises(StackConfigError, match="aws:endpoints"):
        provider.read("cost-allocation-tags-x", props)
    provider.delete("cost-allocation-tags-x", props)  # keys stay active: no call at all
    with pytest.raises(StackConfigError, match="aws:endpoints"):
        provider.delete("cost-allocation-tags-x", {**props, "deactivate_on_delete": True})
    assert no_aws_client == []


def test_diff_never_replaces_and_changes_only_while_a_key_is_not_active() -> None:
    provider = configured({"aws:region": "us-east-1"})
    olds = {"tag_keys": ["tenant"], "active_keys": ["tenant"], "region": "us-east-1", "deactivate_on_delete": False}
    news = {"tag_keys": ["tenant"], "region": "us-east-1"}
    assert provider.diff("x", olds, news).changes is False
    assert provider.diff("x", {**olds, "active_keys": []}, news).changes is True
    moved = provider.diff("x", olds, {**news, "tag_keys": ["team"], "region": "eu-west-1"})
    assert moved.changes is True and moved.replaces == []
