"""Creates are right under either reading of clientRequestToken (issue 7 §3), for all three resources.

Each test runs under the emulator's "ec2" semantics (a repeated token answers with the original
ARN, even after that resource was deleted) and "ignore" semantics (Bedrock's wording: the token's
resource while it exists). The engine's steps are played as the engine plays them: ``pulumi
destroy`` is Delete; ``up`` of a resource not in state is Check with empty olds, then Create; a
refresh that finds the resource gone is Read with an empty ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pytest

from pulumi_bedrock_inference.providers import errors
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.clock import Clock
from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator
from tests.unit.conftest import FakeConfigureRequest

REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@dataclass
class Kind:
    name: str
    provider: type[BedrockProvider]
    create_operation: str
    name_field: str
    news: Callable[[BedrockEmulator], dict[str, Any]]
    arns: Callable[[Any], list[str]]
    delete: Callable[[Any, str], None]

    def __repr__(self) -> str:
        return self.name


PROFILE = Kind(
    "profile", ApplicationInferenceProfileProvider, "CreateInferenceProfile", "name",
    lambda emulator: {"model_source": {"copy_from": HAIKU}},
    lambda client: [p["inferenceProfileArn"] for p in client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]],
    lambda client, arn: client.delete_inference_profile(inferenceProfileIdentifier=arn),
)
DEPLOYMENT = Kind(
    "deployment", CustomModelDeploymentProvider, "CreateCustomModelDeployment", "name",
    lambda emulator: {"model_arn": emulator.seed_custom_model("tuned", HAIKU)},
    lambda client: [d["customModelDeploymentArn"] for d in client.list_custom_model_deployments()["modelDeploymentSummaries"]],
    lambda client, arn: client.delete_custom_model_deployment(customModelDeploymentIdentifier=arn),
)
THROUGHPUT = Kind(
    "throughput", ProvisionedModelThroughputProvider, "CreateProvisionedModelThroughput", "provisioned_model_name",
    lambda emulator: {"model_arn": "amazon.nova-pro-v1:0", "model_units": 1.0},
    lambda client: [p["provisionedModelArn"] for p in client.list_provisioned_model_throughputs()["provisionedModelSummaries"]],
    lambda client, arn: client.delete_provisioned_model_throughput(provisionedModelId=arn),
)
KINDS = [PROFILE, DEPLOYMENT, THROUGHPUT]


@pytest.fixture
def emulator(token_semantics: str, bedrock_emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockEmulator]:
    """The emulator under one token semantics; the providers' waits sleep on its clock."""
    elapsed = [0.0]

    def sleep(seconds: float) -> None:
        elapsed[0] += seconds
        bedrock_emulator.advance(seconds)

    monkeypatch.setattr(BedrockProvider, "clock", Clock(monotonic=lambda: elapsed[0], sleep=sleep))
    yield bedrock_emulator


def provider(kind: Kind) -> BedrockProvider:
    p = kind.provider()
    p.configure(FakeConfigureRequest({}))  # type: ignore[arg-type]
    return p


def up(p: BedrockProvider, news: dict[str, Any]) -> Any:
    """``pulumi up`` of a resource that is not in the state: Check with empty olds, then Create."""
    checked = p.check({}, {"region": REGION, "_autoname": "proj/dev/chat", **news})
    assert checked.failures == []
    return p.create(checked.inputs)


def assert_only(emulator: BedrockEmulator, kind: Kind, arn: str) -> None:
    client = emulator.client(REGION)
    assert kind.arns(client) == [arn]


@pytest.mark.parametrize("kind", KINDS, ids=repr)
def test_destroy_then_up_creates_a_new_resource(emulator: BedrockEmulator, kind: Kind) -> None:
    p, news = provider(kind), kind.news(emulator)
    first = up(p, news)
    assert up(p, news).id == first.id  # a retried create (crash, timeout) resumes the same resource
    p.delete(first.id, first.outs)
    emulator.reset_log()

    second = up(p, news)
    assert second.id != first.id and second.outs[kind.name_field] == first.outs[kind.name_field]
    assert_only(emulator, kind, second.id)
    # ec2: the token answers with the deleted ARN, then the salted token creates; ignore: one create.
    assert emulator.count(kind.create_operation) == (2 if emulator.token_semantics() == "ec2" else 1)
    p.delete(second.id, second.outs)
    third = up(p, news)  # a second destroy/up in the same 24 hours follows the salted chain
    assert third.id not in (first.id, second.id)
    assert_only(emulator, kind, third.id)
    assert up(p, news).id == third.id


@pytest.mark.parametrize("kind", KINDS, ids=repr)
def test_out_of_band_delete_then_refresh_then_up_creates_a_new_resource(emulator: BedrockEmulator, kind: Kind) -> None:
    p, news = provider(kind), kind.news(emulator)
    first = up(p, news)
    kind.delete(emulator.client(REGION), first.id)
    assert p.read(first.id, first.outs).id == ""  # refresh drops it from the state

    second = up(p, news)
    assert second.id != first.id
    assert_only(emulator, kind, second.id)
    assert p.read(second.id, second.outs).id == second.id


@pytest.mark.parametrize("kind", [DEPLOYMENT, THROUGHPUT], ids=repr)
def test_a_failed_create_is_deleted_and_the_next_up_creates_a_new_resource(emulator: BedrockEmulator, kind: Kind) -> None:
    p, news = provider(kind), kind.news(emulator)
    emulator.fail_next(kind.create_operation, "capacity")
    with pytest.raises(errors.NotStabilizedError, match="capacity.*was deleted"):
        up(p, news)
    assert kind.arns(emulator.client(REGION)) == []

    second = up(p, news)
    assert second.outs["status"] in ("Active", "InService")
    assert_only(emulator, kind, second.id)


@pytest.mark.parametrize("kind", KINDS, ids=repr)
def test_a_crashed_create_rerun_with_an_edited_input_takes_over_its_own_autonamed_resource(
    emulator: BedrockEmulator, kind: Kind, capsys: pytest.CaptureFixture[str]
) -> None:
    p, news = provider(kind), kind.news(emulator)
    crashed = up(p, {**news, "tags": {"team": "a"}})  # created in AWS, never recorded in the state

    rerun = up(p, {**news, "tags": {"team": "b"}})  # new request, new token, same autoname
    assert rerun.id == crashed.id
    assert_only(emulator, kind, crashed.id)
    assert rerun.outs["tags_all"] == {"team": "b"}
    client = emulator.client(REGION)
    assert client.list_tags_for_resource(resourceARN=crashed.id)["tags"] == [{"key": "team", "value": "b"}]


@pytest.mark.parametrize("kind", KINDS, ids=repr)
def test_an_explicit_name_taken_still_needs_adopt_existing(emulator: BedrockEmulator, kind: Kind) -> None:
    p, news = provider(kind), {**kind.news(emulator), kind.name_field: "taken"}
    first = up(p, {**news, "tags": {"team": "a"}})
    with pytest.raises(errors.ConflictError, match="adopt_existing=True"):
        up(p, {**news, "tags": {"team": "b"}})
    assert up(p, {**news, "tags": {"team": "b"}, "adopt_existing": True}).id == first.id
    assert_only(emulator, kind, first.id)


def test_a_crashed_deployment_rerun_with_another_model_is_taken_over_and_swapped(emulator: BedrockEmulator) -> None:
    p = provider(DEPLOYMENT)
    first_model = emulator.seed_custom_model("tuned", HAIKU)
    second_model = emulator.seed_custom_model("tuned-again", HAIKU)
    crashed = up(p, {"model_arn": first_model})
    rerun = up(p, {"model_arn": second_model})
    assert rerun.id == crashed.id and rerun.outs["model_arn"] == second_model
    assert_only(emulator, DEPLOYMENT, crashed.id)
    assert emulator.count("UpdateCustomModelDeployment") == 1


def test_a_crashed_profile_rerun_with_another_source_gets_a_new_name_and_leaves_the_old_one(emulator: BedrockEmulator) -> None:
    # A replacing input changed: a new name; the crashed run's profile stays outside the stack (README).
    p = provider(PROFILE)
    crashed = up(p, {"model_source": {"copy_from": HAIKU}})
    rerun = up(p, {"model_source": {"copy_from": "anthropic.claude-3-5-sonnet-20241022-v2:0"}})
    assert rerun.id != crashed.id and rerun.outs["name"] != crashed.outs["name"]
    # Putting the old inputs back picks the crashed run's profile up again.
    assert up(p, {"model_source": {"copy_from": HAIKU}}).id == crashed.id


def test_a_crashed_throughput_rerun_with_another_custom_model_is_taken_over_and_switched(emulator: BedrockEmulator) -> None:
    p = provider(THROUGHPUT)
    first_model = emulator.seed_custom_model("tuned", "amazon.nova-pro-v1:0")
    second_model = emulator.seed_custom_model("tuned-again", "amazon.nova-pro-v1:0")
    crashed = up(p, {"model_arn": first_model, "model_units": 1.0})
    rerun = up(p, {"model_arn": second_model, "model_units": 1.0})
    assert rerun.id == crashed.id and rerun.outs["model_arn"] == second_model and rerun.outs["status"] == "InService"
    assert_only(emulator, THROUGHPUT, crashed.id)
    assert emulator.count("UpdateProvisionedModelThroughput") == 1
    # What cannot change in place is still refused: another foundation model would replace.
    with pytest.raises(errors.InvalidRequestError, match="AdoptionMismatch: .*cannot change in place"):
        up(p, {"model_arn": "amazon.nova-lite-v1:0", "model_units": 1.0, "provisioned_model_name": rerun.outs["provisioned_model_name"], "adopt_existing": True})
