"""Resource names: explicit names, autonames, and the name a replacement gets.

Without an explicit name a resource is named ``<resource name>-<8 hex>``: the suffix hashes the
seed ``project/stack/resource`` and the normalized values of every input that replaces the
resource (:class:`Replacing`), so a replacement gets a new name, a retried create the same one,
and a rename (which changes the seed only) keeps the old one. The one thing the provider process
remembers between calls is the URN, random seed and kept name of its latest Check
(:func:`replacement_follows`).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from pulumi.output import Unknown

from . import provider_process
from .validation import InputChecker, StringRule, contains_unknown, is_unknown

SUFFIX_LENGTH = 8
"""Hex characters an autoname adds after the resource name."""
AUTONAME = "_autoname"
"""Internal input: ``project/stack/resource-name``, sent by the resource class when ``name`` is absent."""

def as_is(value: Any) -> Any:
    return value


def always(_olds: Mapping[str, Any], _news: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Replacing:
    """An input whose change replaces the resource: the one definition both ``diff`` and the autoname use.

    ``key`` normalizes a value (two values are the same input exactly when their keys are equal),
    and the keys of every ``Replacing`` input seed the autoname, so any change that can replace the
    resource gives the replacement a new name. ``when(olds, news)`` narrows inputs whose change
    replaces only between some values (a throughput's model); ``olds`` are old inputs in ``check``
    and old outputs in ``diff``.
    """

    field: str
    key: Callable[[Any], Any] = as_is
    when: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] = always

    def changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new = news.get(self.field)
        if contains_unknown(new):
            return self.when(olds, news)
        return self.key(olds.get(self.field)) != self.key(new) and self.when(olds, news)



class Autonamed:
    """The naming part of a provider: an explicit name is validated, an absent one derived."""

    name_field: ClassVar[str] = "name"
    name_replaces: ClassVar[bool] = True
    """Whether a change of the name replaces the resource (else it is renamed in place)."""
    name_rule: ClassVar[StringRule]
    """The rule an explicit name must follow; its maximum length bounds the autoname."""
    replacing: ClassVar[tuple[Replacing, ...]] = ()
    """The inputs other than the name whose change replaces the resource."""

    def check_name(self, checker: InputChecker, olds: Mapping[str, Any]) -> None:
        """Validate an explicit name, or give an autoname.

        An autonamed resource keeps its name from ``olds`` (the old inputs) while nothing that
        replaces it changed: a rename through ``aliases``, ``pulumi stack rename`` or a project
        rename changes the ``_autoname`` seed but not the resource. Otherwise (a new resource, or
        a replacement, which the engine checks again with empty ``olds``) the name is derived from
        the seed and the normalized values of every input that replaces the resource. The derived
        name is deterministic: a create retried after an interrupted ``pulumi up`` gets the same
        name, and a change that replaces the resource gets a new one, so create-before-delete
        never collides with the old name. A replacement the engine forces with no input change
        (``replace_with``, ``deleted_with``, ``replacement_trigger``) is seen in the provider
        process as a Check without olds right after the Check with olds of the same URN that kept
        the name, with the same random seed (:func:`replacement_follows`): its name also hashes
        that old name. ``pulumi up --replace`` and tainted resources send no Check with olds at
        all, so they are named as a new resource (which is also what a resumed create must get).
        """
        field = self.name_field
        key = provider_process.engine_check_key()
        kept_before = replacement_follows(key, olds)
        seed = checker.inputs.pop(AUTONAME, None)
        if checker.present(field):
            checker.string(field, self.name_rule)
            return
        if seed is None or is_unknown(seed):
            checker.fail(field, "is required")
            return
        checker.inputs[AUTONAME] = seed
        previous = olds.get(field)
        was_autonamed = olds.get(AUTONAME) is not None
        if was_autonamed and isinstance(previous, str) and not self.replaced_by(olds, checker.inputs):
            checker.inputs[field] = previous
            remember_kept_name(key, previous)
            return
        identity = self.autoname_identity(checker.inputs)
        if contains_unknown(identity):
            checker.inputs[field] = Unknown()
            return
        checker.inputs[field] = self.derived_name(str(seed), checker.inputs, after=kept_before)

    def autoname_identity(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The normalized values of the inputs that replace the resource (the autoname's seed)."""
        return {r.field: r.key(inputs.get(r.field)) if not contains_unknown(inputs.get(r.field)) else Unknown()
                for r in self.replacing}

    def replaced_by(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """The inputs other than the name whose change from ``olds`` to ``news`` replaces the resource."""
        return [r.field for r in self.replacing if r.changed(olds, news)]

    def may_take_over(self, props: Mapping[str, Any]) -> bool:
        """Whether an existing resource holding the name may be managed: ``adopt_existing``, or the
        name is this resource's own autoname (an interrupted create of it, re-run with a changed input)."""
        if props.get("adopt_existing"):
            return True
        seed = props.get(AUTONAME)
        name = props.get(self.name_field)
        if not isinstance(seed, str) or not isinstance(name, str):
            return False
        return name == self.derived_name(seed, props)

    def derived_name(self, seed: str, inputs: Mapping[str, Any], after: str | None = None) -> str:
        """The autoname; ``after`` (the name of the resource a forced replacement replaces) salts it."""
        identity = self.autoname_identity(inputs)
        if after is not None:
            identity[REPLACES_KEY] = after
        return autoname(seed, identity, self.name_rule.max_length or 63)


def autoname(seed: str, identity: Mapping[str, Any], max_length: int) -> str:
    """``<resource-name>-<8 hex>``; the suffix hashes the stack identity and the replace-triggering inputs."""
    prefix = re.sub(r"[^0-9a-zA-Z]+", "-", seed.rsplit("/", 1)[-1]).strip("-") or "bedrock"
    digest = hashlib.sha256(json.dumps({"seed": seed, "identity": identity}, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix[: max_length - SUFFIX_LENGTH - 1].rstrip('-')}-{digest[:SUFFIX_LENGTH]}"


REPLACES_KEY = "_replaces"
"""Key of the autoname identity that holds the name a forced replacement replaces."""

_last_check_lock = threading.Lock()
_last_check: tuple[tuple[str, bytes], str] | None = None
"""((URN, random seed), name kept from olds) of the latest Check this provider process answered,
when that Check kept an autoname because nothing that replaces the resource changed."""


def replacement_follows(key: tuple[str, bytes] | None, olds: Mapping[str, Any]) -> str | None:
    """Whether this Check is the engine's re-Check of a replacement nothing in the inputs asked for;
    if so, the name the previous Check kept. Forgets that previous Check either way.

    ``continueStepsFromDiff`` (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``) checks a
    replaced resource again with no olds, after its first Check with olds and with the same
    random seed. When ``replace_with``, ``deleted_with``, ``replacement_trigger`` or a changed
    provider forced the replacement, ``stepGenerator.diff`` answered without calling the
    provider, so on the one step-generation loop no other Check comes in between. A Check with
    no olds whose URN and seed are those of the previous Check, which kept the autoname, is
    exactly that re-Check.
    """
    global _last_check
    with _last_check_lock:
        previous, _last_check = _last_check, None
    if key is None or olds or previous is None or previous[0] != key:
        return None
    return previous[1]


def remember_kept_name(key: tuple[str, bytes] | None, name: str) -> None:
    global _last_check
    if key is None:
        return
    with _last_check_lock:
        _last_check = (key, name)
