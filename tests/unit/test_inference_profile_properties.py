"""Property-based: ``check`` never raises, and every rule broken is named by its field."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_bedrock_inference.providers.inference_profile import (
    COPY_FROM_ID_RULE,
    DESCRIPTION_RULE,
    NAME_RULE,
    ApplicationInferenceProfileProvider,
)

PROVIDER = ApplicationInferenceProfileProvider()
FIELDS = ("name", "description", "model_source", "tags", "region", "adopt_existing", "_autoname")

anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=80),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), anything, max_size=7))
def test_check_never_raises_and_failures_name_a_field(news: dict[str, Any]) -> None:
    result = PROVIDER.check({}, news)
    for failure in result.failures:
        assert failure.property and failure.reason.startswith(failure.property.split(".")[0])


def valid_inputs() -> dict[str, Any]:
    return {"name": "chat", "model_source": {"copy_from": "amazon.nova-pro-v1:0"}, "region": "us-east-1"}


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_a_name_is_accepted_exactly_when_the_service_pattern_and_length_allow_it(name: str) -> None:
    result = PROVIDER.check({}, {**valid_inputs(), "name": name})
    service_accepts = 1 <= len(name) <= 64 and re.fullmatch(NAME_RULE.pattern or "", name) is not None
    assert ("name" not in {f.property for f in result.failures}) == service_accepts


@settings(max_examples=200)
@given(st.text(max_size=220))
def test_a_description_is_accepted_exactly_when_the_service_allows_it(description: str) -> None:
    result = PROVIDER.check({}, {**valid_inputs(), "description": description})
    service_accepts = 1 <= len(description) <= 200 and re.fullmatch(DESCRIPTION_RULE.pattern or "", description) is not None
    assert ("description" not in {f.property for f in result.failures}) == service_accepts


@settings(max_examples=200)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-:/ ", max_size=60))
def test_copy_from_ids_are_accepted_exactly_when_they_have_the_model_id_form(copy_from: str) -> None:
    result = PROVIDER.check({}, {**valid_inputs(), "model_source": {"copy_from": copy_from}})
    named = {f.property for f in result.failures}
    if copy_from.startswith("arn:"):
        return
    assert ("model_source.copy_from" not in named) == (COPY_FROM_ID_RULE.problem(copy_from) is None)


@settings(max_examples=200)
@given(st.dictionaries(st.text(max_size=140), st.text(max_size=270), max_size=60))
def test_bad_tags_are_always_reported_under_tags(tags: dict[str, str]) -> None:
    result = PROVIDER.check({}, {**valid_inputs(), "tags": tags})
    pattern = r"[a-zA-Z0-9 \t\n\x0b\f\r._:/=+@-]*"  # \s as AWS's (Java) validators read it: ASCII spaces only
    valid = len(tags) <= 50 and all(
        1 <= len(k) <= 128 and len(v) <= 256 and re.fullmatch(pattern, k) and re.fullmatch(pattern, v) and not k.lower().startswith("aws:")
        for k, v in tags.items()
    )
    assert ({f.property for f in result.failures} == set()) == bool(valid)
    assert {f.property for f in result.failures} <= {"tags"}
