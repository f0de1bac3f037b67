"""CustomModelDeployment provider: check, diff, and the exact AWS calls of each operation, waits included."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterator

import pytest
from botocore.stub import ANY, Stubber
from pulumi.output import Unknown
from pulumi_bedrock_inference.providers import custom_model_deployment as module
from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.clock import Clock
from pulumi_bedrock_inference.providers.custom_model_deployment import (
    CustomModelDeploymentProvider,
)

from .conftest import FakeClock, FakeConfigureRequest

REGION = "us-east-1"
ACCOUNT = "123456789012"
MODEL_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/amazon.nova-micro-v1:0:128k/abcdef123456"
NEW_MODEL_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/imported/0123456789ab"
ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model-deployment/a1b2c3d4e5f6"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(minutes=7)
GET = {"customModelDeploymentIdentifier": ARN}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """Waits run on a fake clock: no test really sleeps, and timeouts are reached in fake time."""
    fake = FakeClock()
    monkeypatch.setattr(BedrockProvider, "clock", Clock(monotonic=fake.time, sleep=fake.sleep))
    yield fake


def provider(**config: str) -> CustomModelDeploymentProvider:
    p = CustomModelDeploymentProvider()
    p.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return p


def deployment(status: str = "Active", model_arn: str = MODEL_ARN, **extra: Any) -> dict[str, Any]:
    response = {
        "customModelDeploymentArn": ARN,
        "modelDeploymentName": "nova-chat",
        "modelArn": model_arn,
        "description": "chat",
        "status": status,
        "createdAt": NOW,
        "lastUpdatedAt": LATER,
    }
    response.update(extra)
    return response


def inputs(**overrides: Any) -> dict[str, Any]:
    values = {"name": "nova-chat", "model_arn": MODEL_ARN, "description": "chat", "region": REGION, "tags": {"app": "chat"}}
    values.update(overrides)
    return values


def outputs(**overrides: Any) -> dict[str, Any]:
    values = {
        **inputs(),
        "arn": ARN,
        "status": "Active",
        "created_at": NOW.isoformat(),
        "last_updated_at": LATER.isoformat(),
        "failure_message": None,
        "update_details": None,
        "timeouts": None,
        "tags_all": {"app": "chat"},
    }
    values.update(overrides)
    return values


def failures(result: Any) -> dict[str, str]:
    return {f.property: f.reason for f in result.failures}


def not_found(stubbed: Stubber, operation: str = "get_custom_model_deployment") -> None:
    stubbed.add_client_error(operation, "ResourceNotFoundException", "not found", 404)


CREATE = {
    "modelDeploymentName": "nova-chat",
    "modelArn": MODEL_ARN,
    "description": "chat",
    "tags": [{"key": "app", "value": "chat"}],
    "clientRequestToken": ANY,
}


# check


def test_check_autonames_from_description_and_region_but_not_the_model() -> None:
    p = provider(**{"aws:region": REGION})
    news = {"model_arn": MODEL_ARN, "_autoname": "proj/dev/nova.chat", "arn": None, "status": None, "tags_all": None}
    first, again = p.check({}, dict(news)), p.check({}, dict(news))
    assert first.failures == []
    assert first.inputs["region"] == REGION
    assert first.inputs["name"] == again.inputs["name"]
    assert first.inputs["name"].startswith("nova-chat-") and len(first.inputs["name"]) == len("nova-chat-") + 8
    assert not {"arn", "status", "tags_all"} & set(first.inputs)
    other_model = p.check({}, {**news, "model_arn": NEW_MODEL_ARN})
    assert other_model.inputs["name"] == first.inputs["name"]
    described = p.check({}, {**news, "description": "other"})
    other_stack = p.check({}, {**news, "_autoname": "proj/prod/nova.chat"})
    assert len({first.inputs["name"], described.inputs["name"], other_stack.inputs["name"]}) == 3


def test_check_keeps_an_explicit_name_and_drops_the_seed() -> None:
    result = provider().check({}, inputs(_autoname="proj/dev/nova"))
    assert result.failures == [] and "_autoname" not in result.inputs and result.inputs["name"] == "nova-chat"


def test_check_accepts_a_multiline_description_and_valid_timeouts() -> None:
    result = provider().check({}, inputs(description="line one\nline two", timeouts={"create": "2h", "delete": "45m"}))
    assert result.failures == []


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": "nova chat"}, "name", "letters and digits, each optionally followed by one _ or -"),
        ({"name": "nova--chat"}, "name", "must match the pattern"),
        ({"name": "n" * 64}, "name", "at most 63"),
        ({"model_arn": None}, "model_arn", "is required"),
        ({"model_arn": f"arn:aws:bedrock:{REGION}::foundation-model/amazon.nova-micro-v1:0"}, "model_arn", "a custom model ARN"),
        ({"model_arn": "nova-chat-model"}, "model_arn", "a custom model ARN"),
        ({"model_arn": MODEL_ARN.replace(REGION, "us-west-2")}, "model_arn", "is in region us-west-2, but the deployment is created in us-east-1"),
        ({"model_arn": 42.0}, "model_arn", "must be a string"),
        ({"description": "d" * 2049}, "description", "at most 2048"),
        ({"description": ""}, "description", "must not be empty"),
        ({"tags": {"aws:owner": "me"}}, "tags", "reserved prefix"),
        ({"tags": {"app": 1}}, "tags", "must be a string"),
        ({"region": "Mars"}, "region", "AWS region"),
        ({"timeouts": {"create": "soon"}}, "timeouts.create", "positive duration"),
        ({"timeouts": {"read": "5m"}}, "timeouts.read", "allowed: create, update, delete"),
        ({"timeouts": "60m"}, "timeouts", "must be an object"),
        ({"adopt_existing": "yes"}, "adopt_existing", "true or false"),
        ({"modelArn": MODEL_ARN}, "modelArn", "is not an input"),
    ],
)
def test_check_names_the_field_and_the_rule(overrides: dict[str, Any], field: str, fragment: str) -> None:
    result = provider().check({}, inputs(**overrides))
    assert field in failures(result), failures(result)
    assert failures(result)[field].startswith(field) and fragment in failures(result)[field]


def test_check_requires_a_name_without_the_autoname_seed() -> None:
    assert failures(provider().check({}, inputs(name=None)))["name"] == "name is required"


def test_check_counts_stack_default_tags() -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {f"d{i}": "v" for i in range(10)}})})
    assert "including 10 stack default tags" in failures(p.check({}, inputs(tags={f"k{i}": "v" for i in range(41)})))["tags"]


def test_check_lets_preview_unknowns_through() -> None:
    result = provider().check({}, inputs(model_arn=Unknown(), description=Unknown(), tags=Unknown(), timeouts={"create": Unknown()}))
    assert result.failures == []
    autonamed = provider().check({}, {"model_arn": MODEL_ARN, "description": Unknown(), "region": REGION, "_autoname": "p/s/nova"})
    assert autonamed.failures == [] and isinstance(autonamed.inputs["name"], Unknown)
    model_unknown = provider().check({}, {"model_arn": Unknown(), "region": REGION, "_autoname": "p/s/nova"})
    assert model_unknown.failures == [] and isinstance(model_unknown.inputs["name"], str)


# diff


def test_diff_same_inputs_is_no_change() -> None:
    result = provider().diff(ARN, outputs(), inputs())
    assert result.changes is False and result.replaces == []


def test_diff_model_arn_updates_in_place() -> None:
    result = provider().diff(ARN, outputs(), inputs(model_arn=NEW_MODEL_ARN))
    assert result.changes is True and result.replaces == []
    assert provider().diff(ARN, outputs(), inputs(model_arn=Unknown())).replaces == []


@pytest.mark.parametrize(
    ("overrides", "replaced"),
    [({"description": "other"}, ["description"]), ({"region": "us-west-2"}, ["region"]), ({"description": None}, ["description"])],
)
def test_diff_replaces_description_and_region_deleting_first_for_a_kept_explicit_name(
    overrides: dict[str, Any], replaced: list[str]
) -> None:
    result = provider().diff(ARN, outputs(), inputs(**overrides))
    assert result.changes is True and result.replaces == replaced and result.delete_before_replace is True


def test_diff_autonamed_or_renamed_replacements_create_before_delete() -> None:
    autonamed = provider().diff(ARN, outputs(name="nova-1a2b3c4d"), inputs(name="nova-9f8e7d6c", description="x", _autoname="p/s/nova"))
    assert sorted(autonamed.replaces) == ["description", "name"] and autonamed.delete_before_replace is False
    renamed = provider().diff(ARN, outputs(), inputs(name="nova-two"))
    assert renamed.replaces == ["name"] and renamed.delete_before_replace is False


def test_diff_tags_default_tags_and_timeouts_update_in_place() -> None:
    tagged = provider().diff(ARN, outputs(), inputs(tags={"app": "chat", "team": "ml"}))
    assert tagged.changes is True and tagged.replaces == []
    defaults = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})}).diff(ARN, outputs(), inputs())
    assert defaults.changes is True and defaults.replaces == []
    timeouts = provider().diff(ARN, outputs(), inputs(timeouts={"create": "2h"}))
    assert timeouts.changes is True and timeouts.replaces == []


# create


def test_create_sends_one_create_with_tags_and_a_stable_token_and_waits_until_active(stubbed: Stubber, clock: FakeClock) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    expected = {**CREATE, "tags": [{"key": "app", "value": "chat"}, {"key": "env", "value": "prod"}]}
    tokens: list[str] = []
    stubbed.client.meta.events.register(
        "before-parameter-build.bedrock.CreateCustomModelDeployment", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, expected)
    stubbed.add_response("get_custom_model_deployment", deployment("Creating"), GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Creating"), GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Active"), GET)
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, expected)
    stubbed.add_response("get_custom_model_deployment", deployment("Active"), GET)
    first = p.create(inputs())
    assert clock.sleeps == [10.0, 15.0]
    second = p.create(inputs())
    assert first.id == ARN == second.id
    assert tokens[0] == tokens[1] and len(tokens[0]) == 64
    assert first.outs == {
        "arn": ARN,
        "name": "nova-chat",
        "model_arn": MODEL_ARN,
        "description": "chat",
        "status": "Active",
        "created_at": NOW.isoformat(),
        "last_updated_at": LATER.isoformat(),
        "failure_message": None,
        "update_details": None,
        "region": REGION,
        "timeouts": None,
        "tags": {"app": "chat"},
        "tags_all": {"app": "chat", "env": "prod"},
    }
    assert stubbed.regions == [REGION, REGION]  # type: ignore[attr-defined]


def test_create_token_changes_with_the_request_and_description_is_omitted_when_absent(stubbed: Stubber) -> None:
    tokens: list[str] = []
    stubbed.client.meta.events.register(
        "before-parameter-build.bedrock.CreateCustomModelDeployment", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, CREATE)
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    bare = {"modelDeploymentName": "nova-chat", "modelArn": MODEL_ARN, "clientRequestToken": ANY}
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, bare)
    stubbed.add_response("get_custom_model_deployment", {k: v for k, v in deployment().items() if k != "description"}, GET)
    provider().create(inputs())
    provider().create(inputs(description=None, tags=None))
    assert tokens[0] != tokens[1]


def test_create_failed_deletes_the_deployment_and_raises_its_failure_message(stubbed: Stubber) -> None:
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, CREATE)
    stubbed.add_response("get_custom_model_deployment", deployment("Creating"), GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Failed", failureMessage="model architecture not supported"), GET)
    stubbed.add_response("delete_custom_model_deployment", {}, GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Failed"), GET)
    not_found(stubbed)
    with pytest.raises(errors.NotStabilizedError) as raised:
        provider().create(inputs())
    message = str(raised.value)
    assert message.startswith('creating Bedrock custom model deployment "nova-chat": Failed: model architecture not supported.')
    assert f"The failed deployment {ARN} was deleted" in message


def test_create_failed_whose_cleanup_fails_says_so(stubbed: Stubber) -> None:
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, CREATE)
    stubbed.add_response("get_custom_model_deployment", deployment("Failed", failureMessage="quota"), GET)
    stubbed.add_client_error("delete_custom_model_deployment", "AccessDeniedException", "no bedrock:DeleteCustomModelDeployment", 403)
    with pytest.raises(errors.NotStabilizedError, match="Failed: quota. Deleting the failed deployment .* also failed .*AccessDenied"):
        provider().create(inputs())


def test_create_timeout_keeps_the_deployment_and_says_how_to_resume(stubbed: Stubber, clock: FakeClock) -> None:
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, CREATE)
    for _ in range(4):
        stubbed.add_response("get_custom_model_deployment", deployment("Creating"), GET)
    with pytest.raises(errors.NotStabilizedError) as raised:
        provider().create(inputs(timeouts={"create": "45s"}))
    message = str(raised.value)
    assert message.startswith('waiting for Bedrock custom model deployment "nova-chat" to become Active: Timeout: still Creating after 45s')
    assert f"The deployment {ARN} keeps existing in AWS" in message
    assert "Run `pulumi up` again to resume waiting" in message and "same name and client token" in message
    assert "adopt_existing=True" in message
    assert sum(clock.sleeps) == 45


def test_create_waits_an_hour_by_default(stubbed: Stubber, clock: FakeClock) -> None:
    stubbed.add_response("create_custom_model_deployment", {"customModelDeploymentArn": ARN}, CREATE)
    stubbed.add_response("get_custom_model_deployment", deployment("Creating"), GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Creating"), GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Active"), GET)
    clock.now = 0
    stubbed.client.meta.events.register("before-call.bedrock.GetCustomModelDeployment", lambda **_: setattr(clock, "now", clock.now + 1790))
    assert provider().create(inputs()).outs["status"] == "Active"


def test_create_conflict_without_adoption_says_how_to_adopt(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_custom_model_deployment", "ConflictException", "name already exists", 409)
    with pytest.raises(errors.ConflictError) as raised:
        provider().create(inputs())
    assert str(raised.value).startswith('creating Bedrock custom model deployment "nova-chat": ConflictException: name already exists')
    assert "adopt_existing=True" in str(raised.value)


def test_create_adopts_by_name_sets_tags_waits_and_swaps_a_different_model(stubbed: Stubber) -> None:
    other_model = NEW_MODEL_ARN
    stubbed.add_client_error("create_custom_model_deployment", "ConflictException", "exists", 409)
    stubbed.add_response("get_custom_model_deployment", deployment("Creating", other_model), {"customModelDeploymentIdentifier": "nova-chat"})
    stubbed.add_response("list_tags_for_resource", {"tags": [{"key": "old", "value": "1"}]}, {"resourceARN": ARN})
    stubbed.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["old"]})
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "app", "value": "chat"}]})
    stubbed.add_response("get_custom_model_deployment", deployment("Active", other_model), GET)
    stubbed.add_response("get_custom_model_deployment", deployment("Active", other_model), GET)
    stubbed.add_response("update_custom_model_deployment", {"customModelDeploymentArn": ARN}, {**GET, "modelArn": MODEL_ARN})
    completed = {"modelArn": MODEL_ARN, "updateStatus": "UpdateCompleted"}
    stubbed.add_response("get_custom_model_deployment", deployment("Active", MODEL_ARN, updateDetails=completed), GET)
    result = provider().create(inputs(adopt_existing=True))
    assert result.id == ARN and result.outs["model_arn"] == MODEL_ARN and result.outs["tags_all"] == {"app": "chat"}
    assert result.outs["update_details"] == {"model_arn": MODEL_ARN, "update_status": "UpdateCompleted"}


def test_adoption_refuses_a_deployment_with_another_description(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_custom_model_deployment", "ConflictException", "exists", 409)
    stubbed.add_response("get_custom_model_deployment", deployment(description="someone else's"), None)
    with pytest.raises(errors.InvalidRequestError, match="AdoptionMismatch: the existing deployment's description is \"someone else's\""):
        provider().create(inputs(adopt_existing=True))


def test_create_validation_error_names_action_resource_and_code(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_custom_model_deployment", "ValidationException", "model is not Active", 400)
    with pytest.raises(errors.InvalidRequestError) as raised:
        provider().create(inputs())
    assert str(raised.value) == 'creating Bedrock custom model deployment "nova-chat": ValidationException: model is not Active'


# read


def test_read_reports_drift_in_status_model_and_tags(stubbed: Stubber) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    stubbed.add_response("get_custom_model_deployment", deployment("Failed", NEW_MODEL_ARN, failureMessage="evicted"), GET)
    stubbed.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": "app", "value": "chat"}, {"key": "env", "value": "prod"}, {"key": "drift", "value": "x"}]},
        {"resourceARN": ARN},
    )
    result = p.read(ARN, outputs(timeouts={"delete": "1h"}))
    assert result.id == ARN
    assert result.outs["status"] == "Failed" and result.outs["failure_message"] == "evicted"
    assert result.outs["model_arn"] == NEW_MODEL_ARN
    assert result.outs["tags_all"] == {"app": "chat", "env": "prod", "drift": "x"}
    assert result.outs["tags"] == {"app": "chat", "drift": "x"}
    assert result.outs["timeouts"] == {"delete": "1h"} and result.outs["region"] == REGION
    assert provider().diff(ARN, result.outs, inputs()).replaces == []


def test_read_without_state_takes_the_region_from_the_arn(stubbed: Stubber) -> None:
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    stubbed.add_response("list_tags_for_resource", {"tags": [{"key": "app", "value": "chat"}]}, {"resourceARN": ARN})
    read = provider().read(ARN, {})
    assert read.outs["region"] == REGION and read.outs["name"] == "nova-chat"
    assert provider().diff(ARN, read.outs, inputs()).changes is False


def test_read_of_a_deleted_deployment_drops_it_from_state(stubbed: Stubber) -> None:
    not_found(stubbed)
    result = provider().read(ARN, outputs())
    assert result.id == "" and result.outs == {}


# update


UPDATING = {"modelArn": NEW_MODEL_ARN, "updateStatus": "Updating"}


def test_update_of_the_model_swaps_it_and_waits_for_update_completed(stubbed: Stubber, clock: FakeClock) -> None:
    olds = outputs(timeouts={"update": "2h"})
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    stubbed.add_response("update_custom_model_deployment", {"customModelDeploymentArn": ARN}, {**GET, "modelArn": NEW_MODEL_ARN})
    # Right after the call, Get can still show no update details: that is still Updating.
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    stubbed.add_response("get_custom_model_deployment", deployment(updateDetails=UPDATING), GET)
    done = {"modelArn": NEW_MODEL_ARN, "updateStatus": "UpdateCompleted"}
    stubbed.add_response("get_custom_model_deployment", deployment(model_arn=NEW_MODEL_ARN, updateDetails=done), GET)
    result = provider().update(ARN, olds, inputs(model_arn=NEW_MODEL_ARN, timeouts={"update": "2h"}))
    assert clock.sleeps == [10.0, 15.0]
    assert result.outs["model_arn"] == NEW_MODEL_ARN
    assert result.outs["update_details"] == {"model_arn": NEW_MODEL_ARN, "update_status": "UpdateCompleted"}
    for key in ("arn", "name", "description", "status", "created_at", "region", "tags", "tags_all"):
        assert result.outs[key] == olds[key], key
    assert result.outs["timeouts"] == {"update": "2h"}


def test_update_ignores_the_details_of_a_previous_update(stubbed: Stubber) -> None:
    previous = {"modelArn": MODEL_ARN, "updateStatus": "UpdateCompleted"}
    stubbed.add_response("get_custom_model_deployment", deployment(updateDetails=previous), GET)
    stubbed.add_response("update_custom_model_deployment", {"customModelDeploymentArn": ARN}, {**GET, "modelArn": NEW_MODEL_ARN})
    stubbed.add_response("get_custom_model_deployment", deployment(updateDetails=previous), GET)
    done = {"modelArn": NEW_MODEL_ARN, "updateStatus": "UpdateCompleted"}
    stubbed.add_response("get_custom_model_deployment", deployment(model_arn=NEW_MODEL_ARN, updateDetails=done), GET)
    assert provider().update(ARN, outputs(), inputs(model_arn=NEW_MODEL_ARN)).outs["model_arn"] == NEW_MODEL_ARN


def test_update_resumes_waiting_for_an_update_already_under_way(stubbed: Stubber) -> None:
    stubbed.add_response("get_custom_model_deployment", deployment(updateDetails=UPDATING), GET)
    done = {"modelArn": NEW_MODEL_ARN, "updateStatus": "UpdateCompleted"}
    stubbed.add_response("get_custom_model_deployment", deployment(model_arn=NEW_MODEL_ARN, updateDetails=done), GET)
    assert provider().update(ARN, outputs(), inputs(model_arn=NEW_MODEL_ARN)).outs["model_arn"] == NEW_MODEL_ARN


def test_update_failed_raises_the_reason_and_changes_nothing_else(stubbed: Stubber) -> None:
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    stubbed.add_response("update_custom_model_deployment", {"customModelDeploymentArn": ARN}, {**GET, "modelArn": NEW_MODEL_ARN})
    failed = {"modelArn": NEW_MODEL_ARN, "updateStatus": "UpdateFailed"}
    stubbed.add_response("get_custom_model_deployment", deployment(updateDetails=failed, failureMessage="incompatible model"), GET)
    with pytest.raises(errors.NotStabilizedError) as raised:
        provider().update(ARN, outputs(), inputs(model_arn=NEW_MODEL_ARN, tags={"app": "chat", "team": "ml"}))
    assert str(raised.value) == (
        'waiting for Bedrock custom model deployment "nova-chat" to become UpdateCompleted: UpdateFailed: incompatible model'
    )


def test_update_timeout_says_the_update_keeps_going_and_how_to_resume(stubbed: Stubber) -> None:
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    stubbed.add_response("update_custom_model_deployment", {"customModelDeploymentArn": ARN}, {**GET, "modelArn": NEW_MODEL_ARN})
    for _ in range(3):
        stubbed.add_response("get_custom_model_deployment", deployment(updateDetails=UPDATING), GET)
    with pytest.raises(errors.NotStabilizedError, match="Timeout: still Updating after 25s .*Run `pulumi up` again to resume waiting"):
        provider().update(ARN, outputs(), inputs(model_arn=NEW_MODEL_ARN, timeouts={"update": "25s"}))


def test_update_of_tags_only_calls_untag_and_tag_and_keeps_every_output(stubbed: Stubber) -> None:
    olds = outputs(tags={"app": "chat", "old": "1"}, tags_all={"app": "chat", "old": "1"})
    stubbed.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["old"]})
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "team", "value": "ml"}]})
    result = provider().update(ARN, olds, inputs(tags={"app": "chat", "team": "ml"}))
    assert result.outs["tags"] == result.outs["tags_all"] == {"app": "chat", "team": "ml"}
    for key in ("arn", "name", "model_arn", "description", "status", "created_at", "last_updated_at", "region"):
        assert result.outs[key] == olds[key], key


def test_update_of_timeouts_only_makes_no_call(stubbed: Stubber) -> None:
    result = provider().update(ARN, outputs(), inputs(timeouts={"delete": "2h"}))
    assert result.outs["timeouts"] == {"delete": "2h"} and result.outs["arn"] == ARN


# delete


def test_delete_waits_until_the_deployment_is_gone(stubbed: Stubber, clock: FakeClock) -> None:
    stubbed.add_response("delete_custom_model_deployment", {}, GET)
    stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    not_found(stubbed)
    provider().delete(ARN, outputs())
    assert clock.sleeps == [5.0]


def test_delete_of_an_already_deleted_deployment_succeeds(stubbed: Stubber) -> None:
    not_found(stubbed, "delete_custom_model_deployment")
    provider().delete(ARN, outputs())


def test_delete_timeout_is_bounded_by_timeouts_delete(stubbed: Stubber, clock: FakeClock) -> None:
    stubbed.add_response("delete_custom_model_deployment", {}, GET)
    for _ in range(3):
        stubbed.add_response("get_custom_model_deployment", deployment(), GET)
    with pytest.raises(errors.NotStabilizedError, match="to become Deleted: Timeout: still Deleting after 10s"):
        provider().delete(ARN, outputs(timeouts={"delete": "10s"}))
    assert sum(clock.sleeps) == 10


def test_delete_failure_is_reported_with_the_resource(stubbed: Stubber) -> None:
    stubbed.add_client_error("delete_custom_model_deployment", "AccessDeniedException", "no bedrock:DeleteCustomModelDeployment", 403)
    with pytest.raises(errors.AccessDeniedError, match='deleting Bedrock custom model deployment "nova-chat": AccessDeniedException'):
        provider().delete(ARN, outputs())


# the resource


def test_resource_token_and_args_are_the_public_api() -> None:
    assert module.CustomModelDeployment._resource_type_name == "dynamic/bedrock:CustomModelDeployment"  # type: ignore[attr-defined]
    assert module.CustomModelDeploymentProvider.__module__ == "pulumi_bedrock_inference.providers.custom_model_deployment"
    args = module.CustomModelDeploymentArgs(model_arn=MODEL_ARN)
    assert (args.name, args.description, args.tags, args.region, args.timeouts, args.adopt_existing) == (None,) * 6
    assert set(module.INPUTS) - {"_autoname"} == set(module.CustomModelDeploymentArgs.__dataclass_fields__)
