"""InferenceEndpoint under set_mocks: which child, with which inputs and options, and which outputs."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pulumi_aws as aws
import pytest

from pulumi_bedrock_inference.components import InferenceEndpoint, InvalidArgumentError, invoke_policy_document
from pulumi_bedrock_inference.testing.emulator.catalogue import FOUNDATION_MODELS, INFERENCE_PROFILE_GEOGRAPHIES

from .mocks import ACCOUNT, DEPLOYMENT, PROFILE, ROLE_POLICY, THROUGHPUT, Recorded, run

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
CUSTOM = f"arn:aws:bedrock:us-west-2:{ACCOUNT}:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/abcdef123456"
ENDPOINT = "bedrock-inference:index:InferenceEndpoint"
OUTPUT_NAMES = ("model_id", "kind", "base_model_id", "regions", "invoke_policy", "env", "lambda_env")


def endpoint_program(**kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        endpoint = InferenceEndpoint("chat", **kwargs)
        for name in OUTPUT_NAMES:
            pulumi.export(name, getattr(endpoint, name))
        pulumi.export("children", [c is not None for c in (endpoint.profile, endpoint.deployment, endpoint.throughput)])

    return program


def only_child(recorded: Recorded) -> Any:
    (component,) = recorded.of_type(ENDPOINT)
    children = [r for r in recorded.resources if r.type != ENDPOINT]
    assert len(children) == 1
    (child,) = children
    assert child.parent.endswith(f"{ENDPOINT}::chat")
    assert recorded.component_outputs[child.parent].keys() == set(OUTPUT_NAMES)
    return child


def registered_outputs(recorded: Recorded) -> dict[str, Any]:
    (outputs,) = recorded.component_outputs.values()
    return outputs


def test_single_region_foundation_model_is_a_profile_copying_it() -> None:
    recorded = run(endpoint_program(model=HAIKU, tags={"team": "support"}, description="support chat"))
    child = only_child(recorded)
    assert (child.type, child.name) == (PROFILE, "chat-profile")
    assert child.inputs["model_source"] == {"copy_from": HAIKU}
    assert child.inputs["tags"] == {"team": "support"} and child.inputs["description"] == "support chat"
    assert child.inputs["_autoname"] == "proj/dev/chat-profile"
    assert not child.protect
    arn = child.outputs["arn"]
    outputs = recorded.outputs
    assert outputs["kind"] == "profile" and outputs["model_id"] == arn
    assert outputs["children"] == [True, False, False]
    assert outputs["base_model_id"] == HAIKU
    assert outputs["regions"] == ["us-east-1"]
    # The Bedrock region under its own name: AWS_REGION would move every SDK client of the container.
    assert outputs["env"] == outputs["lambda_env"] == {"BEDROCK_MODEL_ID": arn, "BEDROCK_REGION": "us-east-1"}
    policy = json.loads(outputs["invoke_policy"])
    assert policy == invoke_policy_document(arn, models=[FOUNDATION_MODELS[HAIKU].arn("us-east-1")])
    assert registered_outputs(recorded) == {k: outputs[k] for k in OUTPUT_NAMES}


def test_system_profile_grants_every_destination_region_and_the_system_profile() -> None:
    model = f"us.{SONNET_4}"
    recorded = run(endpoint_program(model=model))
    child = only_child(recorded)
    assert child.type == PROFILE and child.inputs["model_source"] == {"copy_from": model}
    destinations = INFERENCE_PROFILE_GEOGRAPHIES["us"].destination_regions
    outputs = recorded.outputs
    assert outputs["regions"] == sorted(destinations) and len(destinations) > 1
    assert outputs["base_model_id"] == SONNET_4
    arn = child.outputs["arn"]
    system_arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{model}"
    policy = json.loads(outputs["invoke_policy"])
    assert policy == invoke_policy_document(
        arn, models=[FOUNDATION_MODELS[SONNET_4].arn(r) for r in destinations], source_profile=system_arn
    )
    (through,) = [s for s in policy["Statement"] if "Condition" in s]
    assert {r.split(":")[3] for r in through["Resource"]} == set(destinations)
    assert through["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": arn}}


def test_global_profile_grants_the_documented_global_policy_and_regions_holds_no_empty_string() -> None:
    """A global. model: the profile's models are the region-less ARN and the source region's; the
    policy is AWS's global one (no raise on the region-less ARN); ``regions`` is the source region."""
    model = f"global.{SONNET_4}"
    recorded = run(endpoint_program(model=model))
    arn = only_child(recorded).outputs["arn"]
    outputs = recorded.outputs
    assert outputs["regions"] == ["us-east-1"]
    policy = json.loads(outputs["invoke_policy"])
    regionless = f"arn:aws:bedrock:::foundation-model/{SONNET_4}"
    (anywhere,) = [s for s in policy["Statement"] if s["Resource"] == [regionless]]
    assert anywhere["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": arn}, "StringEquals": {"aws:RequestedRegion": "unspecified"}}
    (in_region,) = [s for s in policy["Statement"] if s["Resource"] == [FOUNDATION_MODELS[SONNET_4].arn("us-east-1")]]
    assert in_region["Condition"]["StringEquals"] == {"aws:RequestedRegion": "us-east-1"}


@pytest.mark.parametrize(
    ("throughput", "protect_commitment", "protected"),
    [
        # Not by default: `protect` in the state would make the engine refuse the delete of a throughput
        # whose commitment has ended and that the program no longer has (a move to on-demand); the
        # provider refuses that delete itself while the commitment runs.
        ({"model_units": 2, "commitment_duration": "SixMonths"}, None, False),
        ({"model_units": 1}, None, False),
        ({"model_units": 1, "commitment_duration": "OneMonth"}, False, False),
        ({"model_units": 1, "commitment_duration": "OneMonth"}, True, True),
        ({"model_units": 1}, True, False),
    ],
)
def test_provisioned_throughput_is_protected_only_when_committed_and_asked(throughput: dict, protect_commitment: Any, protected: bool) -> None:
    extra = {} if protect_commitment is None else {"protect_commitment": protect_commitment}
    recorded = run(endpoint_program(model=HAIKU, provisioned_throughput=throughput, name="chat-pt", region="us-west-2", **extra))
    child = only_child(recorded)
    assert (child.type, child.name) == (THROUGHPUT, "chat-throughput")
    assert child.protect is protected
    assert child.inputs["model_arn"] == HAIKU and child.inputs["model_units"] == throughput["model_units"]
    assert child.inputs.get("commitment_duration") == throughput.get("commitment_duration")
    assert child.inputs["provisioned_model_name"] == "chat-pt" and child.inputs["region"] == "us-west-2"
    arn = child.outputs["provisioned_model_arn"]
    outputs = recorded.outputs
    assert outputs["kind"] == "provisioned" and outputs["model_id"] == arn and outputs["children"] == [False, False, True]
    assert outputs["regions"] == ["us-west-2"] and outputs["base_model_id"] == HAIKU
    assert outputs["env"] == outputs["lambda_env"] == {"BEDROCK_MODEL_ID": arn, "BEDROCK_REGION": "us-west-2"}
    assert json.loads(outputs["invoke_policy"]) == invoke_policy_document(arn)


def test_custom_model_without_throughput_is_a_deployment() -> None:
    recorded = run(endpoint_program(model=CUSTOM, region="us-west-2", tags={"team": "ml"}))
    child = only_child(recorded)
    assert (child.type, child.name) == (DEPLOYMENT, "chat-deployment")
    assert child.inputs["model_arn"] == CUSTOM and child.inputs["tags"] == {"team": "ml"}
    arn = child.outputs["arn"]
    outputs = recorded.outputs
    assert outputs["kind"] == "deployment" and outputs["model_id"] == arn and outputs["base_model_id"] == CUSTOM
    assert outputs["regions"] == ["us-west-2"]
    assert json.loads(outputs["invoke_policy"]) == invoke_policy_document(arn)


def test_custom_model_on_provisioned_throughput() -> None:
    recorded = run(endpoint_program(model=CUSTOM, region="us-west-2", provisioned_throughput={"model_units": 1}))
    child = only_child(recorded)
    assert child.type == THROUGHPUT and child.inputs["model_arn"] == CUSTOM and not child.protect
    outputs = recorded.outputs
    assert outputs["kind"] == "provisioned" and outputs["base_model_id"] == CUSTOM
    assert json.loads(outputs["invoke_policy"]) == invoke_policy_document(child.outputs["provisioned_model_arn"])


def test_grant_invoke_attaches_the_policy_to_a_role_as_a_child() -> None:
    def program() -> None:
        endpoint = InferenceEndpoint("chat", model=f"us.{HAIKU}")
        role = aws.iam.Role("app", name="app-role", assume_role_policy="{}")
        endpoint.grant_invoke(role)
        endpoint.grant_invoke("batch-role", streaming=False)
        pulumi.export("policy", endpoint.invoke_policy)

    recorded = run(program)
    by_role = {r.inputs["role"]: r for r in recorded.of_type(ROLE_POLICY)}
    assert set(by_role) == {"app-role", "batch-role"}
    assert by_role["app-role"].name == "chat-invoke-app" and by_role["batch-role"].name == "chat-invoke-batch-role"
    assert all(r.parent.endswith(f"{ENDPOINT}::chat") for r in by_role.values())
    assert by_role["app-role"].inputs["policy"] == recorded.outputs["policy"]
    streaming = json.loads(by_role["app-role"].inputs["policy"])
    not_streaming = json.loads(by_role["batch-role"].inputs["policy"])
    assert {a for s in streaming["Statement"] for a in s["Action"]} >= {"bedrock:InvokeModelWithResponseStream"}
    assert all("bedrock:InvokeModelWithResponseStream" not in s["Action"] for s in not_streaming["Statement"])
    assert [s["Resource"] for s in not_streaming["Statement"]] == [s["Resource"] for s in streaming["Statement"]]


def test_outputs_as_inputs_pass_through_to_the_child() -> None:
    def program() -> None:
        endpoint = InferenceEndpoint(
            "chat",
            model=pulumi.Output.from_input(HAIKU),
            custom_model=False,
            tags=pulumi.Output.from_input({"team": "support"}),
            region=pulumi.Output.from_input("eu-west-1"),
        )
        pulumi.export("regions", endpoint.regions)
        pulumi.export("base", endpoint.base_model_id)

    recorded = run(program)
    (child,) = recorded.of_type(PROFILE)
    assert child.inputs["model_source"] == {"copy_from": HAIKU} and child.inputs["region"] == "eu-west-1"
    assert child.inputs["tags"] == {"team": "support"}
    assert recorded.outputs == {"regions": ["eu-west-1"], "base": HAIKU}


def rejected(config: dict[str, str] | None = None, **kwargs: Any) -> tuple[InvalidArgumentError | TypeError, Recorded]:
    errors: list[Exception] = []

    def program() -> None:
        try:
            InferenceEndpoint("chat", **kwargs)
        except (InvalidArgumentError, TypeError) as error:
            errors.append(error)

    recorded = run(program, config)
    assert len(errors) == 1, "the arguments were accepted"
    return errors[0], recorded


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({}, "model", "is required"),
        ({"model": "claude"}, "model", "must be a foundation model ID"),
        ({"model": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abc"}, "model", "must be"),
        ({"model": "arn:aws:bedrock:us-east-1::foundation-model/*"}, "model", "must be"),
        ({"model": f"us.{HAIKU}", "provisioned_throughput": {"model_units": 1}}, "provisioned_throughput", "system inference profile"),
        ({"model": HAIKU, "provisioned_throughput": {"model_units": 0}}, "provisioned_throughput.model_units", "≥ 1"),
        ({"model": HAIKU, "provisioned_throughput": {"model_units": 1.5}}, "provisioned_throughput.model_units", "whole number"),
        ({"model": HAIKU, "provisioned_throughput": {"model_units": 1, "commitment_duration": "OneYear"}}, "provisioned_throughput.commitment_duration", "OneMonth, SixMonths"),
        ({"model": HAIKU, "provisioned_throughput": {"units": 1}}, "provisioned_throughput.units", "is not an argument"),
        ({"model": HAIKU, "provisioned_throughput": 1}, "provisioned_throughput", "must be a mapping"),
        ({"model": HAIKU, "tags": {"aws:team": "x"}}, "tags", "reserved prefix"),
        ({"model": HAIKU, "tags": {"team": "ü"}}, "tags", "value for 'team'"),
        ({"model": HAIKU, "name": "bad.name"}, "name", "must match the pattern"),
        ({"model": HAIKU, "description": "x" * 201}, "description", "at most 200"),
        ({"model": CUSTOM, "description": "x" * 2049}, "description", "at most 2048"),
        ({"model": HAIKU, "custom_model": True}, "custom_model", "is a foundation-model"),
        ({"model": pulumi.Output.from_input(CUSTOM)}, "custom_model", "is required when model is an Output"),
        ({"model": HAIKU, "protect_commitment": "no"}, "protect_commitment", "true or false"),
        ({"model": HAIKU, "modle": HAIKU}, "modle", "is not an argument"),
    ],
)
def test_invalid_arguments_are_refused_before_any_resource_registers(kwargs: dict, field: str, words: str) -> None:
    error, recorded = rejected(**kwargs)
    assert isinstance(error, InvalidArgumentError)
    assert str(error).startswith(f'InferenceEndpoint "chat": {field} ')
    assert words in str(error) and error.field == field
    assert recorded.resources == []


def test_tag_limit_counts_the_stack_default_tags() -> None:
    defaults = {"tags": {f"default-{i}": "x" for i in range(45)}}
    config = {"aws:defaultTags": json.dumps(defaults)}
    error, recorded = rejected(config, model=HAIKU, tags={f"own-{i}": "y" for i in range(6)})
    assert "at most 50" in str(error) and "45 stack default tags" in str(error) and "got 51" in str(error)
    assert recorded.resources == []
    fits = run(endpoint_program(model=HAIKU, tags={f"own-{i}": "y" for i in range(5)}), config)
    assert len(fits.of_type(PROFILE)) == 1
    # a resource tag with a default's key replaces it: still 50
    overlap = run(endpoint_program(model=HAIKU, tags={"default-0": "z", **{f"own-{i}": "y" for i in range(5)}}), config)
    assert len(overlap.of_type(PROFILE)) == 1
