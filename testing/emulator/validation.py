"""Generic validation of request and response values against botocore's Bedrock shapes.

One walker covers every operation: it follows the botocore shape tree and checks required
members, string lengths and patterns (which must match the whole value), enum values,
numeric ranges, list and map sizes and member types, collecting messages worded like the
service's, e.g. ``Value 'x y' at 'inferenceProfileName' failed to satisfy constraint:
Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+``.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from pulumi_bedrock_inference.patterns import LinearPattern, compile_linear


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str) -> Any:
    """``pattern`` compiled by RE2, as the providers match it (linear time, read as Java reads it,
    ``\\p{L}`` included). A pattern RE2 cannot compile would not be checked; every pattern of
    botocore's Bedrock models compiles (tests/unit/test_linear_validation.py)."""
    try:
        return compile_linear(pattern)
    except ValueError:
        return None


def _render(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    try:
        return json.dumps(value, separators=(",", ":"), default=str)
    except TypeError:
        return str(value)


class ShapeValidator:
    """Walks a value along a botocore shape and collects constraint violations.

    ``wire_output=True`` checks a decoded JSON response body: timestamps must be ISO-8601
    strings (or epoch numbers where the shape says so) and unknown members are reported.
    Otherwise the value is a parsed request, where timestamps are ``datetime`` objects.
    """

    def __init__(self, wire_output: bool = False) -> None:
        self.wire_output = wire_output
        self.errors: list[str] = []

    def _fail(self, value: Any, path: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{_render(value)}'"
        self.errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")

    def validate(self, shape: Shape, value: Any, path: str = "") -> list[str]:
        self._walk(shape, value, path)
        return self.errors

    def _walk(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        handler = getattr(self, f"_check_{kind}", None)
        if handler is not None:
            handler(shape, value, path)

    def _check_structure(self, shape: StructureShape, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self._fail(value, path, "Member must be a structure")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                self._fail(None, self._join(path, name), "Member must not be null")
        if shape.metadata.get("union"):
            present = [name for name in shape.members if value.get(name) is not None]
            if len(present) != 1:
                self._fail(value, path, "Member must have exactly one member set")
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is None:
                if self.wire_output:
                    self._fail(member_value, self._join(path, name), "Member is not modelled")
                continue
            if member_value is None:
                if self.wire_output:
                    self._fail(None, self._join(path, name), "Member must be omitted rather than null")
                continue
            self._walk(member, member_value, self._join(path, name))

    def _check_list(self, shape: ListShape, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self._fail(value, path, "Member must be a list")
            return
        self._check_size(shape, value, path, "length")
        for index, item in enumerate(value, start=1):
            self._walk(shape.member, item, f"{path}.{index}.member")

    def _check_map(self, shape: MapShape, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self._fail(value, path, "Member must be a map")
            return
        self._check_size(shape, value, path, "length")
        for key, item in value.items():
            self._walk(shape.key, key, f"{path}.{key}.key")
            self._walk(shape.value, item, f"{path}.{key}.value")

    def _check_string(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, str):
            self._fail(value, path, "Member must be of type string")
            return
        self._check_size(shape, value, path, "length")
        enum = shape.enum
        if enum and value not in enum:
            self._fail(value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
            return
        pattern = shape.metadata.get("pattern")
        if pattern is not None:
            compiled = _compiled(pattern)
            if compiled is not None and not _fullmatches(compiled, value):
                self._fail(value, path, f"Member must satisfy regular expression pattern: {pattern}")

    def _check_integer(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(value, path, f"Member must be of type {shape.type_name}")
            return
        self._check_range(shape, value, path)

    _check_long = _check_integer

    def _check_float(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._fail(value, path, f"Member must be of type {shape.type_name}")
            return
        self._check_range(shape, value, path)

    _check_double = _check_float

    def _check_boolean(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self._fail(value, path, "Member must be of type boolean")

    def _check_timestamp(self, shape: Shape, value: Any, path: str) -> None:
        if not self.wire_output:
            if not isinstance(value, datetime):
                self._fail(value, path, "Member must be a timestamp")
            return
        if shape.serialization.get("timestampFormat", "iso8601") == "iso8601":
            if not isinstance(value, str) or not _is_iso8601(value):
                self._fail(value, path, "Member must be an ISO-8601 timestamp string")
        elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self._fail(value, path, "Member must be a timestamp")

    def _check_blob(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, (str, bytes)):
            self._fail(value, path, "Member must be a blob")

    def _check_size(self, shape: Shape, value: Any, path: str, what: str) -> None:
        minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
        if minimum is not None and len(value) < minimum:
            self._fail(value, path, f"Member must have {what} greater than or equal to {minimum}")
        if maximum is not None and len(value) > maximum:
            self._fail(value, path, f"Member must have {what} less than or equal to {maximum}")

    def _check_range(self, shape: Shape, value: float, path: str) -> None:
        minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
        if minimum is not None and value < minimum:
            self._fail(value, path, f"Member must have value greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            self._fail(value, path, f"Member must have value less than or equal to {maximum}")

    @staticmethod
    def _join(path: str, name: str) -> str:
        return f"{path}.{name}" if path else name


def _fullmatches(compiled: Any, value: str) -> bool:
    try:
        return compiled.fullmatch(value) is not None
    except UnicodeEncodeError:  # a lone surrogate matches no pattern
        return False


_ISO8601 = LinearPattern(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})")


def _is_iso8601(value: str) -> bool:
    return _ISO8601.fullmatch(value) is not None


def validate_input(shape: StructureShape | None, params: dict[str, Any]) -> list[str]:
    """Violations of an operation's input shape by parsed request ``params``."""
    if shape is None:
        return []
    return ShapeValidator().validate(shape, params)


def validate_output(shape: StructureShape | None, body: Any) -> list[str]:
    """Violations of an operation's output shape by a decoded JSON response ``body``."""
    if shape is None:
        return [] if body in (None, {}, "") else ["response has a body but the operation has no output"]
    return ShapeValidator(wire_output=True).validate(shape, body, "")


def validation_message(errors: list[str]) -> str:
    """The service's wording: ``N validation error(s) detected: ...; ...``."""
    noun = "error" if len(errors) == 1 else "errors"
    return f"{len(errors)} validation {noun} detected: " + "; ".join(errors)
