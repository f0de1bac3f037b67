"""A create makes only the AWS calls it needs: the partition comes from the client, and what one
call told the process (a system profile's ARN, the account) is not asked again. Exact call counts
from the emulator's request log."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers import client as bedrock
from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def provider() -> ApplicationInferenceProfileProvider:
    bedrock.clear_cache()  # a fresh provider process: nothing learned yet
    p = ApplicationInferenceProfileProvider()
    p.configure(FakeConfigureRequest({}))  # type: ignore[arg-type]
    return p


def create(p: ApplicationInferenceProfileProvider, name: str, copy_from: str) -> Any:
    checked = p.check({}, {"region": REGION, "name": name, "model_source": {"copy_from": copy_from}})
    assert checked.failures == []
    return p.create(checked.inputs)


def test_a_foundation_model_create_is_two_calls(provider: ApplicationInferenceProfileProvider, bedrock_emulator: BedrockEmulator) -> None:
    created = create(provider, "a", SONNET)
    assert bedrock_emulator.counts() == {"CreateInferenceProfile": 1, "GetInferenceProfile": 1}
    assert created.outs["model_source"]["copy_from"] == f"arn:aws:bedrock:{REGION}::foundation-model/{SONNET}"


def test_system_profile_creates_look_the_profile_up_once_per_process(
    provider: ApplicationInferenceProfileProvider, bedrock_emulator: BedrockEmulator
) -> None:
    first = create(provider, "a", f"us.{SONNET}")
    assert [r["operation"] for r in bedrock_emulator.requests()] == [
        "GetInferenceProfile", "CreateInferenceProfile", "GetInferenceProfile",
    ]
    bedrock_emulator.reset_log()
    create(provider, "b", f"us.{SONNET}")  # the same system profile: its ARN is known
    create(provider, "c", f"us.{HAIKU}")  # another one: the account is known
    assert [r["operation"] for r in bedrock_emulator.requests()] == ["CreateInferenceProfile", "GetInferenceProfile"] * 2
    sent = [r["params"]["modelSource"]["copyFrom"] for r in bedrock_emulator.requests("CreateInferenceProfile")]
    account = first.outs["model_source"]["copy_from"].split(":")[4]
    assert sent == [f"arn:aws:bedrock:{REGION}:{account}:inference-profile/us.{m}" for m in (SONNET, HAIKU)]


def test_an_unknown_system_profile_is_still_rejected_once_the_account_is_known(
    provider: ApplicationInferenceProfileProvider, bedrock_emulator: BedrockEmulator
) -> None:
    create(provider, "a", f"us.{SONNET}")
    with pytest.raises(errors.InvalidRequestError) as raised:
        create(provider, "b", "us.acme.not-a-model-v1:0")
    message = str(raised.value)
    assert message.startswith('creating Bedrock application inference profile "b": ValidationException:')
    assert "us.acme.not-a-model-v1:0" in message and REGION in message


def test_the_partition_comes_from_the_region(provider: ApplicationInferenceProfileProvider) -> None:
    client = bedrock.bedrock_client("us-gov-west-1")
    assert provider._resolve_copy_from(client, "us-gov-west-1", SONNET, "x") == f"arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/{SONNET}"
