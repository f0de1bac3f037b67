"""README "Names, client tokens and renames": the "inputs that replace it" table says what the schemas declare.

Each row's backticked inputs outside parentheses are the inputs whose change replaces the resource;
an input followed by "unless" replaces only for some changes (a ``Replaces`` with a ``when``);
"(`x` updates in place)" and "the name updates in place" name inputs that do not replace. Every
resource whose declaration can replace it has a row, and no other resource has one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_bedrock_inference import providers
from pulumi_bedrock_inference.providers.schema import Replaces, Schema, Updates

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


def schema_of(resource: str) -> Schema:
    return getattr(providers, f"{resource}Provider").schema


def replacing_inputs(schema: Schema) -> set[str]:
    return {i.name for i in schema.inputs if isinstance(i.change, Replaces)}


def conditional_inputs(schema: Schema) -> set[str]:
    always = Replaces().when
    return {i.name for i in schema.inputs if isinstance(i.change, Replaces) and i.change.when is not always}


def name_updates_in_place(schema: Schema) -> bool:
    return schema.name_input is not None and isinstance(schema.name_input.change, Updates)


def test_the_table_has_a_row_for_every_resource_that_can_be_replaced_and_no_other() -> None:
    replaceable = {name for name in RESOURCES if replacing_inputs(schema_of(name))}
    assert replaceable, "no resource declares an input that replaces it: the test reads the wrong declarations"
    assert set(table()) == replaceable


@pytest.mark.parametrize("resource", sorted(table()))
def test_a_row_lists_exactly_the_inputs_that_replace_the_resource(resource: str) -> None:
    cell = table()[resource]
    listed = set(NAME.findall(PARENTHESES.sub("", cell)))
    assert listed == replacing_inputs(schema_of(resource))


@pytest.mark.parametrize("resource", sorted(table()))
def test_an_input_that_replaces_only_for_some_changes_says_unless(resource: str) -> None:
    cell = PARENTHESES.sub("", table()[resource])
    said_unless = set(re.findall(r"`(\w+)` unless", cell))
    assert said_unless == conditional_inputs(schema_of(resource))


@pytest.mark.parametrize("resource", sorted(table()))
def test_inputs_said_to_update_in_place_do_not_replace(resource: str) -> None:
    schema = schema_of(resource)
    cell = table()[resource]
    in_place = set(re.findall(r"`(\w+)` updates in place", cell))
    if "the name updates in place" in cell:
        in_place.add(schema.name_input.name)
    assert in_place <= set(schema.input_names)
    assert not in_place & replacing_inputs(schema)
    assert ("the name updates in place" in cell) == name_updates_in_place(schema)
