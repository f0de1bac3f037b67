"""ApplicationInferenceProfile provider: check, diff, and the exact AWS calls of each operation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from botocore.stub import ANY, Stubber
from pulumi.output import Unknown
from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.inference_profile import (
    ApplicationInferenceProfileProvider,
)

from .conftest import FakeConfigureRequest

REGION = "us-east-1"
ACCOUNT = "123456789012"
MODEL_ID = "anthropic.claude-3-5-sonnet-20241022-v2:0"
MODEL_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{MODEL_ID}"
SYSTEM_ID = f"us.{MODEL_ID}"
SYSTEM_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{SYSTEM_ID}"
ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/abcdef123456"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)


def provider(**config: str) -> ApplicationInferenceProfileProvider:
    p = ApplicationInferenceProfileProvider()
    p.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return p


def profile_response(name: str = "chat-prod", models: list[str] | None = None, description: str | None = "chat") -> dict[str, Any]:
    response = {
        "inferenceProfileName": name,
        "inferenceProfileArn": ARN,
        "inferenceProfileId": "abcdef123456",
        "models": [{"modelArn": m} for m in (models or [MODEL_ARN])],
        "status": "ACTIVE",
        "type": "APPLICATION",
        "createdAt": NOW,
        "updatedAt": NOW,
    }
    if description:
        response["description"] = description
    return response


def inputs(**overrides: Any) -> dict[str, Any]:
    values = {"name": "chat-prod", "description": "chat", "model_source": {"copy_from": MODEL_ID}, "region": REGION, "tags": {"app": "chat"}}
    values.update(overrides)
    return values


def failures(result: Any) -> dict[str, str]:
    return {f.property: f.reason for f in result.failures}


# check


def test_check_resolves_region_from_stack_config_and_autonames_deterministically() -> None:
    p = provider(**{"aws:region": "eu-west-1"})
    news = {"model_source": {"copy_from": MODEL_ID}, "_autoname": "proj/dev/chat.bot", "arn": None, "tags_all": None}
    first, second = p.check({}, dict(news)), p.check({}, dict(news))
    assert first.failures == []
    assert first.inputs["region"] == "eu-west-1"
    assert first.inputs["name"] == second.inputs["name"]
    assert first.inputs["name"].startswith("chat-bot-") and len(first.inputs["name"]) == len("chat-bot-") + 8
    assert "arn" not in first.inputs and "tags_all" not in first.inputs
    other_stack = p.check({}, {**news, "_autoname": "proj/prod/chat.bot"})
    changed_source = p.check({}, {**news, "model_source": {"copy_from": "amazon.nova-pro-v1:0"}})
    assert len({first.inputs["name"], other_stack.inputs["name"], changed_source.inputs["name"]}) == 3


def test_check_drops_the_autoname_seed_for_an_explicit_name() -> None:
    result = provider().check({}, inputs(_autoname="proj/dev/chat"))
    assert result.failures == [] and "_autoname" not in result.inputs and result.inputs["name"] == "chat-prod"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": "chat prod!"}, "name", "letters and digits"),
        ({"name": "x" * 65}, "name", "at most 64"),
        ({"description": "d" * 201}, "description", "at most 200"),
        ({"description": "naïve"}, "description", "must match the pattern"),
        ({"model_source": None}, "model_source", "is required"),
        ({"model_source": {"copy_from": "gpt-4"}}, "model_source.copy_from", "foundation model ID"),
        ({"model_source": {"copy_from": "arn:aws:s3:::bucket"}}, "model_source.copy_from", "ARN"),
        ({"model_source": {"copy_from": f"arn:aws:bedrock:us-west-2::foundation-model/{MODEL_ID}"}}, "model_source.copy_from", "region us-west-2"),
        ({"model_source": {"source": MODEL_ID}}, "model_source", "exactly one key, copy_from"),
        ({"tags": {"aws:created-by": "me"}}, "tags", "reserved prefix"),
        ({"region": "Mars"}, "region", "AWS region"),
        ({"adopt_existing": "yes"}, "adopt_existing", "true or false"),
        ({"modelSource": {}}, "modelSource", "is not an input"),
    ],
)
def test_check_names_the_field_and_the_rule(overrides: dict[str, Any], field: str, fragment: str) -> None:
    result = provider().check({}, inputs(**overrides))
    assert field in failures(result), failures(result)
    assert failures(result)[field].startswith(field) and fragment in failures(result)[field]


def test_check_counts_stack_default_tags() -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {f"d{i}": "v" for i in range(10)}})})
    result = p.check({}, inputs(tags={f"k{i}": "v" for i in range(41)}))
    assert "including 10 stack default tags" in failures(result)["tags"]


def test_check_lets_preview_unknowns_through() -> None:
    result = provider().check({}, inputs(description=Unknown(), model_source={"copy_from": Unknown()}, tags=Unknown()))
    assert result.failures == []
    autonamed = provider().check({}, {"model_source": Unknown(), "region": REGION, "_autoname": "p/s/chat"})
    assert autonamed.failures == [] and isinstance(autonamed.inputs["name"], Unknown)


# diff


def outputs(**overrides: Any) -> dict[str, Any]:
    values = {**inputs(model_source={"copy_from": MODEL_ARN}), "arn": ARN, "tags_all": {"app": "chat"}}
    values.update(overrides)
    return values


def test_diff_same_inputs_is_no_change_even_when_the_source_was_given_as_an_id() -> None:
    result = provider().diff(ARN, outputs(), inputs())
    assert result.changes is False and result.replaces == []


@pytest.mark.parametrize(
    ("overrides", "replaced"),
    [
        ({"description": "other"}, ["description"]),
        ({"model_source": {"copy_from": "amazon.nova-pro-v1:0"}}, ["model_source"]),
        ({"region": "us-west-2", "model_source": {"copy_from": MODEL_ID}}, ["region"]),
    ],
)
def test_diff_replaces_what_the_service_cannot_update_and_deletes_first_for_a_kept_explicit_name(
    overrides: dict[str, Any], replaced: list[str]
) -> None:
    result = provider().diff(ARN, outputs(), inputs(**overrides))
    assert result.changes is True and result.replaces == replaced and result.delete_before_replace is True


def test_diff_autonamed_or_renamed_replacements_create_before_delete() -> None:
    autonamed = provider().diff(ARN, outputs(name="chat-1a2b3c4d"), inputs(name="chat-9f8e7d6c", description="x", _autoname="p/s/chat"))
    assert sorted(autonamed.replaces) == ["description", "name"] and autonamed.delete_before_replace is False
    renamed = provider().diff(ARN, outputs(), inputs(name="chat-two"))
    assert renamed.replaces == ["name"] and renamed.delete_before_replace is False


def test_diff_tags_and_default_tags_update_in_place() -> None:
    assert provider().diff(ARN, outputs(), inputs(tags={"app": "chat", "team": "ml"})).replaces == []
    assert provider().diff(ARN, outputs(), inputs(tags={"app": "chat", "team": "ml"})).changes is True
    with_defaults = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    result = with_defaults.diff(ARN, outputs(), inputs())
    assert result.changes is True and result.replaces == []


def test_diff_unknown_replace_input_is_reported_as_replacing() -> None:
    result = provider().diff(ARN, outputs(), inputs(description=Unknown()))
    assert result.replaces == ["description"]


# create


def test_create_sends_one_create_with_tags_and_a_stable_token_then_one_get(stubbed: Stubber) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    expected = {
        "inferenceProfileName": "chat-prod",
        "description": "chat",
        "modelSource": {"copyFrom": MODEL_ARN},
        "tags": [{"key": "app", "value": "chat"}, {"key": "env", "value": "prod"}],
        "clientRequestToken": ANY,
    }
    tokens: list[str] = []
    for _ in range(2):
        stubbed.add_response("create_inference_profile", {"inferenceProfileArn": ARN, "status": "ACTIVE"}, expected)
        stubbed.add_response("get_inference_profile", profile_response(), {"inferenceProfileIdentifier": ARN})
    stubbed.client.meta.events.register(
        "before-parameter-build.bedrock.CreateInferenceProfile", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    first = p.create(inputs())
    second = p.create(inputs())
    assert first.id == ARN == second.id
    assert tokens[0] == tokens[1] and len(tokens[0]) == 64
    assert first.outs == {
        "arn": ARN,
        "name": "chat-prod",
        "description": "chat",
        "model_source": {"copy_from": MODEL_ARN},
        "models": [{"model_arn": MODEL_ARN}],
        "status": "ACTIVE",
        "type": "APPLICATION",
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
        "region": REGION,
        "tags": {"app": "chat"},
        "tags_all": {"app": "chat", "env": "prod"},
    }
    assert stubbed.regions == [REGION, REGION]  # type: ignore[attr-defined]


def test_create_token_differs_when_the_request_differs(stubbed: Stubber) -> None:
    tokens: list[str] = []
    stubbed.client.meta.events.register(
        "before-parameter-build.bedrock.CreateInferenceProfile", lambda params, **_: tokens.append(params["clientRequestToken"])
    )
    for description in ("one", "two"):
        stubbed.add_response("create_inference_profile", {"inferenceProfileArn": ARN}, None)
        stubbed.add_response("get_inference_profile", profile_response(description=description), None)
        provider().create(inputs(description=description))
    assert tokens[0] != tokens[1]


def test_create_resolves_a_system_profile_id_to_its_arn(stubbed: Stubber) -> None:
    stubbed.add_response(
        "get_inference_profile",
        {**profile_response(name=SYSTEM_ID), "inferenceProfileArn": SYSTEM_ARN, "type": "SYSTEM_DEFINED"},
        {"inferenceProfileIdentifier": SYSTEM_ID},
    )
    stubbed.add_response(
        "create_inference_profile",
        {"inferenceProfileArn": ARN},
        {"inferenceProfileName": "chat-prod", "modelSource": {"copyFrom": SYSTEM_ARN}, "clientRequestToken": ANY},
    )
    models = [MODEL_ARN, MODEL_ARN.replace(REGION, "us-west-2")]
    stubbed.add_response("get_inference_profile", profile_response(models=models), {"inferenceProfileIdentifier": ARN})
    result = provider().create({"name": "chat-prod", "model_source": {"copy_from": SYSTEM_ID}, "region": REGION})
    assert result.outs["model_source"] == {"copy_from": SYSTEM_ARN}
    assert [m["model_arn"] for m in result.outs["models"]] == models


def test_create_conflict_without_adoption_says_how_to_adopt(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_inference_profile", "ConflictException", "name already exists", 409)
    with pytest.raises(errors.ConflictError) as raised:
        provider().create(inputs())
    assert str(raised.value).startswith('creating Bedrock application inference profile "chat-prod": ConflictException: name already exists')
    assert "adopt_existing=True" in str(raised.value)


def test_create_adopts_an_existing_profile_and_sets_its_tags(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_inference_profile", "ConflictException", "exists", 409)
    stubbed.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [profile_response(name="other"), profile_response()]},
        {"typeEquals": "APPLICATION"},
    )
    stubbed.add_response("list_tags_for_resource", {"tags": [{"key": "old", "value": "1"}]}, {"resourceARN": ARN})
    stubbed.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["old"]})
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "app", "value": "chat"}]})
    stubbed.add_response("get_inference_profile", profile_response(), {"inferenceProfileIdentifier": ARN})
    result = provider().create(inputs(adopt_existing=True))
    assert result.id == ARN and result.outs["tags_all"] == {"app": "chat"}


def test_adoption_refuses_a_profile_with_another_source(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_inference_profile", "ConflictException", "exists", 409)
    other = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
    stubbed.add_response("list_inference_profiles", {"inferenceProfileSummaries": [profile_response(models=[other])]}, None)
    with pytest.raises(errors.InvalidRequestError, match="model_source.copy_from is .*nova-pro"):
        provider().create(inputs(adopt_existing=True))


def test_create_validation_error_names_action_resource_and_code(stubbed: Stubber) -> None:
    stubbed.add_client_error("create_inference_profile", "ValidationException", "bad model", 400)
    with pytest.raises(errors.InvalidRequestError) as raised:
        provider().create(inputs())
    assert str(raised.value) == 'creating Bedrock application inference profile "chat-prod": ValidationException: bad model'


# read


def test_read_returns_outputs_with_tags_and_recovers_the_source(stubbed: Stubber) -> None:
    p = provider(**{"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})})
    stubbed.add_response("get_inference_profile", profile_response(), {"inferenceProfileIdentifier": ARN})
    stubbed.add_response(
        "list_tags_for_resource",
        {"tags": [{"key": "app", "value": "chat"}, {"key": "env", "value": "prod"}, {"key": "drift", "value": "x"}]},
        {"resourceARN": ARN},
    )
    result = p.read(ARN, outputs(model_source={"copy_from": MODEL_ID}))
    assert result.id == ARN
    assert result.outs["model_source"] == {"copy_from": MODEL_ID}
    assert result.outs["tags_all"] == {"app": "chat", "env": "prod", "drift": "x"}
    assert result.outs["tags"] == {"app": "chat", "drift": "x"}


def test_read_of_an_adopted_profile_recovers_the_source_from_models_so_nothing_is_replaced(stubbed: Stubber) -> None:
    stubbed.add_response("get_inference_profile", profile_response(), None)
    stubbed.add_response("list_tags_for_resource", {"tags": []}, None)
    read = provider().read(ARN, {"region": REGION})
    assert read.outs["model_source"] == {"copy_from": MODEL_ARN}
    assert provider().diff(ARN, {**read.outs, "tags": {"app": "chat"}, "tags_all": {"app": "chat"}}, inputs()).changes is False


def test_read_finds_the_system_profile_behind_several_models(stubbed: Stubber) -> None:
    models = [MODEL_ARN, MODEL_ARN.replace(REGION, "us-west-2")]
    stubbed.add_response("get_inference_profile", profile_response(models=models), None)
    stubbed.add_response("list_tags_for_resource", {"tags": []}, None)
    stubbed.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [
            {**profile_response(name="eu", models=[MODEL_ARN.replace(REGION, "eu-west-1")]), "inferenceProfileArn": "arn:eu"},
            {**profile_response(name=SYSTEM_ID, models=list(reversed(models))), "inferenceProfileArn": SYSTEM_ARN},
        ]},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    assert provider().read(ARN, {"region": REGION}).outs["model_source"] == {"copy_from": SYSTEM_ARN}


def test_read_of_a_deleted_profile_drops_it_from_state(stubbed: Stubber) -> None:
    stubbed.add_client_error("get_inference_profile", "ResourceNotFoundException", "gone", 404)
    result = provider().read(ARN, outputs())
    assert result.id == "" and result.outs == {}


# update and delete


def test_update_changes_only_tags_and_keeps_every_output(stubbed: Stubber) -> None:
    olds = {**outputs(tags={"app": "chat", "old": "1"}, tags_all={"app": "chat", "old": "1"}), "models": [{"model_arn": MODEL_ARN}], "status": "ACTIVE"}
    stubbed.add_response("untag_resource", {}, {"resourceARN": ARN, "tagKeys": ["old"]})
    stubbed.add_response("tag_resource", {}, {"resourceARN": ARN, "tags": [{"key": "team", "value": "ml"}]})
    result = provider().update(ARN, olds, inputs(tags={"app": "chat", "team": "ml"}))
    assert result.outs["tags"] == result.outs["tags_all"] == {"app": "chat", "team": "ml"}
    for key in ("arn", "name", "models", "status", "model_source", "region"):
        assert result.outs[key] == olds[key]


def test_delete_and_delete_of_an_already_deleted_profile(stubbed: Stubber) -> None:
    stubbed.add_response("delete_inference_profile", {}, {"inferenceProfileIdentifier": ARN})
    stubbed.add_client_error("delete_inference_profile", "ResourceNotFoundException", "gone", 404)
    provider().delete(ARN, outputs())
    provider().delete(ARN, outputs())


def test_delete_failure_is_reported_with_the_resource(stubbed: Stubber) -> None:
    stubbed.add_client_error("delete_inference_profile", "AccessDeniedException", "no bedrock:DeleteInferenceProfile", 403)
    with pytest.raises(errors.AccessDeniedError, match='deleting Bedrock application inference profile "chat-prod": AccessDeniedException'):
        provider().delete(ARN, outputs())
