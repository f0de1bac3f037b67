"""ProvisionedModelThroughput provider: check, diff, and the exact AWS calls of each operation."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest
from botocore.stub import ANY, Stubber
from pulumi.output import Unknown
from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.clock import Clock
from pulumi_bedrock_inference.providers import provisioned_throughput as module
from pulumi_bedrock_inference.providers.provisioned_throughput import (
    ProvisionedModelThroughput,
    ProvisionedModelThroughputProvider,
)

from .conftest import FakeConfigureRequest

REGION = "us-east-1"
ACCOUNT = "123456789012"
MODEL_ID = "amazon.titan-text-express-v1:0:8k"
MODEL_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL_ID}"
OTHER_MODEL_ID = "amazon.titan-text-lite-v1:0:4k"
CUSTOM_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{MODEL_ID}/abcdef123456"
OTHER_CUSTOM_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{MODEL_ID}/fedcba654321"
ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/abcdef123456"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
FUTURE = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=20)
PAST = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def no_real_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Sleeps are recorded, not slept; the clock moves by each sleep."""
    slept: list[float] = []
    monkeypatch.setattr(BedrockProvider, "clock", Clock(sleep=slept.append, monotonic=lambda: sum(slept)))
    return slept


def provider(**config: str) -> ProvisionedModelThroughputProvider:
    p = ProvisionedModelThroughputProvider()
    p.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return p


def throughput(status: str = "InService", name: str = "pt-prod", model: str = MODEL_ARN, units: int = 1, **extra: Any) -> dict[str, Any]:
    response = {
        "provisionedModelName": name,
        "provisionedModelArn": ARN,
        "modelArn": model,
        "desiredModelArn": model,
        "foundationModelArn": MODEL_ARN,
        "modelUnits": units,
        "desiredModelUnits": units,
        "status": status,
        "creationTime": NOW,
        "lastModifiedTime": NOW,
    }
    response.update(extra)
    return response


def inputs(**overrides: Any) -> dict[str, Any]:
    values = {"provisioned_model_name": "pt-prod", "model_arn": MODEL_ID, "model_units": 1, "region": REGION, "tags": {"app": "chat"}}
    values.update(overrides)
    return values


def outputs(**overrides: Any) -> dict[str, Any]:
    values = {
        **inputs(),
        "provisioned_model_arn": ARN,
        "status": "InService",
        "foundation_model_arn": MODEL_ARN,
        "commitment_duration": None,
        "commitment_expiration_time": None,
        "tags_all": {"app": "chat"},
    }
    values.update(overrides)
    return values


def failures(result: Any) -> dict[str, str]:
    return {f.property: f.reason for f in result.failures}


def get(stubbed: Stubber, response: dict[str, Any]) -> None:
    stubbed.add_response("get_provisioned_model_throughput", response, {"provisionedModelId": ARN})


# check


def test_check_coerces_integral_float_units_and_autonames_from_replace_triggers_only() -> None:
    p = provider(**{"aws:region": "eu-west-1"})
    news = {"model_arn": MODEL_ID, "model_units": 2.0, "_autoname": "proj/dev/chat.pt", "provisioned_model_arn": None, "tags_all": None}
    first = p.check({}, dict(news))
    assert first.failures == []
    assert first.inputs["model_units"] == 2 and type(first.inputs["model_units"]) is int
    assert first.inputs["region"] == "eu-west-1"
    name = first.inputs["provisioned_model_name"]
    assert name.startswith("chat-pt-") and len(name) == len("chat-pt-") + 8
    assert "provisioned_model_arn" not in first.inputs and "tags_all" not in first.inputs
    assert p.check({}, {**news, "model_units": 2}).inputs["provisioned_model_name"] == name
    # Each input that can replace gives a new name (a replacement is checked with no olds), so
    # create-before-delete never collides; a foundation model moving to another one replaces.
    changed = [
        p.check({}, {**news, "model_units": 3}),
        p.check({}, {**news, "commitment_duration": "OneMonth"}),
        p.check({}, {**news, "region": "us-west-2"}),
        p.check({}, {**news, "_autoname": "proj/prod/chat.pt"}),
        p.check({}, {**news, "model_arn": OTHER_MODEL_ID}),
    ]
    assert len({name, *(c.inputs["provisioned_model_name"] for c in changed)}) == 6


def test_check_keeps_an_explicit_name_and_drops_the_autoname_seed() -> None:
    result = provider().check({}, inputs(_autoname="proj/dev/pt"))
    assert result.failures == [] and "_autoname" not in result.inputs and result.inputs["provisioned_model_name"] == "pt-prod"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"model_units": 0}, "model_units", "at least 1 (got 0)"),
        ({"model_units": 1.5}, "model_units", "whole number, got 1.5"),
        ({"model_units": "2"}, "model_units", "whole number, got str"),
        ({"model_units": True}, "model_units", "whole number"),
        ({"model_units": None}, "model_units", "is required"),
        ({"commitment_duration": "OneYear"}, "commitment_duration", "one of OneMonth, SixMonths"),
        ({"provisioned_model_name": "pt prod"}, "provisioned_model_name", "letters and digits"),
        ({"provisioned_model_name": "p" * 64}, "provisioned_model_name", "at most 63"),
        ({"provisioned_model_name": "pt--prod"}, "provisioned_model_name", "must match the pattern"),
        ({"model_arn": "gpt 4!"}, "model_arn", "foundation model ID"),
        ({"model_arn": "arn:aws:s3:::bucket"}, "model_arn", "custom model name"),
        ({"model_arn": None}, "model_arn", "is required"),
        ({"model_arn": f"arn:aws:bedrock:us-west-2::foundation-model/{MODEL_ID}"}, "model_arn", "region us-west-2"),
        ({"timeouts": {"create": "soon"}}, "timeouts.create", "positive duration"),
        ({"timeouts": {"read": "5m"}}, "timeouts.read", "create, update, delete"),
        ({"timeouts": "60m"}, "timeouts", "object"),
        ({"tags": {"aws:x": "y"}}, "tags", "reserved prefix"),
        ({"region": "Mars"}, "region", "AWS region"),
        ({"adopt_existing": "yes"}, "adopt_existing", "true or false"),
        ({"modelUnits": 1}, "modelUnits", "is not an input"),
    ],
)
def test_check_names_the_field_and_the_rule(overrides: dict[str, Any], field: str, fragment: str) -> None:
    result = provider().check({}, inputs(**overrides))
    assert field in failures(result), failures(result)
    assert failures(result)[field].startswith(field) and fragment in failures(result)[field]


def test_check_accepts_every_model_form_and_valid_timeouts() -> None:
    for model in (MODEL_ID, MODEL_ARN, CUSTOM_ARN, "my-custom-model"):
        for commitment in (None, "OneMonth", "SixMonths"):
            result = provider().check({}, inputs(model_arn=model, commitment_duration=commitment, timeouts={"create": "90m", "delete": "1h30m"}))
            assert result.failures == [], (model, commitment, failures(result))


def test_check_lets_preview_unknowns_through_and_leaves_the_autoname_unknown() -> None:
    result = provider().check({}, inputs(model_arn=Unknown(), model_units=Unknown(), tags=Unknown(), timeouts=Unknown()))
    assert result.failures == []
    autonamed = provider().check({}, {"model_arn": MODEL_ID, "model_units": Unknown(), "region": REGION, "_autoname": "p/s/pt"})
    assert autonamed.failures == [] and isinstance(autonamed.inputs["provisioned_model_name"], Unknown)


# diff


def test_diff_same_inputs_is_no_change_with_a_model_id_against_its_arn(capsys: pytest.CaptureFixture[str]) -> None:
    result = provider().diff(ARN, outputs(model_arn=MODEL_ARN, model_units=1.0), inputs())
    assert result.changes is False and result.replaces == []
    custom = provider().diff(ARN, outputs(model_arn=CUSTOM_ARN), inputs(model_arn=CUSTOM_ARN))
    assert custom.changes is False
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("olds", "news", "replaced", "fragment"),
    [
        ({}, {"model_units": 2}, ["model_units"], "changing model_units (1 → 2) replaces it: a new throughput is bought (2 model units, no commitment)"),
        ({}, {"commitment_duration": "OneMonth"}, ["commitment_duration"], "changing commitment_duration (none → OneMonth) replaces it: a new throughput is bought (1 model units, OneMonth commitment) and the old one deleted"),
        ({}, {"region": "us-west-2"}, ["region"], "changing region (us-east-1 → us-west-2)"),
        ({}, {"model_arn": OTHER_MODEL_ID}, ["model_arn"], f"changing model_arn ({MODEL_ID} → {OTHER_MODEL_ID})"),
        ({}, {"model_arn": CUSTOM_ARN}, ["model_arn"], "changing model_arn"),
        ({"model_arn": CUSTOM_ARN}, {"model_arn": OTHER_MODEL_ID}, ["model_arn"], "changing model_arn"),
        ({}, {"model_units": Unknown()}, ["model_units"], "(1 → unknown)"),
    ],
)
def test_diff_replaces_units_commitment_region_and_foundation_model_changes_and_warns_on_stderr(
    olds: dict[str, Any], news: dict[str, Any], replaced: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = provider().diff(ARN, outputs(**olds), inputs(**news))
    assert result.changes is True and result.replaces == replaced
    assert result.delete_before_replace is True  # the explicit name stays: it must be freed first
    err = capsys.readouterr().err
    assert err.startswith('Bedrock provisioned model throughput "pt-prod": ') and fragment in err


def test_diff_updates_the_name_and_a_custom_model_in_place_without_warning(capsys: pytest.CaptureFixture[str]) -> None:
    renamed = provider().diff(ARN, outputs(), inputs(provisioned_model_name="pt-two"))
    assert renamed.changes is True and renamed.replaces == []
    other_custom = provider().diff(ARN, outputs(model_arn=CUSTOM_ARN), inputs(model_arn=OTHER_CUSTOM_ARN))
    assert other_custom.changes is True and other_custom.replaces == []
    by_name = provider().diff(ARN, outputs(model_arn=CUSTOM_ARN), inputs(model_arn="my-custom-model"))
    assert by_name.changes is True and by_name.replaces == []
    to_base = provider().diff(ARN, outputs(model_arn=CUSTOM_ARN), inputs(model_arn=MODEL_ID))
    assert to_base.changes is True and to_base.replaces == []
    unknown = provider().diff(ARN, outputs(model_arn=CUSTOM_ARN), inputs(model_arn=Unknown()))
    assert unknown.changes is True and unknown.replaces == []
    assert provider().diff(ARN, outputs(), inputs(model_arn=Unknown())).replaces == ["model_arn"]
    tags = provider().diff(ARN, outputs(), inputs(tags={"app": "chat", "team": "ml"}))
    assert tags.changes is True and tags.replaces == []
    assert capsys.readouterr().err.count("replaces it") == 1  # only the unknown foundation-model change


def with_date(response: dict[str, Any], aws_time: dt.datetime) -> dict[str, Any]:
    """A Get response as AWS sends it: ``Date`` header from AWS's clock."""
    date = aws_time.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return {**response, "ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {"date": date}}}


EXPIRES = dt.datetime(2026, 12, 25, 12, 0, tzinfo=dt.timezone.utc)


def test_diff_autonamed_replacement_creates_first_unless_the_old_one_has_a_commitment(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    news = inputs(provisioned_model_name="pt-2b3c4d5e", model_units=2, _autoname="p/s/pt")
    plain = provider().diff(ARN, outputs(provisioned_model_name="pt-1a2b3c4d"), news)
    assert plain.replaces == ["model_units"] and plain.delete_before_replace is False
    committed_outputs = outputs(provisioned_model_name="pt-1a2b3c4d", commitment_duration="OneMonth", commitment_expiration_time=EXPIRES.isoformat())
    committed_news = {**news, "commitment_duration": "OneMonth"}

    monkeypatch.setattr(BedrockProvider, "clock", replace(BedrockProvider.clock, now=lambda: EXPIRES - dt.timedelta(days=1)))
    committed = provider().diff(ARN, committed_outputs, committed_news)
    assert committed.replaces == ["model_units"] and committed.delete_before_replace is True
    err = capsys.readouterr().err.splitlines()
    assert "commitment runs until" not in err[0]
    assert f"The old one's OneMonth commitment runs until {EXPIRES.isoformat()}" in err[1]


def test_diff_orders_any_committed_replacement_delete_first_without_asking_aws(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A preview makes no AWS call, and a local clock a year late or early cannot make the
    # replacement buy a second throughput while the old one is still committed.
    news = {**inputs(model_units=2, _autoname="p/s/pt"), "commitment_duration": "OneMonth"}
    olds = outputs(commitment_duration="OneMonth", commitment_expiration_time=EXPIRES.isoformat())
    for skew in (dt.timedelta(days=365), -dt.timedelta(days=365)):
        monkeypatch.setattr(BedrockProvider, "clock", replace(BedrockProvider.clock, now=lambda skew=skew: EXPIRES + skew))
        assert provider().diff(ARN, olds, news).delete_before_replace is True
    stubbed.assert_no_pending_responses()
    assert "deleted first" in capsys.readouterr().err


# create


def test_create_sends_one_create_with_tags_and_a_stable_token_then_waits_until_in_service(
    stubbed: Stubber, no_real_waiting: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    expected = {
        "provisionedModelName": "pt-prod",
        "modelId": MODEL_ID,
        "modelUnits": 2,
        "commitmentDuration": "OneMonth",
        "tags": [{"key": "app", "value": "chat"}, {"key": "env", "value": "prod"}],
        "clientRequestToken": ANY,
    }
    tokens: list[str] = []
    stubbed.client.meta.events.register(  # type: ignore[attr-defined]
        "before-parameter-build.bedrock.CreateProvisionedModelThroughput", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    in_service = throughput(units=2, commitmentDuration="OneMonth", commitmentExpirationTime=FUTURE)
    for _ in range(2):
        stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, expected)
        get(stubbed, throughput("Creating", units=2))
        get(stubbed, throughput("Creating", units=2))
        get(stubbed, in_service)
    first = p.create(inputs(model_units=2, commitment_duration="OneMonth"))
    second = p.create(inputs(model_units=2, commitment_duration="OneMonth"))
    assert first.id == ARN == second.id
    assert tokens[0] == tokens[1] and len(tokens[0]) == 64
    assert no_real_waiting[:2] == [30.0, 45.0]
    assert first.outs == {
        "provisioned_model_arn": ARN,
        "provisioned_model_name": "pt-prod",
        "status": "InService",
        "model_arn": MODEL_ID,
        "foundation_model_arn": MODEL_ARN,
        "model_units": 2,
        "commitment_duration": "OneMonth",
        "commitment_expiration_time": FUTURE.isoformat(),
        "creation_time": NOW.isoformat(),
        "last_modified_time": NOW.isoformat(),
        "failure_message": None,
        "region": REGION,
        "timeouts": None,
        "tags": {"app": "chat"},
        "tags_all": {"app": "chat", "env": "prod"},
    }
    assert 'waiting for provisioned model throughput "pt-prod": Creating' in capsys.readouterr().err


def test_create_without_commitment_or_tags_sends_neither_and_token_follows_the_request(stubbed: Stubber) -> None:
    tokens: list[str] = []
    stubbed.client.meta.events.register(  # type: ignore[attr-defined]
        "before-parameter-build.bedrock.CreateProvisionedModelThroughput", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    for units in (1, 3):
        stubbed.add_response(
            "create_provisioned_model_throughput",
            {"provisionedModelArn": ARN},
            {"provisionedModelName": "pt-prod", "modelId": CUSTOM_ARN, "modelUnits": units, "clientRequestToken": ANY},
        )
        get(stubbed, throughput(model=CUSTOM_ARN, units=units))
        result = provider().create(inputs(model_arn=CUSTOM_ARN, model_units=float(units), tags=None))
        assert result.outs["model_arn"] == CUSTOM_ARN and result.outs["commitment_duration"] is None
    assert tokens[0] != tokens[1]


def test_create_that_ends_failed_deletes_the_throughput_and_reports_the_failure_message(stubbed: Stubber) -> None:
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    get(stubbed, throughput("Creating"))
    get(stubbed, throughput("Failed", failureMessage="Insufficient capacity for amazon.titan-text-express-v1"))
    stubbed.add_response("delete_provisioned_model_throughput", {}, {"provisionedModelId": ARN})
    with pytest.raises(errors.NotStabilizedError) as raised:
        provider().create(inputs())
    assert str(raised.value) == (
        'creating Bedrock provisioned model throughput "pt-prod": Failed: Insufficient capacity for '
        f"amazon.titan-text-express-v1; the failed throughput {ARN} was deleted"
    )


def test_create_failed_and_cleanup_failed_says_both(stubbed: Stubber) -> None:
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    get(stubbed, throughput("Failed", failureMessage="boom"))
    stubbed.add_client_error("delete_provisioned_model_throughput", "AccessDeniedException", "no bedrock:DeleteProvisionedModelThroughput", 403)
    with pytest.raises(errors.NotStabilizedError, match="Failed: boom; deleting the failed throughput .* also failed, delete it yourself: .*AccessDenied"):
        provider().create(inputs())


def test_create_wait_stopped_by_cancel_leaves_the_throughput_to_resume(
    stubbed: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C (the engine's Cancel) ends the wait: the throughput is not Failed, so it is not
    # deleted (no DeleteProvisionedModelThroughput is stubbed), and the next `pulumi up` resumes it.
    from pulumi_bedrock_inference.providers import provider_process

    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    get(stubbed, throughput("Creating"))
    monkeypatch.setattr(BedrockProvider, "clock", Clock(sleep=lambda seconds: provider_process.stop_requested.set()))
    try:
        with pytest.raises(errors.NotStabilizedError) as raised:
            provider().create(inputs())
    finally:
        provider_process.stop_requested.clear()
    message = str(raised.value)
    assert message.startswith('waiting for provisioned model throughput "pt-prod" to become InService: Interrupted: stopped after')
    assert f"The throughput {ARN} keeps existing and AWS bills it" in message and "was deleted" not in message


def test_create_timeout_says_the_throughput_keeps_billing_and_how_to_resume(stubbed: Stubber, no_real_waiting: list[float]) -> None:
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    for _ in range(4):
        get(stubbed, throughput("Creating"))
    with pytest.raises(errors.NotStabilizedError) as raised:
        provider().create(inputs(timeouts={"create": "2m"}))
    message = str(raised.value)
    assert message.startswith('waiting for provisioned model throughput "pt-prod" to become InService: Timeout: still Creating after 2m00s')
    assert f"The throughput {ARN} keeps existing and AWS bills it" in message
    assert "same client token" in message and "adopt_existing=True" in message
    assert sum(no_real_waiting) == 120.0


def test_create_conflict_without_adoption_says_how_to_adopt(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_provisioned_model_throughput", "ConflictException", "name already exists", 409)
    with pytest.raises(errors.ConflictError) as raised:
        provider().create(inputs())
    assert str(raised.value).startswith('creating Bedrock provisioned model throughput "pt-prod": ConflictException: name already exists')
    assert "adopt_existing=True" in str(raised.value)


def test_create_adopts_an_existing_throughput_sets_its_tags_and_waits(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_provisioned_model_throughput", "ConflictException", "exists", 409)
    stubbed.add_response("get_provisioned_model_throughput", throughput(), {"provisionedModelId": "pt-prod"})
    stubbed.add_response("list_tags_for_resource", {"tags": [{"key": "old", "value": "1"}]}, {"resourceARN": ARN})
    stubbed.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["old"]})
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "app", "value": "chat"}]})
    get(stubbed, throughput())
    result = provider().create(inputs(adopt_existing=True))
    assert result.id == ARN and result.outs["tags_all"] == {"app": "chat"} and result.outs["model_arn"] == MODEL_ID


def test_adoption_refuses_a_throughput_with_other_units_or_commitment(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_provisioned_model_throughput", "ConflictException", "exists", 409)
    stubbed.add_response("get_provisioned_model_throughput", throughput(units=4, commitmentDuration="SixMonths"), None)
    with pytest.raises(errors.InvalidRequestError, match="model_units is 4, not 1; commitment_duration is SixMonths, not None"):
        provider().create(inputs(adopt_existing=True))


# read


def test_read_reports_drift_in_status_model_name_and_tags(stubbed: Stubber) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    drifted = throughput("Updating", name="renamed", model=CUSTOM_ARN, desiredModelArn=OTHER_CUSTOM_ARN)
    get(stubbed, drifted)
    stubbed.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": "app", "value": "chat"}, {"key": "env", "value": "prod"}, {"key": "drift", "value": "x"}]},
        {"resourceARN": ARN},
    )
    result = p.read(ARN, outputs(model_arn=CUSTOM_ARN))
    assert result.id == ARN
    assert result.outs["status"] == "Updating"
    assert result.outs["provisioned_model_name"] == "renamed"
    assert result.outs["model_arn"] == OTHER_CUSTOM_ARN
    assert result.outs["tags_all"] == {"app": "chat", "env": "prod", "drift": "x"}
    assert result.outs["tags"] == {"app": "chat", "drift": "x"}
    assert provider().diff(ARN, result.outs, inputs(model_arn=CUSTOM_ARN)).changes is True


def test_read_keeps_the_model_id_as_written_so_a_refresh_changes_nothing(stubbed: Stubber) -> None:
    get(stubbed, throughput())
    stubbed.add_response("list_tags_for_resource", {"tags": [{"key": "app", "value": "chat"}]}, None)
    read = provider().read(ARN, {"region": REGION, "model_arn": MODEL_ID, "tags": {"app": "chat"}})
    assert read.outs["model_arn"] == MODEL_ID and read.outs["model_units"] == 1
    assert provider().diff(ARN, read.outs, inputs()).changes is False


def test_read_without_state_takes_the_region_from_the_arn(stubbed: Stubber) -> None:
    get(stubbed, throughput())
    stubbed.add_response("list_tags_for_resource", {"tags": []}, None)
    read = provider().read(ARN, {})
    assert read.outs["region"] == REGION and read.outs["model_arn"] == MODEL_ARN
    assert stubbed.regions == [REGION]  # type: ignore[attr-defined]


def test_read_of_a_deleted_throughput_drops_it_from_state(stubbed: Stubber) -> None:
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    result = provider().read(ARN, outputs())
    assert result.id == "" and result.outs == {}


# update


def test_update_renames_and_switches_custom_model_then_waits_through_updating(stubbed: Stubber, no_real_waiting: list[float]) -> None:
    olds = outputs(model_arn=CUSTOM_ARN, tags={"app": "chat", "old": "1"}, tags_all={"app": "chat", "old": "1"})
    stubbed.add_response(
        "update_provisioned_model_throughput",
        {},
        {"provisionedModelId": ARN, "desiredProvisionedModelName": "pt-two", "desiredModelId": OTHER_CUSTOM_ARN},
    )
    get(stubbed, throughput("Updating", name="pt-two", model=CUSTOM_ARN, desiredModelArn=OTHER_CUSTOM_ARN))
    get(stubbed, throughput("InService", name="pt-two", model=OTHER_CUSTOM_ARN))
    stubbed.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["old"]})
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "team", "value": "ml"}]})
    get(stubbed, throughput("InService", name="pt-two", model=OTHER_CUSTOM_ARN, lastModifiedTime=NOW + dt.timedelta(hours=1)))
    result = provider().update(ARN, olds, inputs(provisioned_model_name="pt-two", model_arn=OTHER_CUSTOM_ARN, tags={"app": "chat", "team": "ml"}))
    assert no_real_waiting == [30.0]
    assert result.outs["provisioned_model_name"] == "pt-two" and result.outs["model_arn"] == OTHER_CUSTOM_ARN
    assert result.outs["status"] == "InService"
    assert result.outs["last_modified_time"] == (NOW + dt.timedelta(hours=1)).isoformat()
    assert result.outs["tags"] == result.outs["tags_all"] == {"app": "chat", "team": "ml"}
    assert set(result.outs) >= {"provisioned_model_arn", "foundation_model_arn", "model_units", "creation_time", "region"}


def test_update_of_tags_only_makes_no_update_call(stubbed: Stubber) -> None:
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "team", "value": "ml"}]})
    get(stubbed, throughput())
    result = provider().update(ARN, outputs(model_arn=MODEL_ARN), inputs(tags={"app": "chat", "team": "ml"}))
    assert result.outs["model_arn"] == MODEL_ID and result.outs["tags_all"] == {"app": "chat", "team": "ml"}


def test_update_that_ends_failed_reports_the_failure_message(stubbed: Stubber) -> None:
    stubbed.add_response("update_provisioned_model_throughput", {}, {"provisionedModelId": ARN, "desiredModelId": OTHER_CUSTOM_ARN})
    get(stubbed, throughput("Failed", model=CUSTOM_ARN, failureMessage="model not compatible"))
    with pytest.raises(errors.NotStabilizedError, match='^updating Bedrock provisioned model throughput "pt-prod": Failed: model not compatible$'):
        provider().update(ARN, outputs(model_arn=CUSTOM_ARN), inputs(model_arn=OTHER_CUSTOM_ARN))


# delete


def test_delete_before_commitment_expiry_refuses_at_once_without_a_delete_call(stubbed: Stubber) -> None:
    # The state says no commitment; the fresh Get is what counts.
    get(stubbed, throughput(commitmentDuration="SixMonths", commitmentExpirationTime=FUTURE))
    with pytest.raises(errors.ConflictError) as raised:
        provider().delete(ARN, outputs())
    message = str(raised.value)
    assert message.startswith('deleting Bedrock provisioned model throughput "pt-prod": CommitmentNotExpired: ')
    assert f"commitmentExpirationTime {FUTURE.isoformat()}" in message
    assert "pulumi state delete <urn>" in message and "keeps billing" in message and "Nothing was deleted" in message
    # The Stubber would fail on any further call, such as DeleteProvisionedModelThroughput.


def test_delete_after_commitment_expiry_deletes_and_waits_until_gone(stubbed: Stubber, no_real_waiting: list[float]) -> None:
    get(stubbed, throughput(commitmentDuration="OneMonth", commitmentExpirationTime=PAST))
    stubbed.add_response("delete_provisioned_model_throughput", {}, {"provisionedModelId": ARN})
    get(stubbed, throughput())
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    provider().delete(ARN, outputs(commitment_duration="OneMonth", commitment_expiration_time=FUTURE.isoformat()))
    assert no_real_waiting == [5.0]


def test_the_delete_gate_follows_aws_clock_not_a_skewed_local_one(stubbed: Stubber, monkeypatch: pytest.MonkeyPatch, no_real_waiting: list[float]) -> None:
    committed = throughput(commitmentDuration="OneMonth", commitmentExpirationTime=EXPIRES)
    # Local clock a month late, AWS a minute before expiry: refused without a delete call.
    monkeypatch.setattr(BedrockProvider, "clock", replace(BedrockProvider.clock, now=lambda: EXPIRES + dt.timedelta(days=30)))
    get(stubbed, with_date(committed, EXPIRES - dt.timedelta(minutes=1)))
    with pytest.raises(errors.ConflictError, match="CommitmentNotExpired"):
        provider().delete(ARN, outputs())
    # Local clock a month early, AWS a second after expiry: deleted.
    monkeypatch.setattr(BedrockProvider, "clock", replace(BedrockProvider.clock, now=lambda: EXPIRES - dt.timedelta(days=30)))
    get(stubbed, with_date(committed, EXPIRES + dt.timedelta(seconds=1)))
    stubbed.add_response("delete_provisioned_model_throughput", {}, {"provisionedModelId": ARN})
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    provider().delete(ARN, outputs())


def test_delete_waits_as_long_as_timeouts_delete_from_the_outputs(stubbed: Stubber, no_real_waiting: list[float]) -> None:
    # Delete receives only the outputs: create must put timeouts among them.
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    get(stubbed, throughput())
    created_outputs = provider().create(inputs(timeouts={"delete": "12s"})).outs
    no_real_waiting.clear()
    get(stubbed, throughput())
    stubbed.add_response("delete_provisioned_model_throughput", {}, {"provisionedModelId": ARN})
    for _ in range(3):  # at 0 s, 5 s and 12 s
        get(stubbed, throughput())
    with pytest.raises(errors.NotStabilizedError, match=r"Timeout: still InService after 12s \(timeout 12s\)"):
        provider().delete(ARN, created_outputs)
    assert sum(no_real_waiting) == 12


def test_timeouts_reach_the_outputs_and_a_change_updates_them(stubbed: Stubber) -> None:
    get(stubbed, throughput())
    stubbed.add_response("list_tags_for_resource", {"tags": [{"key": "app", "value": "chat"}]}, {"resourceARN": ARN})
    read = provider().read(ARN, outputs(timeouts={"delete": "2h"}))
    assert read.outs["timeouts"] == {"delete": "2h"}
    diff = provider().diff(ARN, read.outs, inputs(timeouts={"delete": "3h"}))
    assert diff.changes is True and diff.replaces == []
    get(stubbed, throughput())
    updated = provider().update(ARN, read.outs, inputs(timeouts={"delete": "3h"}))
    assert updated.outs["timeouts"] == {"delete": "3h"}


def test_delete_of_an_already_deleted_throughput_succeeds(stubbed: Stubber) -> None:
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    provider().delete(ARN, outputs())
    get(stubbed, throughput())
    stubbed.add_client_error("delete_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    provider().delete(ARN, outputs())


def test_delete_failure_is_reported_with_the_resource(stubbed: Stubber) -> None:
    get(stubbed, throughput())
    stubbed.add_client_error("delete_provisioned_model_throughput", "AccessDeniedException", "no bedrock:DeleteProvisionedModelThroughput", 403)
    with pytest.raises(errors.AccessDeniedError, match='deleting Bedrock provisioned model throughput "pt-prod": AccessDeniedException'):
        provider().delete(ARN, outputs())


# the resource class


def test_resource_type_token_and_args_cover_every_input() -> None:
    assert f"pulumi-python:{ProvisionedModelThroughput._resource_type_name}" == "pulumi-python:dynamic/bedrock:ProvisionedModelThroughput"  # type: ignore[attr-defined]
    args = set(module.ProvisionedModelThroughputArgs.__dataclass_fields__)
    assert args == set(module.INPUTS) - {"_autoname"}


# client tokens under EC2's reading (a repeated token answers with the original ARN, even once deleted)

GONE_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/000000deleted"


def test_a_token_answering_with_a_deleted_throughput_creates_again_with_a_salted_token(stubbed: Stubber) -> None:
    tokens: list[str] = []
    stubbed.client.meta.events.register(  # type: ignore[attr-defined]
        "before-parameter-build.bedrock.CreateProvisionedModelThroughput", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    for _ in range(2):  # the second run (a crash after the salted create) follows the same chain
        stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": GONE_ARN}, None)
        stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
        stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
        get(stubbed, throughput())
        assert provider().create(inputs()).id == ARN
    assert tokens[0] == tokens[2] and tokens[1] == tokens[3] and tokens[0] != tokens[1]


def test_a_throughput_not_yet_readable_after_its_create_is_not_created_twice(stubbed: Stubber) -> None:
    # Read-after-create lag: the Get says not found, the salted create finds the name taken by that same ARN.
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "not yet", 404)
    stubbed.add_client_error("create_provisioned_model_throughput", "ConflictException", "name taken", 409)
    stubbed.add_response("get_provisioned_model_throughput", throughput(), {"provisionedModelId": "pt-prod"})
    get(stubbed, throughput())
    assert provider().create(inputs()).id == ARN


def test_a_taken_explicit_name_held_by_another_throughput_still_needs_adopt_existing(stubbed: Stubber) -> None:
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": GONE_ARN}, None)
    stubbed.add_client_error("get_provisioned_model_throughput", "ResourceNotFoundException", "gone", 404)
    stubbed.add_client_error("create_provisioned_model_throughput", "ConflictException", "name taken", 409)
    stubbed.add_response("get_provisioned_model_throughput", throughput(), {"provisionedModelId": "pt-prod"})
    with pytest.raises(errors.ConflictError, match="adopt_existing=True"):
        provider().create(inputs())


def test_a_replacement_answered_with_the_throughput_it_replaces_stops_before_the_engine_deletes_it(stubbed: Stubber) -> None:
    # Created for a custom model, moved in place to its base model, then moved back (which replaces):
    # the same name and request give the same token, and AWS answers with the throughput in use.
    stubbed.add_response("create_provisioned_model_throughput", {"provisionedModelArn": ARN}, None)
    get(stubbed, throughput(model=MODEL_ARN))
    with pytest.raises(errors.ConflictError, match="ReplacementCollision: .*delete_before_replace=True"):
        provider().create(inputs(model_arn=CUSTOM_ARN))
