"""The `__provider` stored in every resource's state: small, by reference, never code."""

from __future__ import annotations

import base64
import pickletools

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi_bedrock_inference.providers import (
    ApplicationInferenceProfile,
    ApplicationInferenceProfileProvider,
    CustomModelDeployment,
    CustomModelDeploymentProvider,
    ProvisionedModelThroughput,
    ProvisionedModelThroughputProvider,
)

PROVIDERS = [ApplicationInferenceProfileProvider, CustomModelDeploymentProvider, ProvisionedModelThroughputProvider]

# Stored in users' state files: changing any of these needs a compatibility path (aliases, an old
# module kept importable) and a test of it.
PUBLIC_API = [
    (ApplicationInferenceProfile, ApplicationInferenceProfileProvider, "inference_profile", "ApplicationInferenceProfile"),
    (CustomModelDeployment, CustomModelDeploymentProvider, "custom_model_deployment", "CustomModelDeployment"),
    (ProvisionedModelThroughput, ProvisionedModelThroughputProvider, "provisioned_throughput", "ProvisionedModelThroughput"),
]


@pytest.mark.parametrize("provider_class", PROVIDERS)
def test_serialized_provider_is_a_small_reference_without_code(provider_class: type) -> None:
    serialized = serialize_provider(provider_class())
    raw = base64.b64decode(serialized)
    assert len(serialized) < 200
    opcodes = [(op.name, arg) for op, arg, _ in pickletools.genops(raw)]
    strings = [arg for name, arg in opcodes if isinstance(arg, str)]
    assert provider_class.__module__ in strings and provider_class.__qualname__ in strings
    assert not any("CodeType" in s or "_create_code" in s or "_create_function" in s for s in strings)
    assert provider_class.serialize_as_secret_always is False


@pytest.mark.parametrize(("resource", "provider", "module", "name"), PUBLIC_API)
def test_type_tokens_and_module_paths_are_the_public_api(resource: type, provider: type, module: str, name: str) -> None:
    assert provider.__module__ == f"pulumi_bedrock_inference.providers.{module}"
    assert provider.__qualname__ == f"{name}Provider"
    assert resource._resource_type_name == f"dynamic/bedrock:{name}"  # type: ignore[attr-defined]


def test_a_provider_configured_in_the_provider_process_still_pickles_small() -> None:
    from .conftest import FakeConfigureRequest

    provider = ApplicationInferenceProfileProvider()
    assert provider.__dict__ == {}
    provider.configure(FakeConfigureRequest({"aws:region": "us-east-1"}))  # type: ignore[arg-type]
    assert provider.stack_config.region == "us-east-1"
