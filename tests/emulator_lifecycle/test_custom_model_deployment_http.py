"""CustomModelDeployment provider over HTTP against the local Bedrock emulator.

The provider's waits sleep on the emulator's clock: every sleep advances it, so Creating → Active
and Updating → UpdateCompleted take their configured durations without real waiting.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.clock import Clock
from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def emulator(bedrock_emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockEmulator]:
    """The emulator with 10-minute creates and 5-minute updates; the provider sleeps on its clock."""
    bedrock_emulator.set_durations(custom_model_deployment_create=600, custom_model_deployment_update=300)
    elapsed = [0.0]

    def sleep(seconds: float) -> None:
        elapsed[0] += seconds
        bedrock_emulator.advance(seconds)

    monkeypatch.setattr(BedrockProvider, "clock", Clock(monotonic=lambda: elapsed[0], sleep=sleep))
    yield bedrock_emulator


@pytest.fixture
def model_arn(emulator: BedrockEmulator) -> str:
    return emulator.seed_custom_model("tuned-haiku", HAIKU)


def provider(**config: str) -> CustomModelDeploymentProvider:
    p = CustomModelDeploymentProvider()
    p.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return p


def checked(p: CustomModelDeploymentProvider, **news: Any) -> dict[str, Any]:
    result = p.check({}, {"region": REGION, "_autoname": "proj/dev/chat", **news})
    assert result.failures == []
    return result.inputs


def deployments(emulator: BedrockEmulator) -> list[dict[str, Any]]:
    return emulator.client(REGION).list_custom_model_deployments()["modelDeploymentSummaries"]


def aws_tags(emulator: BedrockEmulator, arn: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in emulator.client(REGION).list_tags_for_resource(resourceARN=arn)["tags"]}


def test_life_cycle_makes_exactly_the_calls_it_needs(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "test"}})})
    inputs = checked(p, model_arn=model_arn, description="chat", tags={"app": "chat"})

    created = p.create(inputs)
    counts = emulator.counts()
    assert counts["CreateCustomModelDeployment"] == 1 and set(counts) == {"CreateCustomModelDeployment", "GetCustomModelDeployment"}
    assert counts["GetCustomModelDeployment"] == 14  # 10 minutes polled from 10 s, backing off ×1.5 to a 60 s cap
    assert created.outs["status"] == "Active" and created.outs["model_arn"] == model_arn
    assert created.outs["name"] == inputs["name"] and created.id.startswith(f"arn:aws:bedrock:{REGION}:")
    assert aws_tags(emulator, created.id) == {"app": "chat", "env": "test"}

    emulator.reset_log()
    read = p.read(created.id, created.outs)
    assert read.outs == created.outs
    assert p.diff(created.id, read.outs, inputs).changes is False
    assert emulator.counts() == {"GetCustomModelDeployment": 1, "ListTagsForResource": 1}

    new_model = emulator.seed_custom_model("tuned-haiku-v2", HAIKU)
    swapped_inputs = {**inputs, "model_arn": new_model}
    assert p.check({}, {**inputs, "model_arn": new_model}).inputs["name"] == inputs["name"]
    diff = p.diff(created.id, read.outs, swapped_inputs)
    assert diff.changes is True and diff.replaces == []
    emulator.reset_log()
    swapped = p.update(created.id, read.outs, swapped_inputs)
    assert emulator.count("UpdateCustomModelDeployment") == 1
    assert swapped.outs["model_arn"] == new_model
    assert swapped.outs["update_details"] == {"model_arn": new_model, "update_status": "UpdateCompleted"}
    assert emulator.client(REGION).get_custom_model_deployment(customModelDeploymentIdentifier=created.id)["modelArn"] == new_model

    emulator.reset_log()
    retagged = p.update(created.id, swapped.outs, {**swapped_inputs, "tags": {"app": "chat", "team": "ml"}})
    assert emulator.counts() == {"TagResource": 1}
    assert retagged.outs["tags_all"] == {"app": "chat", "team": "ml", "env": "test"}
    assert {k: retagged.outs[k] for k in ("arn", "name", "model_arn", "status")} == {k: swapped.outs[k] for k in ("arn", "name", "model_arn", "status")}

    emulator.reset_log()
    p.delete(created.id, retagged.outs)
    p.delete(created.id, retagged.outs)
    assert emulator.counts() == {"DeleteCustomModelDeployment": 2, "GetCustomModelDeployment": 1}
    assert p.read(created.id, retagged.outs).id == ""
    assert deployments(emulator) == []


def test_a_timed_out_create_is_resumed_by_the_next_up_never_duplicated(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider()
    with pytest.raises(errors.NotStabilizedError, match="Timeout: still Creating .*Run `pulumi up` again to resume waiting"):
        p.create(checked(p, model_arn=model_arn, timeouts={"create": "2m"}))
    assert [d["status"] for d in deployments(emulator)] == ["Creating"]
    again = provider().create(checked(provider(), model_arn=model_arn))
    assert again.outs["status"] == "Active"
    assert [d["customModelDeploymentArn"] for d in deployments(emulator)] == [again.id]
    assert emulator.count("CreateCustomModelDeployment") == 2


def test_a_failed_create_is_deleted_and_reports_the_failure_message(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider()
    emulator.fail_next("CreateCustomModelDeployment", "capacity unavailable")
    with pytest.raises(errors.NotStabilizedError) as raised:
        p.create(checked(p, name="doomed", model_arn=model_arn))
    assert str(raised.value).startswith('creating Bedrock custom model deployment "doomed": Failed: capacity unavailable.')
    assert "was deleted" in str(raised.value)
    assert deployments(emulator) == [] and emulator.count("DeleteCustomModelDeployment") == 1
    assert provider().create(checked(p, name="doomed", model_arn=model_arn)).outs["status"] == "Active"


def test_a_failed_update_keeps_the_old_model_and_reports_the_reason(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider()
    inputs = checked(p, model_arn=model_arn, tags={"app": "chat"})
    created = p.create(inputs)
    new_model = emulator.seed_custom_model("tuned-haiku-v2", HAIKU)
    emulator.fail_next("UpdateCustomModelDeployment", "the new model is incompatible")
    emulator.reset_log()
    with pytest.raises(errors.NotStabilizedError, match="UpdateFailed: the new model is incompatible"):
        p.update(created.id, created.outs, {**inputs, "model_arn": new_model, "tags": {"app": "chat", "team": "ml"}})
    assert "TagResource" not in emulator.counts()
    read = p.read(created.id, created.outs)
    assert read.outs["model_arn"] == model_arn and read.outs["status"] == "Active"
    assert read.outs["update_details"] == {"model_arn": new_model, "update_status": "UpdateFailed"}
    assert p.update(created.id, read.outs, {**inputs, "model_arn": new_model}).outs["model_arn"] == new_model


def test_a_timed_out_update_is_resumed_without_a_second_update_call(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider()
    inputs = checked(p, model_arn=model_arn)
    created = p.create(inputs)
    new_model = emulator.seed_custom_model("tuned-haiku-v2", HAIKU)
    with pytest.raises(errors.NotStabilizedError, match="Timeout: still Updating .*resume waiting for this same update"):
        p.update(created.id, created.outs, {**inputs, "model_arn": new_model, "timeouts": {"update": "1m"}})
    resumed = p.update(created.id, created.outs, {**inputs, "model_arn": new_model})
    assert resumed.outs["model_arn"] == new_model
    assert emulator.count("UpdateCustomModelDeployment") == 1


def test_an_explicit_name_taken_fails_with_the_hint_or_is_adopted(emulator: BedrockEmulator, model_arn: str) -> None:
    client = emulator.client(REGION)
    existing = client.create_custom_model_deployment(
        modelDeploymentName="shared", modelArn=model_arn, tags=[{"key": "owner", "value": "console"}]
    )["customModelDeploymentArn"]
    p = provider()
    with pytest.raises(errors.ConflictError, match="adopt_existing=True"):
        p.create(checked(p, name="shared", model_arn=model_arn, tags={"app": "chat"}))
    adopted = p.create(checked(p, name="shared", model_arn=model_arn, tags={"app": "chat"}, adopt_existing=True))
    assert adopted.id == existing and adopted.outs["status"] == "Active"
    assert aws_tags(emulator, existing) == {"app": "chat"}
    read = p.read(adopted.id, {"region": REGION})
    assert p.diff(adopted.id, read.outs, checked(p, name="shared", model_arn=model_arn, tags={"app": "chat"})).changes is False


def test_delete_before_replace_with_a_kept_name_can_create_the_new_one_at_once(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider()
    old_inputs = checked(p, name="fixed", model_arn=model_arn, description="one")
    created = p.create(old_inputs)
    new_inputs = checked(p, name="fixed", model_arn=model_arn, description="two")
    diff = p.diff(created.id, created.outs, new_inputs)
    assert diff.replaces == ["description"] and diff.delete_before_replace is True
    p.delete(created.id, created.outs)
    replaced = p.create(new_inputs)
    assert replaced.id != created.id and replaced.outs["description"] == "two"
    assert [d["customModelDeploymentArn"] for d in deployments(emulator)] == [replaced.id]


def test_a_deployment_deleted_out_of_band_is_dropped_on_refresh(emulator: BedrockEmulator, model_arn: str) -> None:
    p = provider()
    created = p.create(checked(p, model_arn=model_arn))
    emulator.client(REGION).delete_custom_model_deployment(customModelDeploymentIdentifier=created.id)
    assert p.read(created.id, created.outs).id == ""


def test_throttling_and_server_errors_are_retried_by_botocore(emulator: BedrockEmulator, model_arn: str) -> None:
    emulator.set_durations(custom_model_deployment_create=0)
    p = provider()
    inputs = checked(p, model_arn=model_arn)
    emulator.error_next("CreateCustomModelDeployment", "ThrottlingException")
    emulator.error_next("GetCustomModelDeployment", "InternalServerException")
    assert p.create(inputs).outs["status"] == "Active"
    statuses = [(r["operation"], r["status"]) for r in emulator.requests()]
    assert statuses == [
        ("CreateCustomModelDeployment", 429),
        ("CreateCustomModelDeployment", 202),
        ("GetCustomModelDeployment", 500),
        ("GetCustomModelDeployment", 200),
    ]


def test_the_service_rejecting_a_model_is_reported_with_the_resource(emulator: BedrockEmulator) -> None:
    p = provider()
    missing = f"arn:aws:bedrock:{REGION}:123456789012:custom-model/imported/abcdef123456"
    with pytest.raises(errors.InvalidRequestError) as raised:
        p.create(checked(p, name="no-model", model_arn=missing))
    assert str(raised.value).startswith('creating Bedrock custom model deployment "no-model": ValidationException:')
