"""The shared provider core: config, client cache, errors, tags, validation, waiter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from pulumi.output import Unknown
from pulumi_bedrock_inference.providers import client as aws_client
from pulumi_bedrock_inference.providers import errors, tags
from pulumi_bedrock_inference.providers.clock import Clock
from pulumi_bedrock_inference.providers.config import ProviderConfig
from pulumi_bedrock_inference.providers.validation import InputChecker, parse_duration
from pulumi_bedrock_inference.providers.waiter import Waiter, wait

from .conftest import FakeClock


def test_stack_config_reads_the_aws_keys_pulumi_aws_users_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config").write_text("[profile ml]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    config = ProviderConfig.from_stack_config(
        {
            "aws:region": "eu-west-1",
            "aws:profile": "ml",
            "aws:defaultTags": json.dumps({"tags": {"team": "ml", "env": "prod"}}),
            "aws:maxRetries": "4",
            "aws:endpoints": json.dumps([{"s3": "http://s3"}, {"bedrock": "http://127.0.0.1:5000"}]),
        }.get
    )
    assert config == ProviderConfig("eu-west-1", "ml", {"team": "ml", "env": "prod"}, 4, "http://127.0.0.1:5000")


def test_stack_config_records_malformed_default_tags_instead_of_raising() -> None:
    config = ProviderConfig.from_stack_config({"aws:defaultTags": "{not json"}.get)
    assert config.default_tags == {}
    assert [key for key, _ in config.problems] == ["aws:defaultTags"]
    assert "must be JSON" in config.problems[0][1]


def test_clients_are_cached_per_region_profile_and_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK", raising=False)
    aws_client.clear_cache()
    first = aws_client.bedrock_client("us-east-1")
    assert aws_client.bedrock_client("us-east-1") is first
    assert aws_client.bedrock_client("us-west-2") is not first
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", "http://127.0.0.1:1")
    redirected = aws_client.bedrock_client("us-east-1")
    assert redirected is not first and redirected.meta.endpoint_url == "http://127.0.0.1:1"
    retries = first.meta.config.retries
    assert retries["mode"] == "standard" and retries["total_max_attempts"] == aws_client.DEFAULT_MAX_ATTEMPTS
    aws_client.clear_cache()


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ResourceNotFoundException", errors.NotFoundError),
        ("ConflictException", errors.ConflictError),
        ("ThrottlingException", errors.ThrottledError),
        ("ServiceQuotaExceededException", errors.QuotaExceededError),
        ("TooManyTagsException", errors.QuotaExceededError),
        ("ValidationException", errors.InvalidRequestError),
        ("AccessDeniedException", errors.AccessDeniedError),
        ("SomethingNew", errors.BedrockError),
    ],
)
def test_aws_codes_map_to_exception_types_and_messages_name_everything(code: str, kind: type) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "went wrong"}}, "CreateInferenceProfile")
    with pytest.raises(kind) as raised:
        with errors.aws_call("creating", 'Bedrock application inference profile "chat-prod"'):
            raise error
    assert str(raised.value) == f'creating Bedrock application inference profile "chat-prod": {code}: went wrong'
    assert raised.value.code == code


def test_tags_count_default_tags_against_the_limit_of_50() -> None:
    own = {f"k{i}": "v" for i in range(45)}
    defaults = {f"d{i}": "v" for i in range(6)}
    assert tags.tag_problems(own, "tags", {}) == []
    problems = tags.tag_problems(own, "tags", defaults)
    assert problems == [("tags", "tags must hold at most 50 tags per resource including 6 stack default tags (aws:defaultTags), got 51")]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"": "v"}, "must not be empty"),
        ({"k" * 129: "v"}, "at most 128"),
        ({"k": "v" * 257}, "at most 256"),
        ({"k!": "v"}, "must match the pattern"),
        ({"AWS:owner": "v"}, 'reserved prefix "aws:"'),
        ({"k": 3}, "must be a string"),
        (["k"], "must be a mapping"),
    ],
)
def test_each_tag_rule_is_named(value: object, fragment: str) -> None:
    problems = tags.tag_problems(value)
    assert problems and problems[0][0] == "tags" and fragment in problems[0][1]


def test_tag_merge_delta_and_own_tags() -> None:
    merged = tags.merge_default_tags({"env": "dev", "team": "ml"}, {"env": "prod", "app": "chat"})
    assert merged == {"env": "prod", "team": "ml", "app": "chat"}
    assert tags.delta({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "x", "d": "4"}) == ({"b": "x", "d": "4"}, ["c"])
    assert tags.to_aws({"b": "2", "a": "1"}) == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    assert tags.own_tags({"team": "ml", "app": "chat", "drift": "x"}, {"team": "ml"}, {"app": "chat"}) == {"app": "chat", "drift": "x"}


def test_unknowns_pass_validation_and_integral_floats_become_ints() -> None:
    checker = InputChecker({"units": 2.0, "half": 1.5, "later": Unknown(), "name": Unknown()})
    checker.integer("units", minimum=1)
    checker.integer("half", minimum=1)
    checker.integer("later", minimum=1)
    checker.string("name", required=True)
    assert checker.inputs["units"] == 2 and isinstance(checker.inputs["units"], int)
    assert [(f.property, f.reason) for f in checker.failures] == [("half", "half must be a whole number, got 1.5")]


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("1h30m", 5400), ("45s", 45), ("2h", 7200), ("", None), ("ten", None)])
def test_durations(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


DEPLOYMENT = Waiter(
    kind="custom model deployment",
    status=lambda r: r["status"],
    target=frozenset({"Active"}),
    pending=frozenset({"Creating"}),
    failure=frozenset({"Failed"}),
    reason=lambda r: r.get("failureMessage"),
    delay=5,
    max_delay=20,
    backoff=2,
)


def test_waiter_backs_off_to_a_cap_and_prints_progress() -> None:
    clock, lines = FakeClock(), []
    statuses = iter(["Creating"] * 5 + ["Active"])
    result = wait(DEPLOYMENT, lambda: {"status": next(statuses)}, name="x", timeout=600, timeout_hint="",
                  clock=Clock(monotonic=clock.time, sleep=clock.sleep), log=lines.append)
    assert result == {"status": "Active"}
    assert clock.sleeps == [5, 10, 20, 20, 20]
    assert lines[0] == 'waiting for custom model deployment "x": Creating, 0s'
    assert lines[3] == 'waiting for custom model deployment "x": Creating, 35s'
    assert lines[-1] == 'custom model deployment "x" is Active after 1m15s'


def test_waiter_failure_carries_the_failure_message() -> None:
    clock = FakeClock()
    with pytest.raises(errors.NotStabilizedError) as raised:
        wait(DEPLOYMENT, lambda: {"status": "Failed", "failureMessage": "model too large"}, name="x", timeout=60,
             timeout_hint="", clock=Clock(monotonic=clock.time, sleep=clock.sleep), log=lambda _: None)
    assert str(raised.value) == 'waiting for custom model deployment "x" to become Active: Failed: model too large'


def test_waiter_times_out_with_how_to_resume() -> None:
    clock = FakeClock()
    with pytest.raises(errors.NotStabilizedError) as raised:
        wait(DEPLOYMENT, lambda: {"status": "Creating"}, name="x", timeout=60, timeout_hint="Run pulumi up again.",
             clock=Clock(monotonic=clock.time, sleep=clock.sleep), log=lambda _: None)
    assert "still Creating after 1m00s (timeout 1m00s). Run pulumi up again." in str(raised.value)
    assert sum(clock.sleeps) == 60
