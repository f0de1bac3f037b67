"""ProvisionedModelThroughput provider over HTTP against the local Bedrock emulator.

The provider's waits sleep by advancing the emulator's clock, and its commitment check reads the
emulator's clock, so minutes of Creating and months of commitment pass in milliseconds.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.clock import Clock
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"
NOVA_PRO = "amazon.nova-pro-v1:0"


@pytest.fixture(autouse=True)
def emulator_time(bedrock_emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        bedrock_emulator.advance(seconds)

    monkeypatch.setattr(
        BedrockProvider, "clock", Clock(sleep=sleep, monotonic=lambda: bedrock_emulator.now().timestamp(), now=bedrock_emulator.now)
    )
    return slept


def provider(**config: str) -> ProvisionedModelThroughputProvider:
    p = ProvisionedModelThroughputProvider()
    p.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return p


def checked(p: ProvisionedModelThroughputProvider, **news: Any) -> dict[str, Any]:
    result = p.check({}, {"region": REGION, "_autoname": "proj/dev/pt", "model_units": 1.0, **news})
    assert result.failures == [], result.failures
    return result.inputs


def tags_of(bedrock_emulator: BedrockEmulator, arn: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in bedrock_emulator.client(REGION).list_tags_for_resource(resourceARN=arn)["tags"]}


def test_life_cycle_waits_through_creating_and_makes_exactly_the_calls_it_needs(
    bedrock_emulator: BedrockEmulator, emulator_time: list[float]
) -> None:
    bedrock_emulator.set_durations(provisioned_throughput_create=100)
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "test"}})})
    inputs = checked(p, model_arn=NOVA_PRO, model_units=2.0, tags={"app": "chat"})

    created = p.create(inputs)
    assert created.outs["status"] == "InService" and created.outs["model_units"] == 2
    assert created.outs["model_arn"] == NOVA_PRO and created.outs["foundation_model_arn"].endswith(f"foundation-model/{NOVA_PRO}")
    assert created.outs["provisioned_model_name"] == inputs["provisioned_model_name"]
    assert emulator_time == [30.0, 45.0, 60.0]  # backoff capped at 60 s; 100 s of Creating
    assert bedrock_emulator.counts() == {"CreateProvisionedModelThroughput": 1, "GetProvisionedModelThroughput": len(emulator_time) + 1}
    assert tags_of(bedrock_emulator, created.id) == {"app": "chat", "env": "test"}

    bedrock_emulator.reset_log()
    read = p.read(created.id, created.outs)
    assert read.outs == created.outs
    assert p.diff(created.id, read.outs, inputs).changes is False
    assert bedrock_emulator.counts() == {"GetProvisionedModelThroughput": 1, "ListTagsForResource": 1}

    bedrock_emulator.reset_log()
    renamed = {**inputs, "provisioned_model_name": "pt-renamed", "tags": {"app": "chat", "team": "ml"}}
    diff = p.diff(created.id, read.outs, renamed)
    assert diff.changes is True and diff.replaces == []
    updated = p.update(created.id, read.outs, renamed)
    assert updated.outs["provisioned_model_name"] == "pt-renamed"
    assert updated.outs["tags_all"] == {"app": "chat", "team": "ml", "env": "test"}
    assert {k: updated.outs[k] for k in ("provisioned_model_arn", "model_arn", "model_units", "creation_time")} == {
        k: created.outs[k] for k in ("provisioned_model_arn", "model_arn", "model_units", "creation_time")
    }
    update_calls = bedrock_emulator.requests("UpdateProvisionedModelThroughput")
    assert [r["params"].get("desiredProvisionedModelName") for r in update_calls] == ["pt-renamed"]
    assert "desiredModelId" not in update_calls[0]["params"]

    bedrock_emulator.reset_log()
    p.delete(created.id, updated.outs)
    p.delete(created.id, updated.outs)
    assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 1
    assert p.read(created.id, updated.outs).id == ""


def test_a_retried_create_resumes_the_same_throughput_never_a_duplicate(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.set_durations(provisioned_throughput_create=600)
    p = provider()
    inputs = checked(p, model_arn=NOVA_PRO, timeouts={"create": "1m"})
    with pytest.raises(errors.NotStabilizedError, match="Timeout: still Creating.*keeps existing and AWS bills it.*same client token"):
        p.create(inputs)
    resumed = provider().create(checked(provider(), model_arn=NOVA_PRO))
    assert resumed.outs["status"] == "InService"
    summaries = bedrock_emulator.client(REGION).list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert [s["provisionedModelArn"] for s in summaries] == [resumed.id]
    assert bedrock_emulator.count("CreateProvisionedModelThroughput") == 2


def test_a_create_that_ends_failed_leaves_nothing_behind(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.set_durations(provisioned_throughput_create=60)
    bedrock_emulator.fail_next("CreateProvisionedModelThroughput", "Insufficient capacity in us-east-1")
    p = provider()
    with pytest.raises(errors.NotStabilizedError, match="Failed: Insufficient capacity in us-east-1; the failed throughput .* was deleted"):
        p.create(checked(p, model_arn=NOVA_PRO))
    assert bedrock_emulator.client(REGION).list_provisioned_model_throughputs()["provisionedModelSummaries"] == []


def test_a_custom_model_switch_updates_in_place_through_updating(bedrock_emulator: BedrockEmulator) -> None:
    first = bedrock_emulator.seed_custom_model("tuned-a", HAIKU)
    second = bedrock_emulator.seed_custom_model("tuned-b", HAIKU)
    p = provider()
    inputs = checked(p, model_arn=first)
    created = p.create(inputs)
    bedrock_emulator.set_durations(provisioned_throughput_update=90)
    bedrock_emulator.reset_log()
    news = {**inputs, "model_arn": second}
    assert p.diff(created.id, created.outs, news).replaces == []
    updated = p.update(created.id, created.outs, news)
    assert updated.outs["model_arn"] == second and updated.outs["status"] == "InService"
    statuses = [r["status"] for r in bedrock_emulator.requests("GetProvisionedModelThroughput")]
    assert len(statuses) >= 3  # Updating at least once, then InService, then the final read
    assert [r["params"]["desiredModelId"] for r in bedrock_emulator.requests("UpdateProvisionedModelThroughput")] == [second]
    # back to the base model is also in place; another foundation model replaces
    assert p.diff(created.id, updated.outs, {**inputs, "model_arn": HAIKU}).replaces == []
    assert p.diff(created.id, updated.outs, {**inputs, "model_arn": NOVA_PRO}).replaces == ["model_arn"]


def test_a_custom_model_named_by_name_refreshes_without_changes(bedrock_emulator: BedrockEmulator) -> None:
    bedrock_emulator.seed_custom_model("tuned", HAIKU)
    p = provider()
    inputs = checked(p, model_arn="tuned")
    created = p.create(inputs)
    read = p.read(created.id, created.outs)
    assert read.outs["model_arn"] == "tuned" and read.outs["foundation_model_arn"] == HAIKU_ARN
    assert p.diff(created.id, read.outs, inputs).changes is False


def test_a_committed_throughput_refuses_deletion_until_expiry_then_deletes(bedrock_emulator: BedrockEmulator) -> None:
    p = provider()
    created = p.create(checked(p, model_arn=NOVA_PRO, commitment_duration="OneMonth"))
    assert created.outs["commitment_expiration_time"] is not None
    # State written before the commitment was known must not matter: delete reads it again.
    stale = {**created.outs, "commitment_duration": None, "commitment_expiration_time": None}
    bedrock_emulator.reset_log()
    with pytest.raises(errors.ConflictError, match="CommitmentNotExpired: .*commitmentExpirationTime.*pulumi state delete"):
        p.delete(created.id, stale)
    assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 0
    assert bedrock_emulator.client(REGION).get_provisioned_model_throughput(provisionedModelId=created.id)["status"] == "InService"

    bedrock_emulator.advance(32 * 24 * 3600)
    p.delete(created.id, stale)
    assert bedrock_emulator.count("DeleteProvisionedModelThroughput") == 1
    assert p.read(created.id, stale).id == ""


def test_a_replacement_of_a_committed_throughput_is_ordered_delete_first(
    bedrock_emulator: BedrockEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    p = provider()
    inputs = checked(p, model_arn=NOVA_PRO, commitment_duration="OneMonth")
    created = p.create(inputs)
    more_units = checked(p, model_arn=NOVA_PRO, commitment_duration="OneMonth", model_units=2)
    diff = p.diff(created.id, created.outs, more_units)
    assert diff.replaces == ["model_units"] and diff.delete_before_replace is True
    assert "changing model_units (1 → 2) replaces it" in capsys.readouterr().err


def test_an_existing_throughput_is_adopted_only_on_request(bedrock_emulator: BedrockEmulator) -> None:
    client = bedrock_emulator.client(REGION)
    existing = client.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="shared", modelId=NOVA_PRO, tags=[{"key": "owner", "value": "console"}]
    )["provisionedModelArn"]
    p = provider()
    with pytest.raises(errors.ConflictError, match="adopt_existing=True"):
        p.create(checked(p, provisioned_model_name="shared", model_arn=NOVA_PRO))
    adopted = p.create(checked(p, provisioned_model_name="shared", model_arn=NOVA_PRO, tags={"app": "chat"}, adopt_existing=True))
    assert adopted.id == existing and tags_of(bedrock_emulator, existing) == {"app": "chat"}


def test_commitment_expiry_is_decided_on_the_emulators_clock_not_a_skewed_local_one(
    bedrock_emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    p = provider()
    inputs = checked(p, model_arn=NOVA_PRO, commitment_duration="OneMonth")
    created = p.create(inputs)
    more_units = checked(p, model_arn=NOVA_PRO, commitment_duration="OneMonth", model_units=2)
    # This machine's clock is a year ahead: by it the commitment has expired; by AWS's it has not.
    monkeypatch.setattr(BedrockProvider, "clock", replace(BedrockProvider.clock, now=lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)))
    assert p.diff(created.id, created.outs, more_units).delete_before_replace is True
    with pytest.raises(errors.ConflictError, match="CommitmentNotExpired"):
        p.delete(created.id, created.outs)
    # Now AWS's clock passes the expiry while this machine's clock is a year behind.
    bedrock_emulator.advance(32 * 24 * 3600)
    monkeypatch.setattr(BedrockProvider, "clock", replace(BedrockProvider.clock, now=lambda: dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365)))
    bedrock_emulator.reset_log()
    # A committed throughput is still replaced delete-first: the diff never asks AWS (previews stay offline).
    assert p.diff(created.id, created.outs, more_units).delete_before_replace is True
    assert bedrock_emulator.counts() == {}
    p.delete(created.id, created.outs)
    assert p.read(created.id, created.outs).id == ""
