"""What every Bedrock dynamic provider here shares: stack config, region, clients, the SDK's entry
points (which decode the engine's properties once into the resource's typed properties), check
and diff from the provider's :class:`~.schema.Schema`, and the resource classes' constructor.

Providers are stateless module-level classes: the SDK pickles them by reference (module path and
class name) into every resource's state, so nothing but the stack config that ``configure`` hands
the provider process ever lives on an instance. Naming is in :mod:`.naming`, client tokens in
:mod:`.tokens`, tags in :mod:`.tags`.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from typing import Any, Callable, ClassVar, Generic, Mapping

import pulumi
from pulumi.dynamic import CheckResult, ConfigureRequest, CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult
from pulumi.runtime.config import is_config_secret

from . import provider_process
from .client import aws_client
from .clock import SYSTEM_CLOCK, Clock
from .config import ProviderConfig, profile_problem
from .errors import ConflictError, InvalidRequestError
from .naming import AUTONAME, Autonamed
from .schema import Equal, P, Replaces, Schema, same, same_or_absent  # noqa: F401 (same, same_or_absent: their old home)
from .tags import TaggedProvider
from .tokens import CreateCall, create_with_token
from .validation import REGION_RULE, InputChecker, contains_unknown


class BedrockProvider(TaggedProvider, Autonamed, ResourceProvider, Generic[P]):
    """Base of the Bedrock dynamic providers; subclasses are one cloud resource each, ``P`` its typed
    properties. The SDK calls ``check``, ``diff``, ``create``, ``read``, ``update`` and ``delete``
    here; the subclass implements ``_diff`` (optional), ``_create``, ``_read``, ``_update`` and
    ``_delete`` on the decoded properties."""

    serialize_as_secret_always = False
    kind: ClassVar[str] = "Bedrock resource"
    """The resource's name in messages, e.g. ``Bedrock application inference profile``."""
    service: ClassVar[str] = "bedrock"
    """The AWS service the resource lives in (botocore's name): :meth:`client` and the client
    :meth:`warm_client` builds."""
    noun: ClassVar[str] = "resource"
    """The resource in a sentence about one that exists, e.g. ``the existing profile``."""
    clock: ClassVar[Clock] = SYSTEM_CLOCK
    """How waits sleep and measure time, and this machine's time; tests replace it (a class
    attribute: the SDK pickles the provider by reference, so nothing on it reaches the state)."""
    schema: ClassVar[Schema[Any]]
    """The resource's inputs and outputs; naming's ``name_field``, ``name_replaces``, ``name_rule``
    and ``replacing`` are read from it when the subclass is defined."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        schema = cls.__dict__.get("schema")
        if schema is None:
            return
        cls.replacing = schema.replacing
        name = schema.name_input
        if name is not None:
            cls.name_field = name.name
            cls.name_replaces = isinstance(name.change, Replaces)
            if name.name_rule is not None:
                cls.name_rule = name.name_rule

    def configure(self, req: ConfigureRequest) -> None:
        """Adjust the SDK's provider process (:func:`.provider_process.serve_concurrently`, once per
        process; nothing elsewhere), then read the stack config. Never raises: ``check_region``
        reports config problems on every check."""
        provider_process.serve_concurrently()
        try:
            self._stack_config = ProviderConfig.from_stack_config(req.config.get)
        except Exception as error:  # a bug here must not turn every Check into a traceback
            self._stack_config = ProviderConfig(problems=(("aws", f"aws stack config could not be read: {error!r}"),))
        if provider_process.in_provider_process():
            self.warm_client()

    def warm_client(self) -> threading.Thread | None:
        """Build the stack region's client on a background thread, while the engine checks and
        diffs: importing boto3, loading the service model and building the client take about half
        a second, which the first create of an ``up`` would otherwise wait for
        (benchmarks/engine_overhead.py). A failure is left to the call that needs the client."""
        config = self.stack_config
        if not config.region or config.problems:
            return None

        def build() -> None:
            try:
                self.client(config.region)  # type: ignore[arg-type]
            except Exception:  # reported by the first real call, with its context
                pass

        thread = threading.Thread(target=build, name="warm-aws-client", daemon=True)
        thread.start()
        return thread

    @property
    def stack_config(self) -> ProviderConfig:
        return self.__dict__.get("_stack_config") or ProviderConfig()

    def label(self, name: Any) -> str:
        return f'{self.kind} "{name}"'

    def client(self, region: str) -> Any:
        return self.service_client(self.service, region)

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
        from botocore.exceptions import ProfileNotFound

        try:
            region = config.default_region()
        except ProfileNotFound as error:
            checker.fail("region", f"could not be read from AWS profile: {error}")
            return
        if not region:
            checker.fail("region", "is required: set the resource's region input, stack config aws:region, or AWS_DEFAULT_REGION")
            return
        checker.inputs["region"] = region

    # the SDK's entry points: the engine's properties are decoded here, once

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.schema.check(self, olds, news)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return self._diff(id_, self.schema.decode(olds), self.schema.decode(news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        return self._create(self.schema.decode(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return self._read(id_, self.schema.decode(props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return self._update(id_, self.schema.decode(olds), self.schema.decode(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._delete(id_, self.schema.decode(props))

    def _diff(self, _id: str, olds: P, news: P) -> DiffResult:
        return self.diff_fields(olds, news)

    def _create(self, props: P) -> CreateResult:
        raise NotImplementedError

    def _read(self, id_: str, props: P) -> ReadResult:
        raise NotImplementedError

    def _update(self, id_: str, olds: P, news: P) -> UpdateResult:
        raise NotImplementedError

    def _delete(self, id_: str, props: P) -> None:
        raise NotImplementedError

    # create, or take over the resource holding the name

    def create_or_take_over(
        self, create: CreateCall, token: str, props: Mapping[str, Any], take_over: Callable[[], str]
    ) -> tuple[str, Any]:
        """:func:`~.tokens.create_with_token`; when the name is taken, the ARN ``take_over`` returns if
        the existing resource may be managed (:meth:`~.naming.Autonamed.may_take_over`), else the
        conflict, saying how to manage it. The description is None when none was read."""
        try:
            return create_with_token(token, create)
        except ConflictError as error:
            if not self.may_take_over(props):
                raise ConflictError(
                    error.action, error.resource, error.code,
                    f"{error.aws_message} (set adopt_existing=True to manage the existing {self.noun} with this stack)",
                ) from error
            return take_over(), None

    def taken_over(self, client: Any, arn: str, name: str, tags_all: Mapping[str, str], refusal: str | None) -> str:
        """Manage the existing ``arn`` holding ``name``: ``refusal`` (how it differs in what cannot
        change in place) refuses it with AdoptionMismatch; otherwise its tags become this resource's."""
        if refusal:
            raise InvalidRequestError(
                "adopting", self.label(name), "AdoptionMismatch",
                f"{refusal}. Change the inputs to match it, or delete it and let the stack create a new one",
            )
        self.sync_tags(client, arn, name, self.read_tags(client, arn, name), tags_all)
        return arn

    # diff, from the schema

    def diff_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any], *, update: Mapping[str, Equal] | None = None) -> DiffResult:
        """Changed fields: :attr:`replacing` decides replacements; what changes in place is the schema's
        :attr:`~.schema.Schema.updating` (or ``update``).

        A replacement is delete-before-replace when an explicit name stays the same.
        """
        name_field = self.name_field
        replaces = self.replaced_by(olds, news)
        name_changed = _changed(olds.get(name_field), news.get(name_field), same)
        if name_changed and self.name_replaces:
            replaces.insert(0, name_field)
        update = self.schema.updating if update is None else update
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        provider = cls.__dict__.get("provider_class")
        if provider is None or not cls.__doc__:
            return
        cls.__doc__ = cls.__doc__.rstrip() + provider.schema.outputs_doc()
        if provider.schema.name_input is not None:
            cls.__doc__ += RESOURCE_OPTIONS_DOC

    provider_class: ClassVar[type[BedrockProvider]]
    """The resource's provider class; its schema says what the resource registers."""

    def _register(self, resource_name: str, args: Any, opts: pulumi.ResourceOptions | None) -> None:
        """Register the schema's inputs, the autoname seed and its outputs; outputs derived from an
        input are secret whenever that input may be (see :func:`resource_options`)."""
        schema = self.provider_class.schema
        props = resource_props(args, schema.input_names, schema.outputs, resource_name)
        super().__init__(self.provider_class(), resource_name, props, resource_options(args, opts, schema.derived))


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
        secret.update(derived.get("tags", ()))  # the default tags are merged into them, and the provider never sees that they are secret
    if not secret:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=sorted(secret)))


def _may_be_secret(value: Any) -> bool:
    if isinstance(value, pulumi.Output) or inspect.isawaitable(value):
        return True
    if isinstance(value, Mapping):
        return any(_may_be_secret(v) for v in value.values())
    return False


def timestamp(value: Any) -> str | None:
    """An API response's datetime as an ISO 8601 output (anything else as it is)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _changed(old: Any, new: Any, equal: Equal) -> bool:
    if contains_unknown(new):
        return True
    return not equal(old, new)

