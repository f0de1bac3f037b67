"""Bad stack config and bad inputs under the real engine (issue 14, 3h): what users see in the
CLI's output. Every problem is reported at check time, naming the config key or input field and
the rule, with no AWS call. Refresh runs no check and configures the provider with the stack config
recorded by the last ``up``: a bad value set since then does not stop it, and the next ``up``
refuses it with the same message.

The engine renders each check failure as ``<type> resource '<name>': property <field> value
<value> has a problem: <reason>`` (``GetResourcePropertyInvalidValueError``); for a stack config
key, which is not an input, the value shows as ``{<nil>}``."""

from __future__ import annotations

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_bedrock_inference.partitions import REGION_PATTERN
from pulumi_bedrock_inference.providers import ApplicationInferenceProfile
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from pulumi_bedrock_inference.testing.stack import emulator_stack

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
PREFIX = "error: pulumi-python:dynamic/bedrock:ApplicationInferenceProfile resource 'chat': "
CONFIG_PROBLEMS = [
    PREFIX + "property aws:defaultTags value {<nil>} has a problem: aws:defaultTags (stack config) must be an object "
    'like {"tags": {"team": "ml"}}: "tags" must be an object of tag keys to string values, got a list',
    PREFIX + "property aws:maxRetries value {<nil>} has a problem: aws:maxRetries (stack config) must be a whole "
    "number from 0 to 100, got 'many'",
]
INPUT_PROBLEMS = [
    PREFIX + "property tags value {map[aws:owner:{x}]} has a problem: tags key 'aws:owner' must not start with the "
    'reserved prefix "aws:"',
    PREFIX + "property name value {bad name!} has a problem: name must match the pattern ([0-9a-zA-Z][ _-]?)+ "
    "(letters and digits, each optionally followed by one space, _ or -), got 'bad name!'",
]
REGION_PROBLEM = (
    PREFIX + "property aws:region value {<nil>} has a problem: aws:region (stack config) must match the pattern "
    f"{REGION_PATTERN} (an AWS region such as us-east-1), got 'US East'"
)


def test_bad_stack_config_and_bad_inputs_are_named_before_any_aws_call(bedrock_emulator: BedrockEmulator) -> None:
    def program() -> None:
        ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU}, name="bad name!", tags={"aws:owner": "x"})

    config = {"aws:defaultTags": '{"tags": ["x"]}', "aws:maxRetries": "many"}
    with emulator_stack(program, bedrock_emulator, config=config) as stack:
        with pytest.raises(auto.CommandError) as preview:
            stack.preview()
        for line in CONFIG_PROBLEMS + INPUT_PROBLEMS:
            assert line in str(preview.value)

        stack.set_config("aws:region", auto.ConfigValue("US East"))
        with pytest.raises(auto.CommandError) as up:
            stack.up()
        for line in [REGION_PROBLEM] + CONFIG_PROBLEMS + INPUT_PROBLEMS:
            assert line in str(up.value)
        assert bedrock_emulator.counts() == {}
        assert [r["type"] for r in stack.export_stack().deployment["resources"] if "bedrock" in r["type"]] == []


def test_refresh_uses_the_stack_config_of_the_last_up(bedrock_emulator: BedrockEmulator) -> None:
    # Refresh configures the provider from the default provider's inputs recorded in state by the
    # last `up`, not from the current stack config: a bad aws:region set since then is not seen.
    # (README "Configuration": config changed since then takes effect, and is refused, at the next `up`.)
    def program() -> None:
        pulumi.export("arn", ApplicationInferenceProfile("chat", model_source={"copy_from": HAIKU}).arn)

    with emulator_stack(program, bedrock_emulator) as stack:
        arn = stack.up().outputs["arn"].value
        stack.set_config("aws:region", auto.ConfigValue("US East"))
        bedrock_emulator.reset_log()

        refreshed = stack.refresh()

        assert refreshed.summary.resource_changes == {"same": 2}
        assert bedrock_emulator.counts() == {"GetInferenceProfile": 1, "ListTagsForResource": 1}
        assert {r["region"] for r in bedrock_emulator.requests()} == {"us-east-1"}
        provider = next(r for r in stack.export_stack().deployment["resources"] if r["type"] == "pulumi:providers:pulumi-python")
        assert provider["inputs"] == {"aws:region": "us-east-1"}
        with pytest.raises(auto.CommandError) as up:
            stack.up()
        assert REGION_PROBLEM in str(up.value)
        assert bedrock_emulator.client().get_inference_profile(inferenceProfileIdentifier=arn)["status"] == "ACTIVE"
