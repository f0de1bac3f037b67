"""The service rules the emulator's runtime authorizes with, checked against AWS's published IAM
definitions (policy_sentry's database of the Service Authorization Reference,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html),
not against strings copied into this file.

For each kind of target, the ARNs the emulator checks are read from its refusals (so this is
what it really authorizes), and each must fit a resource type the action accepts; the
condition key it sets must be one the action takes on that resource type.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pytest
from botocore.exceptions import ClientError
from policy_sentry.querying.actions import get_action_data

from pulumi_bedrock_inference.testing.emulator import (
    INFERENCE_PROFILE_ARN_CONDITION_KEY,
    INVOKE_ACTIONS,
    BedrockEmulator,
)

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
ACCOUNT = "123456789012"
PLACEHOLDERS = {"Partition": r"aws(-[a-z]+)*", "Region": r"[a-z]{2}(-[a-z]+)+-\d", "Account": r"\d{12}"}


@lru_cache(maxsize=None)
def published(action: str) -> list[dict]:
    service, name = action.split(":")
    return get_action_data(service, name).get(service, [])


def resource_type_of(action: str, arn: str) -> dict:
    """The database entry of the resource type ``arn`` fits (formats turned into patterns)."""
    for entry in published(action):
        parts = re.split(r"(\$\{[A-Za-z]+\})", entry["resource_arn_format"])
        pattern = "".join(PLACEHOLDERS.get(p[2:-1], r"[^*?\s]+") if p.startswith("${") else re.escape(p) for p in parts)
        if entry["resource_arn_format"] != "*" and re.fullmatch(pattern, arn):
            return entry
    raise AssertionError(f"{arn} fits no resource type of {action}")


@pytest.mark.parametrize("operation, action", INVOKE_ACTIONS.items())
def test_each_operation_authorizes_with_a_published_action(operation: str, action: str) -> None:
    assert published(action), f"{action} is not a published Bedrock action"
    # and the operation has no action of its own that a policy could grant instead
    assert published(f"bedrock:{operation}") == [] or f"bedrock:{operation}" == action


def refused_resource(call: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    return caught.value.response["Error"]["Message"].split(" on resource: ")[1].split(" ")[0]


def test_every_checked_arn_and_condition_key_is_published(
    bedrock_emulator: BedrockEmulator, bedrock: Any, runtime: Any
) -> None:
    custom = bedrock_emulator.seed_custom_model("tuned", HAIKU)
    system = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{HAIKU}"
    targets = [
        HAIKU,
        system,
        bedrock.create_inference_profile(inferenceProfileName="p", modelSource={"copyFrom": system})["inferenceProfileArn"],
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId=HAIKU)["provisionedModelArn"],
        bedrock.create_custom_model_deployment(modelDeploymentName="d", modelArn=custom)["customModelDeploymentArn"],
    ]
    messages = [{"role": "user", "content": [{"text": "x"}]}]
    checked: set[tuple[str, str]] = set()
    for action, call in (
        ("bedrock:InvokeModel", lambda m: runtime.converse(modelId=m, messages=messages)),
        ("bedrock:InvokeModelWithResponseStream", lambda m: list(runtime.converse_stream(modelId=m, messages=messages)["stream"])),
    ):
        for target in targets:
            bedrock_emulator.set_identity_policy({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
            first = refused_resource(lambda: call(target))
            checked.add((action, first))
            # allow the entry point: a profile's destination model is checked next
            bedrock_emulator.set_identity_policy({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": first}]})
            try:
                call(target)
            except ClientError:
                checked.add((action, refused_resource(lambda: call(target))))
    kinds = {resource_type_of(action, arn)["resource_arn_format"].split(":")[-1].split("/")[0] for action, arn in checked}
    assert kinds == {"foundation-model", "inference-profile", "application-inference-profile", "provisioned-model",
                     "custom-model-deployment"}
    for action, arn in checked:
        assert INFERENCE_PROFILE_ARN_CONDITION_KEY in resource_type_of(action, arn)["condition_keys"]
