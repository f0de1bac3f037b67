"""Autonames of replacements the engine forces with no input change.

``continueStepsFromDiff`` (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``) checks a
replaced resource again with no olds right after its Check with olds; for ``replace_with``,
``deleted_with`` and ``replacement_trigger`` nothing in the inputs changed, so that re-Check is
salted with the name the first Check kept. Both Checks of one registration carry the same
``randomSeed``; another registration (another deployment) draws a new one. The Checks here go
through a function named ``Check`` in a file named ``pulumi/dynamic/__main__.py`` holding
``request``, as the SDK's server does.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import pytest

from pulumi_bedrock_inference.providers import naming
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.provider_process import engine_check_key
from tests.unit.test_naming import DEPLOYMENT, OLD_SEED, PROFILE, THROUGHPUT, provider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::chat"
OTHER_URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/bedrock:ApplicationInferenceProfile::other"

_SERVER_SOURCE = """
def Check(self, request, context):
    return self.check(request.olds, request.news)
"""


def _server_check() -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile(_SERVER_SOURCE, os.path.join("site-packages", "pulumi", "dynamic", "__main__.py"), "exec"), namespace)
    return namespace["Check"]


SERVER_CHECK = _server_check()


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(naming, "_last_check", None)
    yield


SEED = b"\x01" * 32
OTHER_SEED = b"\x02" * 32


def engine_check(p: BedrockProvider, urn: str, olds: dict[str, Any], news: dict[str, Any], seed: bytes = SEED) -> dict[str, Any]:
    result = SERVER_CHECK(p, SimpleNamespace(urn=urn, olds=olds, news=news, randomSeed=seed), None)
    assert result.failures == []
    return result.inputs


CASES = [PROFILE, DEPLOYMENT, THROUGHPUT]
IDS = ["profile", "deployment", "throughput"]


@pytest.mark.parametrize(("cls", "field", "values"), CASES, ids=IDS)
def test_the_recheck_of_a_forced_replacement_gets_a_new_deterministic_name(cls: Any, field: str, values: dict) -> None:
    p = provider(cls)
    news = {**values, "_autoname": OLD_SEED}
    olds = engine_check(p, URN, {}, news)
    assert engine_check(p, URN, olds, news)[field] == olds[field]
    salted = engine_check(p, URN, {}, news)[field]
    assert salted != olds[field] and salted.startswith("chat-")
    # The same Checks in the next deployment (a crashed replacement re-run): the same name.
    naming._last_check = None
    engine_check(p, URN, olds, news, OTHER_SEED)
    assert engine_check(p, URN, {}, news, OTHER_SEED)[field] == salted


@pytest.mark.parametrize(("cls", "field", "values"), CASES, ids=IDS)
def test_a_new_resource_and_a_resumed_create_keep_the_plain_autoname(cls: Any, field: str, values: dict) -> None:
    p = provider(cls)
    news = {**values, "_autoname": OLD_SEED}
    first = engine_check(p, URN, {}, news)[field]
    assert engine_check(p, URN, {}, news)[field] == first  # nil olds after nil olds: a resumed create
    assert first == p.check({}, news).inputs[field]  # outside the provider process too


def test_only_the_check_right_after_decides() -> None:
    p = provider(PROFILE[0])
    news = {**PROFILE[2], "_autoname": OLD_SEED}
    plain = engine_check(p, URN, {}, news)
    engine_check(p, URN, plain, news)
    engine_check(p, OTHER_URN, {}, {**news, "_autoname": "proj/dev/other"})  # another resource in between
    assert engine_check(p, URN, {}, news)["name"] == plain["name"]
    engine_check(p, URN, plain, news)
    assert engine_check(p, OTHER_URN, {}, news)["name"] == plain["name"]  # another URN, same seed
    engine_check(p, URN, plain, news)
    # The same URN registered in a later deployment (``pulumi up --replace``, or a re-created
    # resource, in a process a test harness reused): another seed, so a new resource's name.
    assert engine_check(p, URN, {}, news, OTHER_SEED)["name"] == plain["name"]


def test_an_input_change_replacement_is_not_salted() -> None:
    p = provider(PROFILE[0])
    news = {**PROFILE[2], "_autoname": OLD_SEED}
    olds = engine_check(p, URN, {}, news)
    changed = {**news, "description": "v2"}
    first = engine_check(p, URN, olds, changed)["name"]
    assert engine_check(p, URN, {}, changed)["name"] == first == p.check({}, changed).inputs["name"] != olds["name"]


def test_an_explicit_name_is_never_salted() -> None:
    p = provider(PROFILE[0])
    news = {**PROFILE[2], "name": "mine", "_autoname": OLD_SEED}
    olds = engine_check(p, URN, {}, news)
    engine_check(p, URN, olds, news)
    assert engine_check(p, URN, {}, news)["name"] == "mine"


def test_the_urn_is_read_only_from_the_sdk_servers_check() -> None:
    assert engine_check_key() is None

    def Check(self: Any, request: Any, context: Any) -> Any:  # same name, not the SDK's file
        return engine_check_key()

    assert Check(None, SimpleNamespace(urn=URN, randomSeed=SEED), None) is None
    namespace: dict[str, Any] = {}
    source = "def Check(self, request, context):\n    return probe()\n"
    exec(compile(source, os.path.join("pulumi", "dynamic", "__main__.py"), "exec"), {"probe": engine_check_key}, namespace)
    assert namespace["Check"](None, SimpleNamespace(urn=URN, randomSeed=SEED), None) == (URN, SEED)
