"""Validation never hangs: every pattern the providers and the emulator match runs on RE2.

The claim comes from the engine (RE2's automata run in time linear in the input whatever the
pattern). These tests guard it: the rules are enumerated from the modules themselves, so a new
rule is covered, and a pattern compiled by Python's backtracking ``re`` in a provider module fails.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_bedrock_inference import identifiers, patterns, providers
from pulumi_bedrock_inference.providers import inference_profile
from pulumi_bedrock_inference.patterns import RE2_MAX_REPEAT, LinearPattern, compile_linear, fullmatches, re2_syntax
from pulumi_bedrock_inference.providers.validation import StringRule, parse_duration
from pulumi_bedrock_inference.testing.emulator import validation as emulator_validation

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("bedrock", "bedrock-runtime")

ISSUE_INPUTS = (
    "anthropic.claude-3-haiku-20240307-v1:0 ",
    "anthropic.claude-3-5-sonnet-20241022-v2_0",
    "us.anthropic.claude-3-5-sonnet-20241022-v2:0 ",
)
VALID_LOOKING = (
    "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0",
    "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdef123456",
    "amazon.titan-text-express-v1:0:8k",
    "my-profile_1",
)
RUN_UNITS = ("a", "a-", "a.", "a:", "a_", "a ", "0", "a-a", "a.a", "aa.", "a.:", "A", "a/", "a-1.")
FORBIDDEN = (" ", "!", "_", "\n", "\u00e9", ":", ".")


def provider_modules() -> list[Any]:
    """Every module of the providers package, plus the emulator's validator (its module-level patterns)."""
    found = [importlib.import_module(f"{providers.__name__}.{info.name}") for info in pkgutil.iter_modules(providers.__path__)]
    return [*found, identifiers, emulator_validation]


Check = Callable[[str], Any]


def provider_rules() -> dict[str, tuple[Check, int | None]]:
    """Every module-level rule and pattern of every provider module: (check of one value, max length)."""
    checks: dict[str, tuple[Check, int | None]] = {}
    for module in provider_modules():
        for name, value in vars(module).items():
            where = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
            if isinstance(value, StringRule):
                checks[where] = (value.problem, value.max_length)
                if value.pattern is not None:
                    # problem() stops at the length limit: match the pattern beyond it too
                    checks[f"{where}.pattern"] = (lambda text, p=value.pattern: fullmatches(p, text), value.max_length)
            elif isinstance(value, LinearPattern):
                checks[where] = (value.fullmatch, None)
    checks["validation.parse_duration"] = (parse_duration, None)
    return checks


def botocore_patterned_shapes() -> Iterator[tuple[str, Any]]:
    session = botocore.session.get_session()
    for service in SERVICES:
        model = session.get_service_model(service)
        for name in model.shape_names:
            shape = model.shape_for(name)
            if shape.type_name == "string" and shape.metadata.get("pattern"):
                yield f"{service}:{name}", shape


def emulator_rules() -> dict[str, tuple[Check, int | None]]:
    """The emulator's request validation of every patterned string shape of the Bedrock models."""
    return {
        f"emulator {where}": (
            lambda text, shape=shape: emulator_validation.ShapeValidator().validate(shape, text, "v"),
            shape.metadata.get("max"),
        )
        for where, shape in botocore_patterned_shapes()
    }


def adversarial_inputs(max_length: int) -> Iterator[str]:
    """Near-misses at and beyond ``max_length``: long runs of allowed characters ending in a forbidden one."""
    yield from ISSUE_INPUTS
    for valid in VALID_LOOKING:
        yield valid + " "
        for separator in "_-. /":
            yield valid.replace(":", separator)
    for length in (max_length - 1, max_length + 64):
        for unit in RUN_UNITS:
            run = (unit * (length // len(unit) + 1))[:length]
            for bad in FORBIDDEN:
                yield run + bad
                yield "a." + run + bad
                yield "us.anthropic." + run + bad
                yield "arn:aws:bedrock:us-east-1:123456789012:" + run + bad


def feed_every_rule() -> dict[str, int]:
    """Run every rule on its adversarial inputs; the number of inputs per rule (run in a subprocess)."""
    fed: dict[str, int] = {}
    for where, (check, max_length) in {**provider_rules(), **emulator_rules()}.items():
        count = 0
        for text in adversarial_inputs(max_length or 2048):
            check(text)
            count += 1
        fed[where] = count
    return fed


def test_every_rule_answers_adversarial_inputs_promptly() -> None:
    # The one hang guard: Python's re holds the GIL while it backtracks, so only a separate process
    # can be stopped. The bound is generous; the linear time comes from RE2, not from this number.
    done = subprocess.run(
        [sys.executable, "-c", "import json; from tests.unit.test_linear_validation import feed_every_rule; print(json.dumps(feed_every_rule()))"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    fed = json.loads(done.stdout)
    every_input = len(list(adversarial_inputs(2048)))
    assert set(fed.values()) == {every_input}
    assert {"inference_profile.COPY_FROM_ID_RULE", "identifiers.BEDROCK_ARN", "validation._DURATION", "validation._ISO8601"} <= set(fed)
    assert {"tags.KEY_RULE", "tags.VALUE_RULE", "validation.REGION_RULE"} <= set(fed)
    assert sum(where.startswith("emulator ") for where in fed) == len(list(botocore_patterned_shapes())) > 100


def test_the_rules_found_cover_every_rule_of_every_provider_module() -> None:
    rules = provider_rules()
    for module in ("inference_profile", "custom_model_deployment", "provisioned_throughput"):
        assert f"{module}.NAME_RULE" in rules
    assert "inference_profile.COPY_FROM_ARN_RULE.pattern" in rules and "provisioned_throughput.MODEL_RULE.pattern" in rules


def test_no_provider_module_compiles_a_pattern_with_pythons_backtracking_re() -> None:
    backtracking = [
        f"{module.__name__}.{name}"
        for module in [*provider_modules(), patterns]
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    ]
    assert backtracking == []


@pytest.mark.parametrize("text", ISSUE_INPUTS)
def test_the_issues_near_misses_are_rejected(text: str) -> None:
    assert inference_profile.COPY_FROM_ID_RULE.problem(text) is not None


def test_every_botocore_bedrock_pattern_compiles_under_re2() -> None:
    for where, shape in botocore_patterned_shapes():
        compile_linear(shape.metadata["pattern"])  # raises ValueError naming the pattern
        assert emulator_validation._compiled(shape.metadata["pattern"]) is not None, where


def test_a_pattern_re2_cannot_run_in_linear_time_is_an_error_not_a_fallback() -> None:
    with pytest.raises(ValueError, match="linear time"):
        compile_linear(r"(a)\1")
    with pytest.raises(ValueError, match="linear time"):
        StringRule(1, 10, r"(?=a)a").problem("a")


def test_counted_repetitions_above_re2s_limit_keep_their_exact_bounds() -> None:
    assert re2_syntax(r"s3://[a-z]/.{1,1024}") == r"s3://[a-z]/(?:.{1,1000}.{0,24})"
    assert re2_syntax(r"x[\S]{1,2048}?y") == r"x(?:[\S]{1,1000}[\S]{0,1000}[\S]{0,48})y"
    assert re2_syntax(r"(?:ab){2500,}") == r"(?:(?:ab){1000,1000}(?:ab){1000,1000}(?:ab){500,})"
    assert re2_syntax(r"(?P<x>a{3}|[{}]\{)b{0,1000}") == r"(?P<x>a{3}|[{}]\{)b{0,1000}"
    for low, high in ((1, 2048), (0, 1001), (1500, 1500), (999, 3000)):
        pattern = f"z{{{low},{high}}}"
        accepted = {n for n in (low - 1, low, high, high + 1) if n >= 0 and fullmatches(pattern, "z" * n)}
        assert accepted == {low, high}


def test_long_runs_and_lone_surrogates_are_plain_mismatches() -> None:
    rule = StringRule(1, None, r"[a-z]+")
    assert rule.problem("a" * 1_000_000) is None
    assert rule.problem("a" * 1_000_000 + "!") is not None
    assert rule.problem("ab\ud800") is not None


ALPHABET = "a0.:-_ /zA"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, max_size=14))
def test_copy_from_id_rule_accepts_exactly_what_pythons_re_accepted(text: str) -> None:
    # Short inputs: Python's re decides them quickly, and they cover every branch of the pattern.
    before = re.fullmatch(inference_profile.COPY_FROM_ID_RULE.pattern, text) is not None  # type: ignore[arg-type]
    assert fullmatches(inference_profile.COPY_FROM_ID_RULE.pattern, text) is before  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(inference_profile.COPY_FROM_ID_RULE.pattern, fullmatch=True).filter(lambda t: len(t) <= 2048))  # type: ignore[arg-type]
def test_copy_from_id_rule_accepts_every_id_its_pattern_describes(text: str) -> None:
    assert inference_profile.COPY_FROM_ID_RULE.problem(text) is None


def python_patterns() -> list[str]:
    """The Bedrock patterns Python's re can read (all but \\p{...} ones)."""
    found = []
    for _, shape in botocore_patterned_shapes():
        pattern = shape.metadata["pattern"]
        try:
            re.compile(pattern)
        except re.error:
            continue
        if pattern not in found:
            found.append(pattern)
    return found


@pytest.mark.parametrize("pattern", python_patterns())
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_re2_reads_every_botocore_pattern_as_python_did(pattern: str, data: st.DataObject) -> None:
    # ASCII classes, as Java reads \d, \w and \s; the vertical tab is the one documented difference.
    python = re.compile(pattern, re.ASCII)
    matching = data.draw(st.from_regex(python, fullmatch=True).filter(lambda t: "\v" not in t))
    assert fullmatches(pattern, matching)
    if len(matching) <= 16:  # longer near-misses make Python's re backtrack for minutes on some of these
        near = matching + data.draw(st.sampled_from(" !:._-a0\n"))
        assert fullmatches(pattern, near) is (python.fullmatch(near) is not None)


def test_re2_limit_constant_is_re2s() -> None:
    compile_linear("a{%d}" % RE2_MAX_REPEAT)
    import re2

    options = re2.Options()
    options.log_errors = False
    with pytest.raises(re2.error):
        re2.compile("a{%d}" % (RE2_MAX_REPEAT + 1), options)


def test_whitespace_class_is_read_as_aws_java_validators_read_it() -> None:
    # Java's \s is [ \t\n\x0B\f\r]: RE2's lacks the vertical tab, Python's adds \x1c-\x1f and Unicode spaces.
    from pulumi_bedrock_inference.patterns import fullmatches

    tag_value = r"[a-zA-Z0-9\s._:/=+@-]*"
    assert all(fullmatches(tag_value, space) for space in " \t\n\x0b\f\r")
    assert not any(fullmatches(tag_value, other) for other in ("\x1c", "\x1f", "\u00a0", "\u2028"))
    assert fullmatches(r"a\\s", "a\\s") and not fullmatches(r"a\\s", "a ")
