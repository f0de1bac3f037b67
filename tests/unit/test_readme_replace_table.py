"""README "Names, client tokens and renames": the "inputs that replace it" table says what the providers declare.

Each row's backticked inputs outside parentheses are the inputs whose change replaces the resource;
an input followed by "unless" replaces only for some changes (a ``Replacing`` with a ``when``);
"(`x` updates in place)" and "the name updates in place" name inputs that do not replace. Every
resource whose declaration can replace it has a row, and no other resource has one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from pulumi_bedrock_inference import providers
from pulumi_bedrock_inference.providers.base import BedrockProvider
from pulumi_bedrock_inference.providers.naming import Replacing

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = "| resource | inputs that replace it |"
ROW = re.compile(r"^\| `(?P<resource>\w+)` \| (?P<cell>.*) \|$")
PARENTHESES = re.compile(r"\([^()]*\)")
NAME = re.compile(r"`(\w+)`")

RESOURCES = {name: getattr(providers, name) for name in providers.__all__ if hasattr(getattr(providers, name), "_register")}


def table() -> dict[str, str]:
    lines = README.read_text().splitlines()
    start = lines.index(HEADER) + 2  # past the header and its --- line
    rows: dict[str, str] = {}
    for line in lines[start:]:
        match = ROW.match(line)
        if match is None:
            break
        rows[match["resource"]] = match["cell"]
    return rows


def provider_of(resource: str) -> BedrockProvider:
    return getattr(providers, f"{resource}Provider")()


def declared_inputs(provider: BedrockProvider) -> tuple[str, ...]:
    return sys.modules[type(provider).__module__].INPUTS


def replacing_inputs(provider: BedrockProvider) -> set[str]:
    """What the provider declares: the name when it replaces and is an input, and every ``Replacing``."""
    fields = {r.field for r in provider.replacing}
    if provider.name_replaces and provider.name_field in declared_inputs(provider):
        fields.add(provider.name_field)
    return fields


def conditional_inputs(provider: BedrockProvider) -> set[str]:
    always = Replacing("_").when
    return {r.field for r in provider.replacing if r.when is not always}


def test_the_table_has_a_row_for_every_resource_that_can_be_replaced_and_no_other() -> None:
    replaceable = {name for name in RESOURCES if replacing_inputs(provider_of(name))}
    assert replaceable, "no resource declares an input that replaces it: the test reads the wrong declarations"
    assert set(table()) == replaceable


@pytest.mark.parametrize("resource", sorted(table()))
def test_a_row_lists_exactly_the_inputs_that_replace_the_resource(resource: str) -> None:
    provider = provider_of(resource)
    cell = table()[resource]
    listed = set(NAME.findall(PARENTHESES.sub("", cell)))
    assert listed == replacing_inputs(provider)
    assert listed <= set(declared_inputs(provider))


@pytest.mark.parametrize("resource", sorted(table()))
def test_an_input_that_replaces_only_for_some_changes_says_unless(resource: str) -> None:
    cell = PARENTHESES.sub("", table()[resource])
    said_unless = set(re.findall(r"`(\w+)` unless", cell))
    assert said_unless == conditional_inputs(provider_of(resource))


@pytest.mark.parametrize("resource", sorted(table()))
def test_inputs_said_to_update_in_place_do_not_replace(resource: str) -> None:
    provider = provider_of(resource)
    cell = table()[resource]
    in_place = set(re.findall(r"`(\w+)` updates in place", cell))
    if "the name updates in place" in cell:
        in_place.add(provider.name_field)
    assert in_place <= set(declared_inputs(provider))
    assert not in_place & replacing_inputs(provider)
    assert ("the name updates in place" in cell) == (not provider.name_replaces and provider.name_field in declared_inputs(provider))
