"""Autonames (issue 7 §2): one definition of what replaces serves the diff and the autoname.

The engine's Check requests are played as the engine sends them: after an ``aliases`` rename,
``pulumi stack rename`` or a project rename, olds are the old inputs (old ``_autoname`` seed and
old name included) and news carry the new seed; a replacement is checked again with empty olds.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
ACCOUNT = "123456789012"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"
TITAN = "amazon.titan-text-express-v1:0:8k"
TITAN_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{TITAN}"
LITE = "amazon.titan-text-lite-v1:0:4k"
CUSTOM = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{TITAN}/abcdef123456"
OTHER_CUSTOM = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{TITAN}/fedcba654321"
DEPLOYED = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/imported/abcdef123456"
OTHER_DEPLOYED = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/imported/fedcba654321"
OLD_SEED, NEW_SEED = "proj/dev/chat", "proj/prod/chat"

PROFILE = (ApplicationInferenceProfileProvider, "name", {"model_source": {"copy_from": HAIKU}, "tags": {"app": "a"}})
DEPLOYMENT = (CustomModelDeploymentProvider, "name", {"model_arn": DEPLOYED, "tags": {"app": "a"}})
THROUGHPUT = (ProvisionedModelThroughputProvider, "provisioned_model_name", {"model_arn": TITAN, "model_units": 1.0, "tags": {"app": "a"}})
THROUGHPUT_CUSTOM = (ProvisionedModelThroughputProvider, "provisioned_model_name", {"model_arn": CUSTOM, "model_units": 1.0})


def provider(cls: type[BedrockProvider]) -> BedrockProvider:
    p = cls()
    p.configure(FakeConfigureRequest({"aws:region": REGION}))  # type: ignore[arg-type]
    return p


def check(p: BedrockProvider, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    result = p.check(olds, news)
    assert result.failures == []
    return result.inputs


def outputs_of(p: BedrockProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    """The outputs a create would have stored (as far as diff reads them)."""
    outputs = {**inputs, "tags_all": dict(inputs.get("tags") or {})}
    outputs.pop("_autoname", None)
    if isinstance(p, ProvisionedModelThroughputProvider):
        outputs["foundation_model_arn"] = TITAN_ARN
        outputs["model_units"] = int(inputs["model_units"])
    if isinstance(p, ApplicationInferenceProfileProvider):
        source = inputs["model_source"]["copy_from"]
        outputs["model_source"] = {"copy_from": source if source.startswith("arn:") else f"arn:aws:bedrock:{REGION}::foundation-model/{source}"}
    return outputs


def engine_up(p: BedrockProvider, old_inputs: dict[str, Any], news: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Check(olds, news), Diff(old outputs, checked); a replacement is checked again with no olds."""
    checked = check(p, old_inputs, news)
    diff = p.diff("arn:old", outputs_of(p, old_inputs), checked)
    if diff.replaces:
        checked = check(p, {}, news)
    return diff, checked


@pytest.mark.parametrize("spec", [PROFILE, DEPLOYMENT, THROUGHPUT], ids=["profile", "deployment", "throughput"])
def test_a_stack_alias_or_project_rename_keeps_the_autoname_and_changes_nothing(spec: Any) -> None:
    cls, field, base = spec
    p = provider(cls)
    old = check(p, {}, {**base, "_autoname": OLD_SEED})
    for seed in (NEW_SEED, "other-project/dev/chat", "proj/dev/renamed-by-alias"):
        news = {**base, "_autoname": seed}
        diff, checked = engine_up(p, old, news)
        assert checked[field] == old[field] and checked["_autoname"] == seed
        assert diff.changes is False
        # An in-place change during the rename keeps the name too.
        diff, checked = engine_up(p, old, {**news, "tags": {"app": "b"}})
        assert checked[field] == old[field] and diff.replaces == [] and diff.changes is True


@pytest.mark.parametrize(
    ("spec", "change"),
    [
        (PROFILE, {"description": "new"}),
        (PROFILE, {"model_source": {"copy_from": SONNET}}),
        (PROFILE, {"region": "us-west-2"}),
        (DEPLOYMENT, {"description": "new"}),
        (DEPLOYMENT, {"region": "us-west-2", "model_arn": DEPLOYED.replace(REGION, "us-west-2")}),
        (THROUGHPUT, {"model_units": 2.0}),
        (THROUGHPUT, {"commitment_duration": "OneMonth"}),
        (THROUGHPUT, {"model_arn": LITE}),  # foundation model to another: replaces
        (THROUGHPUT, {"model_arn": CUSTOM}),  # foundation model to a custom model: replaces
        (THROUGHPUT_CUSTOM, {"model_arn": f"arn:aws:bedrock:{REGION}::foundation-model/{LITE}"}),  # unrelated base
    ],
    ids=lambda value: value[0].__name__ if isinstance(value, tuple) else str(value),
)
@pytest.mark.parametrize("seed", [OLD_SEED, NEW_SEED], ids=["same-stack", "renamed-stack"])
def test_a_replacement_always_gets_a_new_autoname(spec: Any, change: dict[str, Any], seed: str) -> None:
    cls, field, base = spec
    p = provider(cls)
    old = check(p, {}, {**base, "_autoname": OLD_SEED})
    diff, checked = engine_up(p, old, {**base, **change, "_autoname": seed})
    assert set(diff.replaces) - {field}  # an input that replaces changed, not only the name
    assert checked[field] != old[field]
    assert diff.delete_before_replace is False  # create-before-delete is safe: the names differ


@pytest.mark.parametrize(
    ("spec", "change"),
    [
        (PROFILE, {"model_source": {"copy_from": f"arn:aws:bedrock:{REGION}::foundation-model/{HAIKU}"}}),
        (PROFILE, {"model_source": {"copy_from": f"arn:aws:bedrock:::foundation-model/{HAIKU}"}}),
        (DEPLOYMENT, {"model_arn": OTHER_DEPLOYED}),
        (DEPLOYMENT, {"timeouts": {"create": "2h"}}),
        (THROUGHPUT, {"model_arn": TITAN_ARN}),
        (THROUGHPUT, {"model_units": 1}),
        (THROUGHPUT_CUSTOM, {"model_arn": OTHER_CUSTOM}),
        (THROUGHPUT_CUSTOM, {"model_arn": TITAN}),  # a custom model back to its own base model
    ],
    ids=lambda value: value[0].__name__ if isinstance(value, tuple) else str(value),
)
@pytest.mark.parametrize("seed", [OLD_SEED, NEW_SEED], ids=["same-stack", "renamed-stack"])
def test_a_change_that_does_not_replace_keeps_the_autoname(spec: Any, change: dict[str, Any], seed: str) -> None:
    cls, field, base = spec
    p = provider(cls)
    old = check(p, {}, {**base, "_autoname": OLD_SEED})
    diff, checked = engine_up(p, old, {**base, **change, "_autoname": seed})
    assert diff.replaces == []
    assert checked[field] == old[field]


def test_an_explicit_name_is_never_replaced_by_an_autoname_and_back() -> None:
    p = provider(ApplicationInferenceProfileProvider)
    explicit = check(p, {}, {**PROFILE[2], "name": "mine", "_autoname": OLD_SEED})
    assert explicit["name"] == "mine" and "_autoname" not in explicit
    # Dropping the explicit name: the old inputs were not autonamed, so a fresh autoname (a replacement).
    dropped = check(p, explicit, {**PROFILE[2], "_autoname": OLD_SEED})
    assert dropped["name"] != "mine" and dropped["name"].startswith("chat-")


def test_unknown_replacing_inputs_in_preview_give_an_unknown_name_and_a_replacement() -> None:
    from pulumi.output import Unknown

    p = provider(ApplicationInferenceProfileProvider)
    old = check(p, {}, {**PROFILE[2], "_autoname": OLD_SEED})
    checked = check(p, old, {**PROFILE[2], "description": Unknown(), "_autoname": NEW_SEED})
    assert isinstance(checked["name"], Unknown)
    unknown_tags = check(p, old, {**PROFILE[2], "tags": {"app": Unknown()}, "_autoname": NEW_SEED})
    assert unknown_tags["name"] == old["name"]
