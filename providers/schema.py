"""One declaration per resource property: an input's rule, what a change of it does, the outputs
that repeat it under another key, its type and its doc line; an output's type and doc line.

A resource declares its properties once, as a ``TypedDict`` whose fields are ``Annotated`` with an
:func:`argument` (an input) or an :class:`Output`, inputs first in the order ``check`` validates
them (the order its failures are reported in). :meth:`Schema.of` reads it. The ``TypedDict`` is
also the typed value the provider works on: :meth:`Schema.decode` turns the engine's properties
into it, once, at the provider boundary (:class:`~.base.BedrockProvider`), whole numbers as ints.

From the schema come: ``check`` (:meth:`Schema.check`), the property names a resource class
registers (``input_names``, ``outputs``), the inputs whose change replaces the resource (:class:`~.naming.Replacing`, which also
seed the autoname), the inputs that update in place and how their values compare (the diff), the
name input and whether renaming replaces, the outputs a secret input makes secret
(``additional_secret_outputs``), the args class's docstring (:meth:`Schema.documents`) and the
resource class's outputs and resource-options paragraphs (``BedrockResource``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Generic, Mapping, TypeVar, Union

from pulumi.dynamic import CheckResult

from . import tags as tagging
from .naming import AUTONAME, SUFFIX_LENGTH, Replacing, always, as_is
from .validation import MAX_TIMEOUT, InputChecker, IntegerRule, StringRule

if TYPE_CHECKING:
    from .base import BedrockProvider

Check = Callable[["BedrockProvider", InputChecker, str, Mapping[str, Any]], None]
"""Validates one input: ``(provider, checker, field, olds)``; ``olds`` are the old inputs."""
Equal = Callable[[Any, Any], bool]
P = TypeVar("P", bound=Mapping[str, Any])
"""A resource's typed properties (its ``TypedDict``)."""


def same(old: Any, new: Any) -> bool:
    return old == new


def same_or_absent(old: Any, new: Any) -> bool:
    return (old or None) == (new or None)


# doc phrases every resource shares

REGION_DEFAULT = (
    "Default: stack config ``aws:region``, else boto3's default region (``AWS_DEFAULT_REGION`` or the AWS "
    "profile's ``region``; boto3 ignores ``AWS_REGION``)."
)
AUTONAME_DEFAULT = (
    f"Default: the Pulumi resource name plus a suffix of {SUFFIX_LENGTH} hex characters, new on every replacement "
    "and kept across renames."
)
DURATIONS = f"Go-style durations such as ``\"1h30m\"``, each positive and at most ``{MAX_TIMEOUT}``"


# what a change does


@dataclass(frozen=True)
class Replaces:
    """A change replaces the resource. ``key`` normalizes a value; ``when(olds, news)`` narrows the
    changes that replace (see :class:`~.naming.Replacing`)."""

    key: Callable[[Any], Any] = as_is
    when: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] = always


@dataclass(frozen=True)
class Updates:
    """A change updates the resource in place; ``equal`` says when two values are the same."""

    equal: Equal = same


@dataclass(frozen=True)
class NoChange:
    """A change is no change of the resource (``adopt_existing`` matters only to a create)."""


Change = Replaces | Updates | NoChange


# rules


def string(rule: StringRule | None = None, *, required: bool = False) -> Check:
    return lambda _provider, checker, field, _olds: checker.string(field, rule, required=required)


def integer(rule: IntegerRule, *, required: bool = False) -> Check:
    return lambda _provider, checker, field, _olds: checker.integer(field, rule, required=required)


def enum(allowed: tuple[str, ...]) -> Check:
    return lambda _provider, checker, field, _olds: checker.enum(field, allowed)


def boolean(_provider: "BedrockProvider", checker: InputChecker, field: str, _olds: Mapping[str, Any]) -> None:
    checker.boolean(field)


def timeouts(operations: tuple[str, ...]) -> Check:
    return lambda _provider, checker, field, _olds: checker.timeouts(field, operations)


def region(provider: "BedrockProvider", checker: InputChecker, _field: str, _olds: Mapping[str, Any]) -> None:
    """The input, else stack config ``aws:region``, else the environment (:meth:`~.base.BedrockProvider.check_region`)."""
    provider.check_region(checker)


def tags(provider: "BedrockProvider", checker: InputChecker, _field: str, _olds: Mapping[str, Any]) -> None:
    provider.check_tags(checker)


def name(provider: "BedrockProvider", checker: InputChecker, _field: str, olds: Mapping[str, Any]) -> None:
    """An explicit name against the name input's ``name_rule``, or an autoname (:meth:`~.naming.Autonamed.check_name`)."""
    provider.check_name(checker, olds)


# the schema


def change_doc(change: Change) -> str:
    """What a change does, in the words every argument's doc ends with."""
    if isinstance(change, Replaces):
        return "Replaces on change." if change.when is always else ""
    if isinstance(change, Updates):
        return "Updated in place."
    return ""


@dataclass(frozen=True, eq=False)  # compared by identity: typing hashes an Annotated field's metadata, and a rule loads its API model when hashed
class Input:
    """One input of a resource."""

    name: str
    check: Check
    change: Change
    doc: str = ""
    """The argument's doc line: limits and default; what a change does is added from ``change``."""
    derived: tuple[str, ...] = ()
    """Outputs that repeat this input under another key: secret whenever it may be."""
    integer: bool = False
    """A whole number: the engine's float (``2.0``) is decoded to an int."""
    is_name: bool = False
    """The resource's name (validated against ``name_rule``, autonamed when absent)."""
    name_rule: StringRule | None = None
    output_doc: str = ""
    """What the output of the same name holds, where that is more than the input as given."""


def argument(
    check: Check, change: Change, *, doc: str = "", derived: tuple[str, ...] = (), is_name: bool = False,
    name_rule: StringRule | None = None, output_doc: str = "",
) -> Input:
    """An input declared in a resource's ``TypedDict``: :meth:`Schema.of` gives it its field's name
    and, for an ``int`` field, decoding from the engine's floats."""
    return Input("", check, change, doc, derived, False, is_name, name_rule, output_doc)


@dataclass(frozen=True, eq=False)
class Output:
    """An output that is not an input, declared in a resource's ``TypedDict``: its doc line."""

    doc: str = ""


@dataclass(frozen=True)
class Schema(Generic[P]):
    """A resource's inputs, in check order, and its outputs (names; their docs in ``output_docs``)."""

    inputs: tuple[Input, ...]
    outputs: tuple[str, ...]
    output_docs: Mapping[str, str] = field(default_factory=dict)
    props: type | None = None
    """The ``TypedDict`` it was read from (:meth:`of`): the type :meth:`decode` returns."""
    input_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_names", tuple(i.name for i in self.inputs) + (AUTONAME,))

    @classmethod
    def of(cls, props: type[P]) -> "Schema[P]":
        """The schema a resource's ``TypedDict`` declares: each field ``Annotated`` with an
        :func:`argument` (an input) or an :class:`Output`."""
        inputs: list[Input] = []
        outputs: dict[str, str] = {}
        for name, hint in typing.get_type_hints(props, include_extras=True).items():
            declared = next((m for m in getattr(hint, "__metadata__", ()) if isinstance(m, (Input, Output))), None)
            if isinstance(declared, Input):
                inputs.append(dataclasses.replace(declared, name=name, integer=_is_int(typing.get_args(hint)[0])))
            elif isinstance(declared, Output):
                outputs[name] = declared.doc
            else:
                raise TypeError(f"{props.__name__}.{name} is annotated with neither an argument(...) nor an Output(...)")
        return cls(inputs=tuple(inputs), outputs=tuple(outputs), output_docs=outputs, props=props)

    @property
    def name_input(self) -> Input | None:
        return next((i for i in self.inputs if i.is_name), None)

    @property
    def replacing(self) -> tuple[Replacing, ...]:
        """The inputs other than the name whose change replaces the resource, in the order the diff
        reports them (and the throughput's warning names them): what the resource is, in schema order,
        then ``region``, then the inputs that replace only for some changes."""
        replacing = [Replacing(i.name, i.change.key, i.change.when) for i in self.inputs if isinstance(i.change, Replaces) and not i.is_name]
        return tuple(sorted(replacing, key=lambda r: (r.when is not always, r.field == "region")))

    @property
    def updating(self) -> dict[str, Equal]:
        """The inputs other than the name and tags that update in place, with their comparison."""
        return {i.name: i.change.equal for i in self.inputs if isinstance(i.change, Updates) and not i.is_name and i.name != "tags"}

    @property
    def derived(self) -> dict[str, tuple[str, ...]]:
        return {i.name: i.derived for i in self.inputs if i.derived}

    def check(self, provider: "BedrockProvider", olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckResult:
        """Every input's rule, in order, after refusing inputs the schema does not declare."""
        olds, news = self.decode(olds), self.decode(news)
        checker = InputChecker({k: v for k, v in news.items() if not (k in self.outputs and v is None)})
        checker.reject_unknown_fields(self.input_names)
        for declared in self.inputs:
            declared.check(provider, checker, declared.name, olds)
        return CheckResult(checker.inputs, checker.failures)

    def args_doc(self, order: tuple[str, ...]) -> str:
        """The arguments' doc lines in ``order``, for the docstring of the resource's args class."""
        lines = ["", "", "    Arguments:", ""]
        for declared in sorted(self.inputs, key=lambda i: order.index(i.name)):
            text = " ".join(part for part in (declared.doc, change_doc(declared.change)) if part)
            lines.append(f"    - ``{declared.name}``: {text}")
        return "\n".join(lines) + "\n"

    def documents(self, args_class: type) -> type:
        """Class decorator for the args class: its fields must be the schema's inputs, and its docstring
        gains :meth:`args_doc`."""
        fields = tuple(getattr(args_class, "__dataclass_fields__", ()))
        if set(fields) != set(self.input_names) - {AUTONAME}:
            raise TypeError(f"{args_class.__name__} has fields {sorted(fields)}, the schema inputs {sorted(self.input_names)}")
        args_class.__doc__ = (args_class.__doc__ or "").rstrip() + self.args_doc(fields)
        return args_class

    def decode(self, props: Mapping[str, Any]) -> P:
        """``props`` as the engine sent them, as the resource's typed properties: whole-number inputs
        as ints (the engine's numbers are floats). Keys the schema does not declare are kept, so
        whatever the state holds goes back to it."""
        decoded = dict(props)
        for declared in self.inputs:
            value = decoded.get(declared.name)
            if declared.integer and isinstance(value, float) and value.is_integer():
                decoded[declared.name] = int(value)
        return typing.cast(P, decoded)

    def outputs_doc(self) -> str:
        """The outputs' doc lines, for the docstring of the resource class."""
        lines = ["", "", "    Outputs, besides the arguments it keeps (as AWS reports them):", ""]
        lines += [f"    - ``{name}``: {self.output_docs.get(name) or ''}".rstrip() for name in self.outputs]
        special = [i for i in self.inputs if i.output_doc]
        if special:
            lines += ["", "    Arguments whose output says more than the input:", ""]
            lines += [f"    - ``{i.name}``: {i.output_doc}" for i in special]
        return "\n".join(lines) + "\n"


def _is_int(hint: Any) -> bool:
    """``int``, or ``Optional[int]``."""
    if hint is int:
        return True
    if typing.get_origin(hint) in (Union, types.UnionType):
        return set(typing.get_args(hint)) - {type(None)} == {int}
    return False


# inputs and outputs the Bedrock resources declare alike


def name_argument(rule: StringRule, lengths: str, change: Replaces | Updates) -> Input:
    """The resource's name input, checked against ``rule`` (from the API model) and autonamed when
    absent. ``lengths`` (``"1–63"``) states the rule's limits in the doc, which cannot read the API
    model at import; a test holds them to it."""
    return argument(
        name, change, is_name=True, name_rule=rule,
        doc=f"{lengths} characters: {rule.meaning}. {AUTONAME_DEFAULT} An explicit name that stays the same makes a "
        "replacement delete-before-create.",
    )


def adopt_existing_argument(noun: str, terms: str) -> Input:
    """``adopt_existing``: take over a ``noun`` that already holds the name, on ``terms``."""
    return argument(
        boolean, NoChange(),
        doc=f"When a {noun} with this name already exists, manage it instead of failing ({terms}). Default: false.",
    )


def timeouts_argument(defaults: Mapping[str, float], after: str = "") -> Input:
    """The ``timeouts`` input of a resource that waits, with its operations' default waits in seconds."""
    shown = ", ".join(f'\"{operation}\": \"{_duration(seconds)}\"' for operation, seconds in defaults.items())
    return argument(
        timeouts(tuple(defaults)), Updates(same_or_absent),
        doc=f"How long to wait, as pulumi-aws: ``{{{shown}}}`` (the defaults); {DURATIONS}. {after}".rstrip(),
    )


def _duration(seconds: float) -> str:
    hours, minutes = divmod(int(seconds) // 60, 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not hours else "")


TAGS = Input(
    "tags", tags, Updates(), derived=("tags_all",),
    doc=f"Up to {tagging.MAX_TAGS} tags including stack ``aws:defaultTags``; key 1–128 and value 0–256 characters of "
    f"``[a-zA-Z0-9\\s._:/=+@-]``; no ``{tagging.RESERVED_PREFIX}`` prefix.",
)
"""The ``tags`` input every Bedrock resource declares alike (``tags_all`` derives from it)."""
TAGS_ALL = Output("The tags in AWS: stack default tags merged under ``tags``.")
"""The ``tags_all`` output every Bedrock resource declares alike."""
