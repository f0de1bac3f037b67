"""Run whole Pulumi programs under ``pulumi.runtime.set_mocks``, with dynamic resources handled
by the real dynamic-provider process (:class:`~.engine.DynamicProviderProcess`).

:class:`Stack` is a small engine simulator with a persistent :class:`StackState`:

- ``preview(program)``: Check (and Diff for existing resources) for every dynamic resource; no
  Create/Update/Delete. New resources get their checked inputs as state, so their computed
  outputs (and their id) are unknown to the program, and values derived from them reach Check
  and Diff of dependents as unknowns, as in a real preview.
- ``up(program)``: Check, then Create for new resources; for resources in the saved state (same
  URN) Diff, then Update in place, replace (create the new one, delete the old one at the end of
  the run; or delete first when the provider's diff or the ``delete_before_replace`` option asks
  for it; a replacement is re-checked with empty olds, as the engine does) or nothing. Resources
  in the saved state that the program no longer declares are deleted at the end, dependents first.
  The Diff answer ``unknown`` (a provider without ``diff``) falls back to comparing old and new
  inputs, like the engine's legacy diff.
- ``refresh()``: Read for every dynamic resource with its saved outputs and inputs; an empty id
  drops it from state, returned inputs replace the saved inputs.
- ``destroy()``: Delete of every dynamic resource, dependents (and children) before what they
  depend on; the state ends empty.

The stack config reaches the program through ``pulumi.Config`` (``pulumi.runtime.set_all_config``)
and the provider process through Configure (sent once per process, before its first use).

Non-dynamic custom resources (``aws:iam/role:Role``, explicit providers...) get a plausible mock:
id ``<name>-id``, outputs = inputs plus an ``arn`` for ``aws:`` types (unknown in preview when
the resource is new). Component resources are recorded with the outputs they register.

Limitations (deliberate, to stay small):

- No real engine: ``ignore_changes``, ``replace_on_changes``, ``protect``, ``retain_on_delete``,
  aliases, imports, transforms, hooks and invokes are not honoured (invokes answer ``{}`` unless a
  ``call_handler`` is given). Resource options other than ``delete_before_replace``, ``parent``
  and ``depends_on`` are ignored.
- Operations run as the SDK registers resources (concurrently, in the SDK's executor threads);
  deletes at the end of ``up`` and in ``destroy`` run one at a time.
- A delete-before-replace does not first delete the dependents of the replaced resource.
- If a program or provider call fails during ``up``, the state keeps what was registered plus
  the untouched old resources; old halves of create-before-delete replacements are forgotten.
- ``pulumi:pulumi:Stack`` itself is not stored in the state; stack outputs are returned by runs.
- Secrets: secret inputs and ``additional_secret_outputs`` come back to the program as secret
  outputs; the state file stores plain values plus the list of secret property names.
- One run at a time per ``Stack``; each run happens in a fresh thread so the SDK's context
  variables (settings, root resource, config) never leak between runs or into the caller.
"""

from __future__ import annotations

import asyncio
import json
import gc
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Optional, Union

from google.protobuf import empty_pb2

from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_in_stack

from .engine import CheckFailure, DynamicProviderProcess

__all__ = [
    "DYNAMIC_TYPE_PREFIX",
    "EngineMocks",
    "EngineResourceArgs",
    "Operation",
    "OperationKind",
    "ResourceCheckError",
    "ResourceState",
    "RunResult",
    "Stack",
    "StackState",
]

DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
"""Prefix of Python dynamic resource types (``pulumi-python:dynamic/<module>:<Name>``)."""

STACK_TYPE = "pulumi:pulumi:Stack"
MOCK_ACCOUNT_ID = "123456789012"

OperationKind = Literal["create", "update", "replace", "delete", "same"]
Program = Callable[[], Optional[Awaitable[None]]]


class ResourceCheckError(Exception):
    """The provider's ``check`` rejected a resource's inputs."""

    def __init__(self, urn: str, failures: list[CheckFailure]) -> None:
        """
        :param urn: The rejected resource.
        :param failures: The provider's failures (property name and reason).
        """
        lines = "; ".join(f"{f.property}: {f.reason}" for f in failures)
        super().__init__(f"{urn} failed check: {lines}")
        self.urn = urn
        self.failures = failures


@dataclass
class ResourceState:
    """One resource in a stack's state."""

    type: str
    id: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    secret_keys: list[str] = field(default_factory=list)

    @property
    def is_dynamic(self) -> bool:
        """True for resources served by the dynamic-provider process."""
        return self.type.startswith(DYNAMIC_TYPE_PREFIX)


class StackState:
    """The saved state of a stack: URN -> :class:`ResourceState`, in registration order."""

    def __init__(self, resources: Optional[Mapping[str, ResourceState]] = None) -> None:
        """
        :param resources: Initial resources, in dependency order (dependencies first).
        """
        self.resources: dict[str, ResourceState] = dict(resources or {})

    def __contains__(self, urn: object) -> bool:
        return urn in self.resources

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, urn: str) -> Optional[ResourceState]:
        """The resource with this URN, or None."""
        return self.resources.get(urn)

    def find(self, name: str) -> tuple[str, ResourceState]:
        """The URN and state of the only resource whose logical name is ``name``.

        :param name: The resource name (last URN segment).
        """
        matches = [(urn, r) for urn, r in self.resources.items() if urn.split("::")[-1] == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r} in state")
        return matches[0]

    def to_json(self) -> str:
        """Serialize to JSON text (see :meth:`from_json`)."""
        return json.dumps(
            {"resources": [{"urn": urn, **asdict(r)} for urn, r in self.resources.items()]},
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> "StackState":
        """Load a state serialized by :meth:`to_json`.

        :param text: The JSON text.
        """
        resources = {}
        for entry in json.loads(text)["resources"]:
            urn = entry.pop("urn")
            resources[urn] = ResourceState(**entry)
        return cls(resources)

    def save(self, path: Union[str, Path]) -> None:
        """Write the state to a JSON file.

        :param path: The file to write.
        """
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Union[str, Path]) -> "StackState":
        """Read a state written by :meth:`save`.

        :param path: The file to read.
        """
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def deletion_order(self, urns: Optional[Iterable[str]] = None) -> list[str]:
        """``urns`` (default: all) ordered so that dependents and children come first.

        :param urns: The resources to order; dependencies outside this set are ignored.
        """
        selected = list(self.resources if urns is None else urns)
        chosen = set(selected)
        dependents: dict[str, set[str]] = {urn: set() for urn in selected}
        for urn in selected:
            resource = self.resources[urn]
            for dependency in {*resource.dependencies, resource.parent}:
                if dependency in chosen and dependency != urn:
                    dependents[dependency].add(urn)
        ordered: list[str] = []
        remaining = list(reversed(selected))
        while remaining:
            ready = [u for u in remaining if not (dependents[u] - set(ordered))]
            if not ready:
                raise ValueError(f"dependency cycle among {remaining}")
            ordered.append(ready[0])
            remaining.remove(ready[0])
        return ordered


@dataclass(frozen=True)
class Operation:
    """What a run did (or, in preview, would do) to one resource."""

    urn: str
    type: str
    kind: OperationKind
    replaced: list[str] = field(default_factory=list)
    """For ``replace``: the properties the provider said force the replacement."""
    delete_before_replace: bool = False

    @property
    def name(self) -> str:
        """The resource's logical name."""
        return self.urn.split("::")[-1]


@dataclass(frozen=True)
class RunResult:
    """Operations per URN (in the order they were decided) and the stack outputs."""

    operations: dict[str, Operation]
    outputs: dict[str, Any]

    def kinds(self) -> dict[str, OperationKind]:
        """Resource name -> operation kind, for compact assertions."""
        return {op.name: op.kind for op in self.operations.values()}

    def operation(self, name: str) -> Operation:
        """The operation on the only resource named ``name``.

        :param name: The resource's logical name.
        """
        matches = [op for op in self.operations.values() if op.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} operations on resources named {name!r}")
        return matches[0]


class EngineResourceArgs(MockResourceArgs):
    """``MockResourceArgs`` plus what the engine also knows about a registration."""

    def __init__(
        self,
        *,
        urn: str,
        parent: str,
        dependencies: list[str],
        delete_before_replace: bool,
        additional_secret_outputs: list[str],
        **kwargs: Any,
    ) -> None:
        """
        :param urn: The resource URN.
        :param parent: The parent URN ("" for none).
        :param dependencies: URNs the resource depends on (explicit and through inputs).
        :param delete_before_replace: The ``delete_before_replace`` resource option.
        :param additional_secret_outputs: Output names the program asked to treat as secret.
        :param kwargs: The ``MockResourceArgs`` fields.
        """
        super().__init__(**kwargs)
        self.urn = urn
        self.parent = parent
        self.dependencies = dependencies
        self.delete_before_replace = delete_before_replace
        self.additional_secret_outputs = additional_secret_outputs


class _EngineMonitor(MockMonitor):
    """A MockMonitor that keeps unknowns, passes engine-level details and captures outputs."""

    def __init__(self, mocks: "EngineMocks") -> None:
        super().__init__(mocks)
        self.engine_mocks = mocks
        self.stack_urn = ""
        self.stack_outputs: dict[str, Any] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """Build the URN as the engine does: children of the root stack get no parent type."""
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                type_ = f"{parent_type}${type_}"
        mocks = self.engine_mocks
        return f"urn:pulumi:{mocks.stack_name}::{mocks.project}::{type_}::{name}"

    def RegisterResource(self, request: Any) -> resource_pb2.RegisterResourceResponse:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        with _private_event_loop() as loop:
            args = EngineResourceArgs(
                urn=urn,
                parent=request.parent,
                dependencies=list(request.dependencies),
                delete_before_replace=request.deleteBeforeReplace,
                additional_secret_outputs=list(request.additionalSecretOutputs),
                typ=request.type,
                name=request.name,
                inputs=rpc.deserialize_properties(request.object, keep_unknowns=True),
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom,
            )
            id_, state = self.engine_mocks.new_resource(args)
            serialized = loop.run_until_complete(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=serialized)

    def RegisterResourceOutputs(self, request: Any) -> empty_pb2.Empty:
        with _private_event_loop():
            outputs = _unwrap(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
        if request.urn == self.stack_urn:
            self.stack_outputs = outputs
        else:
            self.engine_mocks.component_outputs(request.urn, outputs)
        return empty_pb2.Empty()


@contextmanager
def _private_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A loop for this executor thread, closed afterwards (MockMonitor leaves one per thread)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def _unwrap(value: Any) -> Any:
    """Remove secret markers recursively."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _mock_arn(type_: str, name: str, region: str) -> str:
    """``arn:aws:<service>:<region>:<account>:<kind>/<name>`` for ``aws:<service>/<kind>:<K>``."""
    module = type_.split(":")[1] if type_.count(":") >= 2 else "mock"
    service, _, kind = module.partition("/")
    arn_region = "" if service == "iam" else region
    return f"arn:aws:{service}:{arn_region}:{MOCK_ACCOUNT_ID}:{kind or service}/{name}"


class EngineMocks(Mocks):
    """``Mocks`` that play the engine for one run: dynamic resources go to the provider process."""

    def __init__(
        self,
        stack: "Stack",
        preview: bool,
        call_handler: Optional[Callable[[MockCallArgs], dict[str, Any]]] = None,
    ) -> None:
        """
        :param stack: The stack being deployed (config, saved state, provider process).
        :param preview: True for ``preview``: no Create/Update/Delete calls.
        :param call_handler: Answers invokes; by default every invoke returns ``{}``.
        """
        self._stack = stack
        self.project = stack.project
        self.stack_name = stack.stack
        self._preview = preview
        self._call_handler = call_handler
        self._lock = threading.Lock()
        self.old_state = stack.state
        self.new_state: dict[str, ResourceState] = {}
        self.operations: dict[str, Operation] = {}
        self.replaced_olds: list[tuple[str, ResourceState]] = []

    def call(self, args: MockCallArgs) -> tuple[dict, Optional[list[tuple[str, str]]]]:
        """Answer an invoke with ``call_handler`` (``{}`` when there is none)."""
        return (self._call_handler(args) if self._call_handler else {}), None

    def new_resource(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        """Register one resource: forward dynamic ones to the provider, mock the others."""
        if not isinstance(args, EngineResourceArgs):
            raise TypeError("EngineMocks needs the engine monitor of testing.program.Stack")
        with self._lock:
            if args.urn in self.new_state:
                raise ValueError(f"duplicate resource URN {args.urn}")
        secret_keys = sorted(
            {k for k, v in args.inputs.items() if rpc.is_rpc_secret(v)}
            | set(args.additional_secret_outputs)
        )
        inputs = _unwrap(args.inputs)
        old = self.old_state.get(args.urn)
        if not args.custom:
            id_, outputs, kind = "", {}, "create" if old is None else "same"
            if old is not None:
                outputs = old.outputs
            self._record(args, kind, id_, inputs, outputs, secret_keys)
            return id_, {}
        if args.typ.startswith(DYNAMIC_TYPE_PREFIX):
            id_, outputs = self._dynamic(args, inputs, old, secret_keys)
        else:
            id_, outputs = self._mocked(args, inputs, old, secret_keys)
        return id_, {
            k: rpc.wrap_rpc_secret(v) if k in secret_keys else v for k, v in outputs.items()
        }

    def component_outputs(self, urn: str, outputs: dict[str, Any]) -> None:
        """Store outputs a component registered with ``register_outputs``."""
        with self._lock:
            if urn in self.new_state:
                self.new_state[urn] = replace(self.new_state[urn], outputs=outputs)

    def _record(
        self,
        args: EngineResourceArgs,
        kind: OperationKind,
        id_: str,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        secret_keys: list[str],
        replaced: Optional[list[str]] = None,
        delete_before_replace: bool = False,
    ) -> None:
        with self._lock:
            self.operations[args.urn] = Operation(
                args.urn, args.typ, kind, replaced or [], delete_before_replace
            )
            self.new_state[args.urn] = ResourceState(
                type=args.typ,
                id=id_,
                custom=bool(args.custom),
                inputs=inputs,
                outputs=outputs,
                parent=args.parent,
                dependencies=list(args.dependencies),
                secret_keys=secret_keys,
            )

    def _check(self, proc: DynamicProviderProcess, urn: str, olds: dict, news: dict) -> dict:
        result = proc.check(urn, olds, news)
        if result.failures:
            raise ResourceCheckError(urn, result.failures)
        return result.inputs

    def _dynamic(
        self,
        args: EngineResourceArgs,
        inputs: dict[str, Any],
        old: Optional[ResourceState],
        secret_keys: list[str],
    ) -> tuple[str, dict[str, Any]]:
        proc = self._stack.configured_provider()
        urn = args.urn
        news = self._check(proc, urn, old.inputs if old else {}, inputs)
        if old is None:
            if self._preview:
                self._record(args, "create", "", news, news, secret_keys)
                return "", news
            created = proc.create(urn, news)
            self._record(args, "create", created.id, news, created.outputs, secret_keys)
            return created.id, created.outputs

        diff = proc.diff(urn, old.id, old.outputs, news, old_inputs=old.inputs)
        if diff.changes == "unknown":
            changed = news != old.inputs
        else:
            changed = diff.changes == "some"
        if not changed:
            self._record(args, "same", old.id, news, old.outputs, secret_keys)
            return old.id, old.outputs
        if not diff.replaces:
            if self._preview:
                self._record(args, "update", old.id, news, news, secret_keys)
                return old.id, news
            updated = proc.update(urn, old.id, old.outputs, news, old_inputs=old.inputs)
            self._record(args, "update", old.id, news, updated.outputs, secret_keys)
            return old.id, updated.outputs

        delete_first = diff.delete_before_replace or args.delete_before_replace
        news = self._check(proc, urn, {}, inputs)
        if self._preview:
            self._record(args, "replace", "", news, news, secret_keys, diff.replaces, delete_first)
            return "", news
        if delete_first:
            proc.delete(urn, old.id, old.outputs, old_inputs=old.inputs)
        created = proc.create(urn, news)
        if not delete_first:
            with self._lock:
                self.replaced_olds.append((urn, old))
        self._record(
            args, "replace", created.id, news, created.outputs, secret_keys,
            diff.replaces, delete_first,
        )
        return created.id, created.outputs

    def _mocked(
        self,
        args: EngineResourceArgs,
        inputs: dict[str, Any],
        old: Optional[ResourceState],
        secret_keys: list[str],
    ) -> tuple[str, dict[str, Any]]:
        is_provider = args.typ.startswith("pulumi:providers:")
        if old is None:
            if self._preview and not is_provider:
                self._record(args, "create", "", inputs, inputs, secret_keys)
                return "", inputs
            outputs = dict(inputs)
            if args.typ.startswith("aws:") and "arn" not in outputs:
                region = str(self._stack.config.get("aws:region", "us-east-1"))
                outputs["arn"] = _mock_arn(args.typ, args.name, region)
            id_ = f"{args.name}-id"
            self._record(args, "create", id_, inputs, outputs, secret_keys)
            return id_, outputs
        if inputs == old.inputs:
            self._record(args, "same", old.id, inputs, old.outputs, secret_keys)
            return old.id, old.outputs
        outputs = {**old.outputs, **inputs}
        self._record(args, "update", old.id, inputs, outputs, secret_keys)
        return old.id, outputs


class Stack:
    """A simulated Pulumi stack: config, saved state and the dynamic-provider process."""

    def __init__(
        self,
        project: str,
        stack: str,
        config: Mapping[str, Any],
        provider_process: DynamicProviderProcess,
        *,
        state: Optional[StackState] = None,
        secret_config_keys: Iterable[str] = (),
        call_handler: Optional[Callable[[MockCallArgs], dict[str, Any]]] = None,
    ) -> None:
        """
        :param project: The project name (first URN segment after the stack).
        :param stack: The stack name.
        :param config: Stack config with namespaced keys (``aws:region``, ``myproj:size``);
            non-string values are passed as JSON text, as the CLI stores structured config.
        :param provider_process: A started provider process; configured on first use.
        :param state: Saved state to start from (default: empty).
        :param secret_config_keys: Config keys ``pulumi.Config`` should treat as secret.
        :param call_handler: Answers invokes made by the program (default: ``{}``).
        """
        self.project = project
        self.stack = stack
        self.config: dict[str, str] = {
            key: value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            for key, value in config.items()
        }
        self.provider_process = provider_process
        self.state = state if state is not None else StackState()
        self._secret_config_keys = list(secret_config_keys)
        self._call_handler = call_handler
        self._configure_lock = threading.Lock()
        self._last_mocks: Optional[EngineMocks] = None

    def configured_provider(self) -> DynamicProviderProcess:
        """The provider process, sent Configure with this stack's config if it was not yet."""
        with self._configure_lock:
            sent = self.provider_process.configured_with
            if sent is None:
                self.provider_process.configure(self.config)
            elif sent != self.config:
                raise RuntimeError(
                    "the provider process was configured with another config; the engine starts "
                    "one provider process per deployment: use a new DynamicProviderProcess"
                )
        return self.provider_process

    def preview(self, program: Program) -> RunResult:
        """Run ``program`` as ``pulumi preview``: Check/Diff only; the state is unchanged.

        :param program: A function declaring resources (may return an awaitable).
        """
        mocks, outputs = self._run_program(program, preview=True)
        for urn in self.state.resources:
            if urn not in mocks.new_state:
                mocks.operations[urn] = Operation(urn, self.state.resources[urn].type, "delete")
        return RunResult(dict(mocks.operations), outputs)

    def up(self, program: Program) -> RunResult:
        """Run ``program`` as ``pulumi up`` and save the resulting state.

        :param program: A function declaring resources (may return an awaitable).
        """
        try:
            mocks, outputs = self._run_program(program, preview=False)
        except BaseException:
            self._keep_partial_state(self._last_mocks)
            raise
        new_state = StackState(mocks.new_state)
        for urn, old in mocks.replaced_olds:
            self._delete(urn, old)
        removed = [urn for urn in self.state.resources if urn not in mocks.new_state]
        for urn in self.state.deletion_order(removed):
            old = self.state.resources[urn]
            self._delete(urn, old)
            mocks.operations[urn] = Operation(urn, old.type, "delete")
        self.state = new_state
        return RunResult(dict(mocks.operations), outputs)

    def refresh(self) -> RunResult:
        """Read every dynamic resource back; drop those whose read returns an empty id."""
        operations: dict[str, Operation] = {}
        refreshed: dict[str, ResourceState] = {}
        for urn, resource in self.state.resources.items():
            if not resource.is_dynamic:
                refreshed[urn] = resource
                operations[urn] = Operation(urn, resource.type, "same")
                continue
            result = self.configured_provider().read(
                urn, resource.id, resource.outputs, resource.inputs
            )
            if not result.id:
                operations[urn] = Operation(urn, resource.type, "delete")
                continue
            updated = replace(
                resource,
                id=result.id,
                outputs=result.outputs,
                inputs=result.inputs if result.inputs is not None else resource.inputs,
            )
            changed = updated.outputs != resource.outputs or updated.inputs != resource.inputs
            operations[urn] = Operation(urn, resource.type, "update" if changed else "same")
            refreshed[urn] = updated
        self.state = StackState(refreshed)
        return RunResult(operations, {})

    def destroy(self) -> RunResult:
        """Delete every resource, dependents and children first; the state ends empty."""
        operations: dict[str, Operation] = {}
        for urn in self.state.deletion_order():
            resource = self.state.resources[urn]
            self._delete(urn, resource)
            operations[urn] = Operation(urn, resource.type, "delete")
            del self.state.resources[urn]
        return RunResult(operations, {})

    def _delete(self, urn: str, resource: ResourceState) -> None:
        if resource.is_dynamic:
            self.configured_provider().delete(
                urn, resource.id, resource.outputs, old_inputs=resource.inputs
            )

    def _keep_partial_state(self, mocks: Optional[EngineMocks]) -> None:
        if mocks is None:
            return
        kept = dict(mocks.new_state)
        for urn, resource in self.state.resources.items():
            kept.setdefault(urn, resource)
        self.state = StackState(kept)

    def _run_program(self, program: Program, preview: bool) -> tuple[EngineMocks, dict[str, Any]]:
        mocks = EngineMocks(self, preview, self._call_handler)
        self._last_mocks = mocks
        monitor = _EngineMonitor(mocks)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self._run_in_fresh_context(program, mocks, monitor, preview)
            except BaseException as error:  # noqa: BLE001 re-raised in the caller's thread
                failure.append(error)

        thread = threading.Thread(target=run, name=f"pulumi-program-{self.stack}")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]
        return mocks, monitor.stack_outputs

    def _run_in_fresh_context(
        self, program: Program, mocks: EngineMocks, monitor: _EngineMonitor, preview: bool
    ) -> None:
        """Runs in a new thread, whose context variables start empty."""
        set_all_config(self.config, self._secret_config_keys)
        # set_mocks registers its own root Stack unless one is set; run_in_stack makes the real one.
        settings.set_root_resource(_ROOT_PLACEHOLDER)  # type: ignore[arg-type]
        set_mocks(mocks, project=self.project, stack=self.stack, preview=preview, monitor=monitor)
        settings.set_root_resource(None)  # type: ignore[arg-type]
        settings.SETTINGS.outputs = set()
        settings.SETTINGS.lock = threading.Lock()
        settings.SETTINGS.package_refs = {}
        settings.SETTINGS.base_providers_by_ref = {}
        try:
            # asyncio.run also cancels the tasks the SDK leaves pending (outputs nobody awaited).
            asyncio.run(run_in_stack(program))
        finally:
            # Finalize this run's garbage (tasks, loops) now, in this thread: finalizers that log
            # from inside some later ast.parse trip CPython 3.11's AST recursion-depth check.
            gc.collect()


_ROOT_PLACEHOLDER = object()
