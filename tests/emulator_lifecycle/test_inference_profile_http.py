"""ApplicationInferenceProfile provider over HTTP against the local Bedrock emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_bedrock_inference.providers import client as client_cache
from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
MODEL_ID = "anthropic.claude-3-5-sonnet-20241022-v2:0"
SYSTEM_ID = f"us.{MODEL_ID}"


def provider(**config: str) -> ApplicationInferenceProfileProvider:
    p = ApplicationInferenceProfileProvider()
    p.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return p


def checked(p: ApplicationInferenceProfileProvider, **news: Any) -> dict[str, Any]:
    result = p.check({}, {"region": REGION, "_autoname": "proj/dev/chat", **news})
    assert result.failures == []
    return result.inputs


def test_life_cycle_makes_exactly_the_calls_it_needs(bedrock_emulator: BedrockEmulator) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "test"}})})
    inputs = checked(p, model_source={"copy_from": MODEL_ID}, description="chat", tags={"app": "chat"})

    created = p.create(inputs)
    assert bedrock_emulator.counts() == {"CreateInferenceProfile": 1, "GetInferenceProfile": 1}
    assert created.outs["models"] == [{"model_arn": f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL_ID}"}]
    client = bedrock_emulator.client(REGION)
    assert {t["key"]: t["value"] for t in client.list_tags_for_resource(resourceARN=created.id)["tags"]} == {"app": "chat", "env": "test"}

    bedrock_emulator.reset_log()
    read = p.read(created.id, created.outs)
    assert read.outs == created.outs
    assert p.diff(created.id, read.outs, inputs).changes is False
    assert bedrock_emulator.counts() == {"GetInferenceProfile": 1, "ListTagsForResource": 1}

    bedrock_emulator.reset_log()
    updated = p.update(created.id, read.outs, {**inputs, "tags": {"app": "chat", "team": "ml"}})
    assert bedrock_emulator.counts() == {"TagResource": 1}
    assert updated.outs["tags_all"] == {"app": "chat", "team": "ml", "env": "test"}
    assert {k: updated.outs[k] for k in ("arn", "name", "models", "status")} == {k: created.outs[k] for k in ("arn", "name", "models", "status")}

    bedrock_emulator.reset_log()
    p.delete(created.id, updated.outs)
    p.delete(created.id, updated.outs)
    assert bedrock_emulator.counts() == {"DeleteInferenceProfile": 2}
    assert p.read(created.id, updated.outs).id == ""


def test_a_retried_create_gets_the_same_profile_never_a_duplicate(bedrock_emulator: BedrockEmulator) -> None:
    p = provider()
    inputs = checked(p, model_source={"copy_from": SYSTEM_ID})
    first = p.create(inputs)
    again = provider().create(checked(provider(), model_source={"copy_from": SYSTEM_ID}))
    assert first.id == again.id
    profiles = bedrock_emulator.client(REGION).list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert len(profiles) == 1
    assert len(first.outs["models"]) > 1 and first.outs["model_source"]["copy_from"].endswith(f"inference-profile/{SYSTEM_ID}")


def test_an_explicit_name_taken_by_another_profile_fails_or_is_adopted(bedrock_emulator: BedrockEmulator) -> None:
    client = bedrock_emulator.client(REGION)
    existing = client.create_inference_profile(
        inferenceProfileName="shared",
        modelSource={"copyFrom": f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL_ID}"},
        tags=[{"key": "owner", "value": "console"}],
    )["inferenceProfileArn"]
    p = provider()
    with pytest.raises(errors.ConflictError, match="adopt_existing=True"):
        p.create(checked(p, name="shared", model_source={"copy_from": MODEL_ID}, tags={"app": "chat"}))
    adopted = p.create(checked(p, name="shared", model_source={"copy_from": MODEL_ID}, tags={"app": "chat"}, adopt_existing=True))
    assert adopted.id == existing
    assert {t["key"]: t["value"] for t in client.list_tags_for_resource(resourceARN=existing)["tags"]} == {"app": "chat"}
    assert p.diff(adopted.id, p.read(adopted.id, {"region": REGION}).outs, checked(p, name="shared", model_source={"copy_from": MODEL_ID}, tags={"app": "chat"})).changes is False


def test_refresh_sees_tag_drift_and_the_next_update_repairs_it(bedrock_emulator: BedrockEmulator) -> None:
    p = provider()
    inputs = checked(p, model_source={"copy_from": MODEL_ID}, tags={"app": "chat"})
    created = p.create(inputs)
    client = bedrock_emulator.client(REGION)
    client.tag_resource(resourceARN=created.id, tags=[{"key": "rogue", "value": "1"}])
    client.untag_resource(resourceARN=created.id, tagKeys=["app"])
    read = p.read(created.id, created.outs)
    assert read.outs["tags_all"] == {"rogue": "1"}
    diff = p.diff(created.id, read.outs, inputs)
    assert diff.changes is True and diff.replaces == []
    p.update(created.id, read.outs, inputs)
    assert {t["key"]: t["value"] for t in client.list_tags_for_resource(resourceARN=created.id)["tags"]} == {"app": "chat"}


def test_a_profile_deleted_out_of_band_is_dropped_on_refresh(bedrock_emulator: BedrockEmulator) -> None:
    p = provider()
    created = p.create(checked(p, model_source={"copy_from": MODEL_ID}))
    bedrock_emulator.client(REGION).delete_inference_profile(inferenceProfileIdentifier=created.id)
    assert p.read(created.id, created.outs).id == ""


def test_throttling_and_server_errors_are_retried_by_botocore(bedrock_emulator: BedrockEmulator) -> None:
    p = provider()
    inputs = checked(p, model_source={"copy_from": MODEL_ID})
    bedrock_emulator.error_next("CreateInferenceProfile", "ThrottlingException")
    bedrock_emulator.error_next("GetInferenceProfile", "InternalServerException")
    created = p.create(inputs)
    assert created.outs["status"] == "ACTIVE"
    statuses = [(r["operation"], r["status"]) for r in bedrock_emulator.requests()]
    assert statuses == [
        ("CreateInferenceProfile", 429),
        ("CreateInferenceProfile", 201),
        ("GetInferenceProfile", 500),
        ("GetInferenceProfile", 200),
    ]


def test_the_service_rejecting_a_source_is_reported_with_the_resource(bedrock_emulator: BedrockEmulator) -> None:
    client_cache.clear_cache()  # a process that has not learned its account yet looks the ID up
    p = provider()
    with pytest.raises(errors.InvalidRequestError) as raised:
        p.create(checked(p, name="bad-source", model_source={"copy_from": "acme.not-a-model-v1:0"}))
    assert str(raised.value).startswith('creating Bedrock application inference profile "bad-source": ValidationException:')
    with pytest.raises(errors.InvalidRequestError, match="not a system-defined inference profile in us-east-1"):
        p.create(checked(p, name="bad-profile", model_source={"copy_from": "eu.acme.not-a-model-v1:0"}))
