"""Stack config is validated at check: ``configure`` never raises, and every resource's ``check``
reports each bad value as a failure naming the config key and its rule, with no AWS call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from botocore.stub import Stubber

from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.config import MAX_RETRIES, ProviderConfig, StackConfigError
from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider

from .conftest import FakeConfigureRequest

VALID_NEWS: dict[type[BedrockProvider], dict[str, Any]] = {
    ApplicationInferenceProfileProvider: {"model_source": {"copy_from": "anthropic.claude-3-haiku-20240307-v1:0"}},
    CustomModelDeploymentProvider: {"model_arn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456"},
    ProvisionedModelThroughputProvider: {"model_arn": "anthropic.claude-3-haiku-20240307-v1:0", "model_units": 1.0},
}


@pytest.fixture(autouse=True)
def shared_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Shared AWS config files with two profiles, ``default`` and ``ml``."""
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n\n[profile ml]\nregion = eu-west-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    return config


def problems(config: dict[str, Any]) -> list[tuple[str, str]]:
    return list(ProviderConfig.from_stack_config(config.get).problems)


def tags_json(tags: Any) -> str:
    return json.dumps({"tags": tags})


BAD = [
    ("aws:defaultTags", "{not json", "must be JSON"),
    ("aws:defaultTags", '["team"]', 'must be an object like {"tags": {"team": "ml"}}, got a list'),
    ("aws:defaultTags", '{"tags": ["team"]}', '"tags" must be an object of tag keys to string values, got a list'),
    ("aws:defaultTags", '{"tag": {"team": "ml"}}', "'tag' is not a key of it"),
    ("aws:defaultTags", tags_json({"aws:owner": "me"}), "key 'aws:owner' must not start with the reserved prefix \"aws:\""),
    ("aws:defaultTags", tags_json({"AWS:owner": "me"}), 'reserved prefix "aws:"'),
    ("aws:defaultTags", tags_json({"équipe": "ml"}), "key 'équipe' must match the pattern [a-zA-Z0-9\\s._:/=+@-]*"),
    ("aws:defaultTags", tags_json({"k" * 129: "v"}), "must be at most 128 characters (got 129)"),
    ("aws:defaultTags", tags_json({"team": "v" * 257}), "value for 'team' must be at most 256 characters (got 257)"),
    ("aws:defaultTags", tags_json({"team": "ml!"}), "value for 'team' must match the pattern"),
    ("aws:defaultTags", tags_json({"units": 3}), "value for 'units' must be a string, got int"),
    ("aws:defaultTags", tags_json({f"k{i}": "v" for i in range(51)}), "must hold at most 50 tags per resource, got 51"),
    ("aws:region", "US East", "must match the pattern [a-z]+(-[a-z]+)+-\\d+ (an AWS region such as us-east-1), got 'US East'"),
    ("aws:region", "us-east-1 ", "an AWS region such as us-east-1"),
    ("aws:region", "x" * 40, "must be at most 32 characters"),
    ("aws:profile", "missing", "'missing' is not one (profiles there: default, ml)"),
    ("aws:maxRetries", "abc", f"must be a whole number from 0 to {MAX_RETRIES}, got 'abc'"),
    ("aws:maxRetries", "-1", "must be a whole number"),
    ("aws:maxRetries", "2.5", "must be a whole number"),
    ("aws:maxRetries", "1e3", "must be a whole number"),
    ("aws:maxRetries", "1000000", f"from 0 to {MAX_RETRIES}, got '1000000'"),
    ("aws:maxRetries", "٣", "must be a whole number"),
    ("aws:endpoints", "not json", "must be JSON"),
    ("aws:endpoints", '{"bedrock": "http://127.0.0.1:5000"}', "must be a list of objects like [{\"bedrock\": \"http://127.0.0.1:5000\"}], got an object"),
    ("aws:endpoints", '["http://127.0.0.1:5000"]', "entry 0 is a string"),
    ("aws:endpoints", '[{"bedrock": "ftp://example.com"}]', '"bedrock" must be an http:// or https:// URL with a host'),
    ("aws:endpoints", '[{"bedrock": "127.0.0.1:5000"}]', "http:// or https:// URL"),
    ("aws:endpoints", '[{"bedrock": "http://"}]', "with a host"),
    ("aws:endpoints", '[{"bedrock": "http://host:port"}]', "with a host"),
    ("aws:endpoints", '[{"bedrock": 5000}]', "got 5000"),
]


@pytest.mark.parametrize(("key", "value", "fragment"), BAD, ids=[f"{k}={v[:30]!r}" for k, v, _ in BAD])
def test_each_bad_value_is_a_problem_naming_the_key_and_the_rule(key: str, value: str, fragment: str) -> None:
    found = problems({key: value})
    assert [k for k, _ in found] == [key]
    assert found[0][1].startswith(f"{key} (stack config) ")
    assert fragment in found[0][1]


def test_a_bad_value_is_not_used() -> None:
    config = ProviderConfig.from_stack_config(
        {"aws:region": "US East", "aws:profile": "missing", "aws:maxRetries": "abc",
         "aws:endpoints": '[{"bedrock": "ftp://x"}]', "aws:defaultTags": "[]"}.get
    )
    assert (config.region, config.profile, config.max_retries, config.endpoint, dict(config.default_tags)) == (None, None, None, None, {})
    assert config.problem_keys == {"aws:region", "aws:profile", "aws:maxRetries", "aws:endpoints", "aws:defaultTags"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"aws:region": "us-gov-west-1"}, ProviderConfig(region="us-gov-west-1")),
        ({"aws:profile": "ml"}, ProviderConfig(profile="ml")),
        ({"aws:maxRetries": "0"}, ProviderConfig(max_retries=0)),
        ({"aws:maxRetries": str(MAX_RETRIES)}, ProviderConfig(max_retries=MAX_RETRIES)),
        ({"aws:maxRetries": 3.0}, ProviderConfig(max_retries=3)),
        ({"aws:defaultTags": tags_json({"team": "ml", "cost center": "a/b=c+d@e"})},
         ProviderConfig(default_tags={"team": "ml", "cost center": "a/b=c+d@e"})),
        ({"aws:defaultTags": '{"tags": null}'}, ProviderConfig()),
        ({"aws:endpoints": '[{"s3": "whatever"}, {"bedrock": "https://bedrock.example.com:8443/x"}]'},
         ProviderConfig(endpoint="https://bedrock.example.com:8443/x")),
        ({"aws:region": "", "aws:profile": "", "aws:maxRetries": ""}, ProviderConfig()),
    ],
)
def test_good_values_pass(config: dict[str, Any], expected: ProviderConfig) -> None:
    assert ProviderConfig.from_stack_config(config.get) == expected


def test_a_profile_is_looked_up_in_the_files_botocore_reads(shared_config: Path) -> None:
    assert problems({"aws:profile": "prod"})
    shared_config.write_text(shared_config.read_text() + "\n[profile prod]\nregion = us-west-2\n")
    assert problems({"aws:profile": "prod"}) == []


def test_an_unreadable_shared_config_is_a_problem_of_aws_profile_not_a_traceback(shared_config: Path) -> None:
    shared_config.write_text("[profile ml\nregion\n")
    found = problems({"aws:profile": "ml"})
    assert [k for k, _ in found] == ["aws:profile"] and "cannot be read" in found[0][1]


BAD_CONFIG = {
    "aws:region": "US East",
    "aws:defaultTags": tags_json({"équipe": "ml"}),
    "aws:maxRetries": "abc",
    "aws:endpoints": '[{"bedrock": "ftp://x"}]',
}


@pytest.fixture
def no_aws_call(stubbed: Stubber) -> Iterator[Stubber]:
    """Any AWS call fails the test: the Stubber has no response queued."""
    yield stubbed
    assert stubbed.regions == []  # type: ignore[attr-defined]


def configured(kind: type[BedrockProvider], config: dict[str, Any]) -> BedrockProvider:
    provider = kind()
    provider.configure(FakeConfigureRequest(config))  # type: ignore[arg-type]
    return provider


@pytest.mark.parametrize("kind", list(VALID_NEWS), ids=lambda kind: kind.__name__)
def test_every_resources_check_reports_every_config_problem_without_an_aws_call(kind: type[BedrockProvider], no_aws_call: Stubber) -> None:
    news = {**VALID_NEWS[kind], "_autoname": "proj/dev/x"}
    assert configured(kind, {}).check({}, dict(news)).failures == []  # the inputs themselves are fine
    failures = configured(kind, BAD_CONFIG).check({}, dict(news)).failures
    assert sorted(f.property for f in failures) == sorted(BAD_CONFIG)
    for failure in failures:
        assert failure.reason.startswith(f"{failure.property} (stack config) ")
    with_region = configured(kind, BAD_CONFIG).check({}, {**news, "region": "us-east-1"}).failures
    assert sorted(f.property for f in with_region) == sorted(BAD_CONFIG)


@pytest.mark.parametrize("kind", list(VALID_NEWS), ids=lambda kind: kind.__name__)
def test_a_missing_profile_fails_check_instead_of_raising_at_up(kind: type[BedrockProvider], no_aws_call: Stubber) -> None:
    failures = configured(kind, {"aws:profile": "missing"}).check({}, {**VALID_NEWS[kind], "_autoname": "proj/dev/x"}).failures
    assert [f.property for f in failures] == ["aws:profile"]


def test_configure_never_raises_even_when_reading_config_fails() -> None:
    class Exploding:
        def get(self, key: str) -> Any:
            raise RuntimeError("boom")

    class Request:
        config = Exploding()

    provider = ApplicationInferenceProfileProvider()
    provider.configure(Request())  # type: ignore[arg-type]
    failures = provider.check({}, {**VALID_NEWS[ApplicationInferenceProfileProvider], "_autoname": "p/s/x", "region": "us-east-1"}).failures
    assert [(f.property, f.reason) for f in failures] == [("aws", "aws stack config could not be read: RuntimeError('boom')")]


def test_default_tags_count_against_each_resources_limit_with_its_own_tags(no_aws_call: Stubber) -> None:
    provider = configured(ApplicationInferenceProfileProvider, {"aws:defaultTags": tags_json({f"d{i}": "v" for i in range(30)})})
    news = {**VALID_NEWS[ApplicationInferenceProfileProvider], "_autoname": "p/s/x", "tags": {f"t{i}": "v" for i in range(21)}}
    failures = provider.check({}, news).failures
    assert [f.property for f in failures] == ["tags"] and "including 30 stack default tags" in failures[0].reason


@pytest.mark.parametrize("kind", list(VALID_NEWS), ids=lambda kind: kind.__name__)
def test_refresh_and_destroy_make_no_aws_call_under_bad_config(kind: type[BedrockProvider]) -> None:
    # refresh and destroy run no check: a bad aws:endpoints must not send them to the default endpoint
    provider = configured(kind, {"aws:endpoints": '[{"bedrock": "localhost:5000"}]'})
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
    props = {"region": "us-east-1", "name": "x", "provisioned_model_name": "x"}
    with pytest.raises(StackConfigError, match=r"no AWS call is made until the stack config is fixed: aws:endpoints \(stack config\)"):
        provider.delete(arn, props)
    with pytest.raises(StackConfigError, match="aws:endpoints"):
        provider.read(arn, props)


@pytest.mark.parametrize(
    ("key", "value"),
    [("aws:maxRetries", "9" * 5000), ("aws:defaultTags", '{"tags": {"a": ' + "9" * 5000 + "}}"),
     ("aws:endpoints", "[" * 100_000), ("aws:defaultTags", "[" * 100_000)],
    ids=["huge-retries", "huge-number-in-json", "deep-endpoints", "deep-default-tags"],
)
def test_pathological_config_values_are_reported_under_their_own_key(key: str, value: str) -> None:
    from pulumi_bedrock_inference.providers.config import ProviderConfig

    problems = ProviderConfig.from_stack_config({key: value}.get).problems
    assert [problem_key for problem_key, _ in problems] == [key]
    assert all(len(reason) < 400 for _, reason in problems)


def test_without_a_region_check_names_the_variable_boto3_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore's session variable "region" is read from AWS_DEFAULT_REGION only
    # (botocore.configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES), so AWS_REGION alone gives no region.
    from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider
    from tests.unit.conftest import FakeConfigureRequest

    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "empty"))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    provider = ApplicationInferenceProfileProvider()
    provider.configure(FakeConfigureRequest({}))  # type: ignore[arg-type]
    failures = provider.check({}, {"name": "p", "model_source": {"copy_from": "amazon.titan-text-express-v1"}}).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("region", "region is required: set the resource's region input, stack config aws:region, or AWS_DEFAULT_REGION")
    ]
