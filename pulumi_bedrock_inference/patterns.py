"""Regular expressions matched in time linear in the input, by RE2 (google-re2).

Python's ``re`` backtracks: an ambiguous pattern such as ``([.]?[a-z0-9-]{1,63})*`` takes minutes
on a 45-character near-miss. RE2 runs automata instead, so matching is linear whatever the pattern.
The providers' input validation and the emulator's request validation both match through here.
Patterns are compiled on first use (a Pulumi program that imports the providers pays nothing).
A pattern RE2 cannot compile (lookaround, backreferences) is an error, never a silent fallback to ``re``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import re2


JAVA_SPACE = "\\t\\n\\x0B\\f\\r "
"""What ``\\s`` means in AWS's (Java) patterns; RE2's ``\\s`` lacks the vertical tab, Python's adds Unicode spaces."""

RE2_MAX_REPEAT = 1000
"""RE2's limit on a counted repetition such as ``{1,2048}`` (botocore's model has two above it)."""


@functools.lru_cache(maxsize=None)
def compile_linear(pattern: str) -> "re2._Regexp":
    """``pattern`` compiled by RE2: matching runs in time linear in the input.

    Counted repetitions above RE2's limit are split first (:func:`re2_syntax`). Raises ``ValueError``
    naming the pattern when RE2 cannot compile it (lookaround, backreferences): no backtracking
    fallback exists.
    """
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(re2_syntax(pattern), options)
    except re2.error as error:
        raise ValueError(f"pattern {pattern!r} cannot be matched in linear time by RE2: {error}") from error


def fullmatches(pattern: str, value: str) -> bool:
    """True when ``pattern`` matches the whole of ``value``, in time linear in ``len(value)``."""
    try:
        return compile_linear(pattern).fullmatch(value) is not None
    except UnicodeEncodeError:  # a lone surrogate: no valid value contains one
        return False


def wildcard_fullmatches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` any run of characters, ``?`` any one, everything else literal; whether
    ``pattern`` matches all of ``value``, in linear time (a pattern of many ``*`` cannot backtrack)."""
    import re

    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return fullmatches(("(?is)" if ignore_case else "(?s)") + body, value)


class LinearPattern:
    """A regular expression matched by RE2 (linear time), compiled on first use.

    Offers ``fullmatch`` like ``re.Pattern``; the match has ``group(name)``.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def fullmatch(self, value: str) -> Any:
        try:
            return compile_linear(self.pattern).fullmatch(value)
        except UnicodeEncodeError:
            return None

    def __repr__(self) -> str:
        return f"LinearPattern({self.pattern!r})"


def re2_syntax(pattern: str) -> str:
    """``pattern`` with every counted repetition above RE2's limit split into ones RE2 accepts, and
    ``\\s`` spelled out as Java (AWS) reads it.

    ``X{1,2048}`` becomes ``(?:X{1,1000}X{0,1000}X{0,48})``: the same strings, since repetitions of
    one atom add up. Everything else is left as written.
    """
    parts, _ = _rewrite(pattern, 0)
    return "".join(parts)


def _rewrite(pattern: str, i: int) -> tuple[list[str], int]:
    """The atoms and operators of ``pattern`` from ``i`` to the ``)`` closing the current group."""
    parts: list[str] = []
    while i < len(pattern) and pattern[i] != ")":
        char = pattern[i]
        repeat = _counted_repeat(pattern, i) if char == "{" else None
        if char == "\\":
            end = i + 2
            if pattern[i + 1 : i + 2] in ("p", "P", "x") and pattern[end : end + 1] == "{":
                end = pattern.index("}", end) + 1
            parts.append(f"[{JAVA_SPACE}]" if pattern[i:end] == "\\s" else pattern[i:end])
        elif char == "[":
            end = _class_end(pattern, i)
            parts.append(_java_spaces_in_class(pattern[i:end]))
        elif char == "(":
            head = _group_head_end(pattern, i)
            inner, close = _rewrite(pattern, head)
            end = close + 1
            parts.append(pattern[i:head] + "".join(inner) + ")")
        elif repeat and parts:
            low, high, end = repeat
            if max(low, high or 0) > RE2_MAX_REPEAT:
                end += pattern[end : end + 1] == "?"  # laziness does not change what matches the whole value
                parts[-1] = _split_repeat(parts[-1], low, high)
            else:
                parts[-1] += pattern[i:end]
        else:
            end = i + 1
            parts.append(char)
        i = end
    return parts, i


def _java_spaces_in_class(text: str) -> str:
    """A character class with every ``\\s`` spelled out as Java reads it."""
    out, j = [], 0
    while j < len(text):
        if text[j] == "\\":
            out.append(JAVA_SPACE if text[j : j + 2] == "\\s" else text[j : j + 2])
            j += 2
        else:
            out.append(text[j])
            j += 1
    return "".join(out)


def _counted_repeat(pattern: str, i: int) -> tuple[int, int | None, int] | None:
    """``(low, high, end)`` of the counted repetition ``{m}``, ``{m,}`` or ``{m,n}`` at ``i``
    (``high`` None when unbounded), or None for a literal ``{``."""
    close = pattern.find("}", i)
    low, comma, high = pattern[i + 1 : close].partition(",")
    if close < 0 or not _is_number(low) or (high and not _is_number(high)):
        return None
    return int(low), (int(high) if high else None) if comma else int(low), close + 1


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _class_end(pattern: str, i: int) -> int:
    """The index after the ``]`` closing the character class that opens at ``i``."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            j += 1
        elif pattern.startswith("[:", j):
            j = pattern.index(":]", j + 2) + 1
        j += 1
    return j + 1


def _group_head_end(pattern: str, i: int) -> int:
    """The index after a group's opening: ``(``, ``(?:``, ``(?P<name>``, ``(?i:``."""
    if pattern[i + 1 : i + 2] != "?":
        return i + 1
    if pattern.startswith("(?P<", i):
        return pattern.index(">", i) + 1
    j = i + 2
    while j < len(pattern) and pattern[j] not in ":)":
        j += 1
    return j + 1 if pattern[j : j + 1] == ":" else j


def _split_repeat(atom: str, low: int, high: int | None) -> str:
    chunks = []
    while low > RE2_MAX_REPEAT or (high is not None and high > RE2_MAX_REPEAT):
        take = min(low, RE2_MAX_REPEAT)
        chunks.append(f"{atom}{{{take},{RE2_MAX_REPEAT}}}")
        low, high = low - take, None if high is None else high - RE2_MAX_REPEAT
    chunks.append(f"{atom}{{{low},}}" if high is None else f"{atom}{{{low},{high}}}")
    return "(?:" + "".join(chunks) + ")"
