"""What every Bedrock dynamic provider here shares: stack config, region, naming, tokens, tags, diff.

Providers are stateless module-level classes: the SDK pickles them by reference (module path and
class name) into every resource's state, so nothing but the stack config that ``configure`` hands
the provider process ever lives on an instance. The one thing the provider process remembers
between calls is the URN, random seed and kept name of its latest Check (:func:`replacement_follows`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

import pulumi
from pulumi.dynamic import ConfigureRequest, DiffResult, Resource, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime.config import is_config_secret

from . import provider_process
from . import tags as tagging
from .client import aws_client, default_region
from .config import ProviderConfig, profile_problem
from .errors import ConflictError, NotFoundError, aws_call
from .validation import REGION_RULE, InputChecker, StringRule, contains_unknown, is_unknown

AUTONAME = "_autoname"
"""Internal input: ``project/stack/resource-name``, sent by the resource class when ``name`` is absent."""

Equal = Callable[[Any, Any], bool]



def _as_is(value: Any) -> Any:
    return value


def _always(_olds: Mapping[str, Any], _news: Mapping[str, Any]) -> bool:
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
    key: Callable[[Any], Any] = _as_is
    when: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] = _always

    def changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new = news.get(self.field)
        if contains_unknown(new):
            return self.when(olds, news)
        return self.key(olds.get(self.field)) != self.key(new) and self.when(olds, news)


MAX_TOKEN_REPLAYS = 100
"""How many deleted resources in a row a create follows through salted client tokens before giving up:
one per time the resource was re-created within AWS's token window (24 h or more under EC2's reading),
two calls each."""


class BedrockProvider(ResourceProvider):
    """Base of the Bedrock dynamic providers; subclasses are one cloud resource each."""

    serialize_as_secret_always = False
    kind: ClassVar[str] = "Bedrock resource"
    """The resource's name in messages, e.g. ``Bedrock application inference profile``."""
    name_field: ClassVar[str] = "name"
    name_replaces: ClassVar[bool] = True
    """Whether a change of the name replaces the resource (else it is renamed in place)."""
    name_rule: ClassVar[StringRule]
    """The rule an explicit name must follow; its maximum length bounds the autoname."""
    replacing: ClassVar[tuple[Replacing, ...]] = ()
    """The inputs other than the name whose change replaces the resource."""

    def configure(self, req: ConfigureRequest) -> None:
        """Read the stack config. Never raises: ``check_region`` reports its problems on every check."""
        try:
            self._stack_config = ProviderConfig.from_stack_config(req.config.get)
        except Exception as error:  # a bug here must not turn every Check into a traceback
            self._stack_config = ProviderConfig(problems=(("aws", f"aws stack config could not be read: {error!r}"),))

    @property
    def stack_config(self) -> ProviderConfig:
        return self.__dict__.get("_stack_config") or ProviderConfig()

    def label(self, name: Any) -> str:
        return f'{self.kind} "{name}"'

    def client(self, region: str) -> Any:
        return self.service_client("bedrock", region)

    def service_client(self, service: str, region: str) -> Any:
        """The cached client of ``service`` (``bedrock`` or ``ce``) under the stack config; refuses
        (:class:`StackConfigError`) while the stack config breaks a rule."""
        config = self.stack_config
        config.require_valid()
        attempts = config.max_retries + 1 if config.max_retries is not None else None
        endpoint = config.cost_explorer_endpoint if service == "ce" else config.endpoint
        return aws_client(service, region, config.profile, endpoint, attempts)

    # check

    def check_region(self, checker: InputChecker) -> None:
        """Report the stack config's problems (every check calls this first, so every resource shows
        them), then resolve ``region``: the input, else stack config ``aws:region``, else the environment."""
        config = self.stack_config
        for key, reason in config.problems:
            checker.fail(key, reason)
        if not config.profile:
            for variable, reason in environment_profile_problems():
                checker.fail(variable, reason)
        if checker.present("region"):
            checker.string("region", REGION_RULE)
            return
        if config.problem_keys & {"aws:region", "aws:profile"}:
            return  # reported above; a region from elsewhere would only add a misleading failure
        region = config.region
        if not region:
            from botocore.exceptions import ProfileNotFound

            try:
                region = default_region(config.profile)
            except ProfileNotFound as error:
                checker.fail("region", f"could not be read from AWS profile: {error}")
                return
        if not region:
            checker.fail("region", "is required: set the resource's region input, stack config aws:region, or AWS_REGION")
            return
        checker.inputs["region"] = region

    def check_tags(self, checker: InputChecker) -> None:
        for field, reason in tagging.tag_problems(checker.inputs.get("tags"), "tags", self.stack_config.default_tags):
            checker.fail(field, reason)

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

    # diff

    def diff_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any], *, update: Mapping[str, Equal]) -> DiffResult:
        """Changed fields: :attr:`replacing` decides replacements, ``update`` lists what changes in place.

        A replacement is delete-before-replace when an explicit name stays the same.
        """
        name_field = self.name_field
        replaces = self.replaced_by(olds, news)
        name_changed = _changed(olds.get(name_field), news.get(name_field), same)
        if name_changed and self.name_replaces:
            replaces.insert(0, name_field)
        updates = [f for f, equal in update.items() if f not in replaces and _changed(olds.get(f), news.get(f), equal)]
        if name_changed and not self.name_replaces:
            updates.append(name_field)
        if self.tags_changed(olds, news):
            updates.append("tags")
        explicit_name_kept = AUTONAME not in news and olds.get(name_field) == news.get(name_field)
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            delete_before_replace=bool(replaces) and explicit_name_kept,
        )

    def tags_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new_tags = news.get("tags")
        if contains_unknown(new_tags):
            return True
        wanted_all = tagging.merge_default_tags(self.stack_config.default_tags, new_tags)
        return (olds.get("tags") or {}) != (new_tags or {}) or (olds.get("tags_all") or {}) != wanted_all

    # create / update helpers

    def create_with_token(
        self, label: str, token: str, send: Callable[[str], str], find: Callable[[str], Any], holder: Callable[[], str | None]
    ) -> tuple[str, Any]:
        """Send a create with the deterministic ``token``; return the ARN and its first description
        (None when it could not be read yet).

        Under EC2's reading of client tokens, a token repeated after its resource was deleted
        (``pulumi destroy`` then ``up``; a refresh that dropped a resource deleted out of band; a
        Failed create the provider deleted) answers with the deleted resource's ARN. Such an answer
        (``find`` says it is gone) is followed by a create with a token salted with that ARN:
        deterministic too, so a crash at any step resumes the same chain without a duplicate. If
        the salted create finds the name taken by the very ARN that seemed gone (``holder``: the
        ARN holding the name), that resource was only not readable yet, and it is the result.
        """
        answered: list[str] = []
        for _ in range(MAX_TOKEN_REPLAYS):
            try:
                arn = send(token)
            except ConflictError:
                taken_by = holder() if answered else None
                if taken_by is not None and taken_by in answered:
                    return taken_by, None
                raise
            found = ignore_not_found(lambda: find(arn))
            if found is not None:
                return arn, found
            print(f"{label}: client token answered with {arn}, which no longer exists; creating anew", file=sys.stderr, flush=True)
            answered.append(arn)
            token = salted_token(token, arn)
        raise ConflictError(
            "creating", label, "TokenReplayed",
            f"{MAX_TOKEN_REPLAYS} client tokens in a row answered with resources that no longer exist; try again later",
        )

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

    def tags_all(self, props: Mapping[str, Any]) -> dict[str, str]:
        return tagging.merge_default_tags(self.stack_config.default_tags, props.get("tags"))

    def sync_tags(self, client: Any, arn: str, name: str, current: Mapping[str, str], wanted: Mapping[str, str]) -> None:
        """Untag then tag (in that order, so the 50-tag limit is never crossed on the way)."""
        to_set, to_remove = tagging.delta(current, wanted)
        if to_remove:
            with aws_call("untagging", self.label(name)):
                client.untag_resource(resourceARN=arn, tagKeys=to_remove)
        if to_set:
            with aws_call("tagging", self.label(name)):
                client.tag_resource(resourceARN=arn, tags=tagging.to_aws(to_set))

    def read_tags(self, client: Any, arn: str, name: str) -> dict[str, str]:
        with aws_call("listing tags of", self.label(name)):
            return tagging.from_aws(client.list_tags_for_resource(resourceARN=arn).get("tags"))

    def tag_outputs(self, tags_all: Mapping[str, str], previous_own: Mapping[str, str] | None) -> dict[str, Any]:
        return {
            "tags": tagging.own_tags(tags_all, self.stack_config.default_tags, previous_own),
            "tags_all": dict(tags_all),
        }


def environment_profile_problems() -> list[tuple[str, str]]:
    """``AWS_PROFILE`` (or ``AWS_DEFAULT_PROFILE``) naming no profile of the shared config files:
    every AWS call would fail with botocore's ProfileNotFound, so check says so first."""
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        profile = os.environ.get(variable)
        if profile:
            problem = _profile_problem(profile, os.environ.get("AWS_CONFIG_FILE"), os.environ.get("AWS_SHARED_CREDENTIALS_FILE"))
            return [(variable, f"{variable} (environment) {problem}; set stack config aws:profile or fix the variable")] if problem else []
    return []


@functools.lru_cache(maxsize=8)
def _profile_problem(profile: str, _config_file: str | None, _credentials_file: str | None) -> str | None:
    """:func:`profile_problem`, read once per process for each place the config files may be."""
    return profile_problem(profile)


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


RESOURCE_OPTIONS_DOC = """
    Resource options: ``protect=True`` makes Pulumi refuse to delete or replace it;
    ``retain_on_delete=True`` makes Pulumi forget it without deleting it in AWS;
    ``ignore_changes`` hides changes of the listed inputs from the provider (no update, no
    replacement); ``replace_on_changes`` has **no effect** (the Python dynamic provider's diff
    reports no changed property names); ``delete_before_replace`` overrides the provider's order.
    Without an explicit name it is autonamed: a replacement gets a new name, while ``aliases``,
    ``pulumi stack rename`` and project renames keep it. A replacement forced by ``replace_with``,
    ``deleted_with`` or ``replacement_trigger`` gets a new name too; one forced by ``pulumi up
    --replace`` or ``pulumi state taint`` reaches the provider as a new resource, so it needs
    ``delete_before_replace=True``.
    """
"""The paragraph on resource options that ends the docstring of every autonamed resource class."""


class BedrockResource(Resource):
    """Base of this package's dynamic resource classes: what their constructors share."""

    def _register(
        self, provider: ResourceProvider, resource_name: str, args: Any, opts: pulumi.ResourceOptions | None,
        inputs: tuple[str, ...], outputs: tuple[str, ...], derived: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """Register the inputs, the autoname seed and the outputs; ``derived`` maps an input to the
        outputs that repeat it under another key (secret whenever that input may be, see :func:`resource_options`)."""
        props = resource_props(args, inputs, outputs, resource_name)
        super().__init__(provider, resource_name, props, resource_options(args, opts, derived) if derived is not None else opts)


def resource_props(args: Any, inputs: tuple[str, ...], outputs: tuple[str, ...], resource_name: str) -> dict[str, Any]:
    """The props a resource class registers: its inputs, the autoname seed, and outputs as ``None``
    (a dynamic resource exposes only the properties it registered)."""
    props: dict[str, Any] = {field: getattr(args, field) for field in inputs if field != AUTONAME}
    props[AUTONAME] = f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
    props.update({field: None for field in outputs})
    return props


def resource_options(
    args: Any, opts: pulumi.ResourceOptions | None, derived: Mapping[str, tuple[str, ...]]
) -> pulumi.ResourceOptions | None:
    """``opts``, plus as secret outputs those ``derived`` from an input that may hold a secret.

    The engine marks an output secret only where its key path matches a secret input, and the
    dynamic provider never sees which inputs are secret. An output that repeats an input under
    another key (``tags_all`` repeats ``tags``) would store a secret input in plaintext. Whether
    an Output is secret is known only after the resource is declared, so the outputs derived
    from an input are secret whenever that input is, or holds, an Output or awaitable; derived
    from plain values they stay readable.
    """
    secret = {output for field, outputs in derived.items() if _may_be_secret(getattr(args, field, None)) for output in outputs}
    if is_config_secret("aws:defaultTags"):
        secret.add("tags_all")  # the default tags are merged into it, and the provider never sees that they are secret
    if not secret:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=sorted(secret)))


def _may_be_secret(value: Any) -> bool:
    if isinstance(value, pulumi.Output) or inspect.isawaitable(value):
        return True
    if isinstance(value, Mapping):
        return any(_may_be_secret(v) for v in value.values())
    return False


def client_token(kind: str, region: str, name: str, request: Mapping[str, Any]) -> str:
    """A clientRequestToken stable for the resource's identity and request: retries never duplicate."""
    body = json.dumps({"kind": kind, "region": region, "name": name, "request": request}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def salted_token(token: str, gone_arn: str) -> str:
    """The token to create with after ``token`` answered with ``gone_arn``, a deleted resource."""
    return hashlib.sha256(f"{token}/{gone_arn}".encode()).hexdigest()


def autoname(seed: str, identity: Mapping[str, Any], max_length: int) -> str:
    """``<resource-name>-<8 hex>``; the suffix hashes the stack identity and the replace-triggering inputs."""
    prefix = re.sub(r"[^0-9a-zA-Z]+", "-", seed.rsplit("/", 1)[-1]).strip("-") or "bedrock"
    digest = hashlib.sha256(json.dumps({"seed": seed, "identity": identity}, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix[: max_length - 9].rstrip('-')}-{digest[:8]}"


def timestamp(value: Any) -> str | None:
    """An API response's datetime as an ISO 8601 output (anything else as it is)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def ignore_not_found(call: Callable[[], Any]) -> Any:
    """Run ``call``; a resource that is already gone is not an error (delete, read)."""
    try:
        return call()
    except NotFoundError:
        return None


def _changed(old: Any, new: Any, equal: Equal) -> bool:
    if contains_unknown(new):
        return True
    return not equal(old, new)


def same(old: Any, new: Any) -> bool:
    return old == new


def same_or_absent(old: Any, new: Any) -> bool:
    return (old or None) == (new or None)

