"""Run whole Pulumi programs under ``pulumi.runtime.set_mocks``, with dynamic resources handled
by the real dynamic-provider process (:class:`~.engine.DynamicProviderProcess`).

:class:`Stack` is an engine simulator with a persistent :class:`StackState`. It follows the Pulumi
engine's Go source (pulumi/pulumi, ``pkg/resource/deploy`` and ``pkg/backend/snapshot.go``); each
behaviour below names the engine function it follows.

- ``preview(program)``: Check (and Diff for existing resources) for every dynamic resource; no
  Create/Update/Delete. New resources get their checked inputs as state, so their computed
  outputs (and their id) are unknown to the program, and values derived from them reach Check
  and Diff of dependents as unknowns, as in a real preview. The state is not written.
- ``up(program)``: the engine's step generator and step executor:

  * **Old state lookup** by URN, then by the ``aliases`` option (``getOldResource``,
    ``generateAliases``, ``collapseAliasToUrn``, ``inheritedChildAlias``); a resource found
    through an alias is stored under its new URN and references to the old URN are rewritten.
  * **Check** with the old *inputs* as olds, after ``ignore_changes`` reset the ignored inputs to
    their old values (``continueStepsFromImport``, ``processIgnoreChanges``). A failure stops the
    run.
  * **Diff** with the old outputs and inputs; ``unknown`` falls back to comparing old inputs with
    the (ignore-changes-processed) new inputs (``diffResource``). ``replace_on_changes`` only turns
    keys the provider *reported as changed* into replacements (``applyReplaceOnChanges``): the
    Python dynamic provider reports none, so the option has no effect on dynamic resources, as
    under the engine.
  * **Replace** (``continueStepsFromDiff``): a ``protect``-ed resource (old and new) is never
    replaced: ``up`` fails with the engine's message before any step; ``preview`` shows the whole
    plan, then fails with it. The replacement is checked again with no olds, with the random
    seed of the first Check (one per registration, ``generateResourceSteps``).
    ``up(program, replace=[...])`` plays ``pulumi up --replace`` (``isTargetedReplace``): the
    only Check has no olds, no Diff is called, the replacement blames ``id``.
    ``delete_before_replace``, when set (``True`` *or* ``False``), overrides the provider's answer. Create-before-delete: the new resource is created, the old one is marked
    for deletion (``pending delete``, kept in the state) and deleted after the program has
    finished; a failed delete leaves it in the state and the next ``up`` deletes it.
    Delete-before-create: the dependents the replacement would replace are deleted first
    (``calculateDependentReplacements``: Diff with the inputs that came from replaced resources
    made unknown), then the old one; each stays in the state as pending replacement until its
    replacement exists, and the dependents are recreated when the program registers them.
  * **Concurrency**: Check and Diff run on one step-generation thread, one registration at a time
    (``deploymentExecutor.Execute``'s single loop; ``sg.diff`` diffs in place unless
    ``PULUMI_PARALLEL_DIFF`` is set, which is off by default), so a provider whose Check or Diff
    blocks stalls every other registration. Create/Update/Delete run in a pool of ``parallel``
    workers (``newStepExecutor``; default ``PULUMI_PARALLEL`` or 4 × CPUs, as ``defaultParallel`` in
    ``pkg/cmd/pulumi/operations/up.go``). Deletes at the end run by dependency level, each level in
    parallel (``ScheduleDeletes``).
  * **State saved step by step** (``SnapshotManager`` in ``pkg/backend/snapshot.go``): each step
    records a pending operation (``creating``/``updating``/``deleting``) when it starts and its
    result when it ends; ``Stack.state`` is rewritten after every step. A failed step cancels the
    run: steps already running finish and are saved, nothing new starts, nothing is deleted
    (``stepExecutor.executeChain`` → ``cancelDueToError``).
  * **Deletes** (``GenerateDeletes``, ``DeleteStep.Apply``): resources no longer declared, and
    pending deletes, after the program ends. ``protect`` (from the state) blocks a delete with the
    engine's message; ``retain_on_delete`` and ``deleted_with`` (when the other resource is deleted
    in the same run) drop the resource from the state without a provider Delete.
  * **Interrupted runs**: ``up(program, interrupt=...)`` simulates a kill of the CLI; the pending
    operation stays in the saved state. The next ``up`` warns about it with the engine's text
    (``printPendingOperationsWarning``); pending ``creating`` operations stay until a refresh
    clears them, the others are dropped by the next write (``SnapshotManager.Snap``).
- ``refresh()``: Read for every dynamic resource, in parallel, pending deletes included, except
  those pending replacement (``RefreshStep.Apply``, ``GenerateRefreshes``); an empty id drops the resource; returned inputs replace the saved inputs;
  then Diff(refreshed outputs, old inputs as the new inputs) decides the operation shown (``same``
  or ``update``, ``RefreshStep.ResultOp``). The state is written once, after the reads, keeping
  every completed read even if another failed (``deploymentExecutor.refresh``,
  ``rebuildBaseState``). Pending operations are cleared (creates only with
  ``clear_pending_creates=True``, what an interactive ``pulumi refresh`` offers).
- ``destroy()``: Delete of every resource, dependents (and children) first, level by level, with the
  same ``protect`` / ``retain_on_delete`` / ``deleted_with`` rules; the state ends empty.

The stack config reaches the program through ``pulumi.Config`` (``pulumi.runtime.set_all_config``)
and the provider process through Configure (sent once per process, before its first use).

Non-dynamic custom resources (``aws:iam/role:Role``, explicit providers...) get a plausible mock:
id ``<name>-id``, outputs = inputs plus an ``arn`` for ``aws:`` types (unknown in preview when
the resource is new). Component resources are recorded with the outputs they register.

Failures: a failed run raises the first failure (:class:`ResourceCheckError`,
:class:`~.engine.ProviderError` with the provider's traceback and message,
:class:`ResourceProtectedError`, :class:`DeploymentInterrupted`); every failure of the run is
listed once in its notes and in ``Stack.last_result.errors``. Failures that only echo another one
(dependents of a failed resource, the SDK's unretrieved futures) are not reported again.

Limitations (deliberate, to stay small):

- Imports, transforms, hooks, ``replace_with``, ``replacement_trigger``, taints, custom timeouts,
  targets and invokes are not honoured (invokes answer ``{}`` unless a ``call_handler`` is given).
- ``deleted_with`` and ``replace_with`` do not cascade a create-before-delete replacement
  (``sg.diff``); a delete-before-replace does replace its dependents first.
- ``ignore_changes`` paths: keys, ``a.b``, ``a["b"]`` and ``a[0]``; no wildcards.
- Non-dynamic custom resources are mocked: no provider, never read by refresh.
- Alias conflicts are only detected when two resources claim the same old URN through aliases.
- The provider's ``Configure`` is sent once per provider process, not once per run.
- An interrupted run stops the simulated engine, not the provider process: a provider call that
  was in flight still finishes, its result is lost, as when the CLI is killed. The kill happens as
  a provider call returns; a kill before the request reaches the provider is not simulated (the
  saved state would be the same).
- ``pulumi:pulumi:Stack`` itself is not stored in the state; stack outputs are returned by runs.
- Secrets: secret inputs and ``additional_secret_outputs`` come back to the program as secret
  outputs; the state file stores plain values plus the list of secret property names.
- One run at a time per ``Stack``; each run happens in a fresh thread so the SDK's context
  variables (settings, root resource, config) never leak between runs or into the caller.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
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

from .engine import UNKNOWN, CheckFailure, DiffResult, DynamicProviderProcess

__all__ = [
    "DYNAMIC_TYPE_PREFIX",
    "DeploymentInterrupted",
    "EngineMocks",
    "EngineResourceArgs",
    "Interrupt",
    "Operation",
    "OperationKind",
    "PendingOperation",
    "PendingOperationType",
    "ResourceCheckError",
    "ResourceProtectedError",
    "ResourceState",
    "RunResult",
    "Stack",
    "StackState",
    "default_parallelism",
    "pending_operations_warning",
    "process_ignore_changes",
]

DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
"""Prefix of Python dynamic resource types (``pulumi-python:dynamic/<module>:<Name>``)."""

STACK_TYPE = "pulumi:pulumi:Stack"
MOCK_ACCOUNT_ID = "123456789012"

OperationKind = Literal["create", "update", "replace", "delete", "same"]
PendingOperationType = Literal["creating", "updating", "deleting"]
Program = Callable[[], Optional[Awaitable[None]]]
Interrupt = Callable[[str, PendingOperationType], bool]
"""``interrupt(urn, operation)``: return True to kill the run at this step (see :meth:`Stack.up`)."""

_log = logging.getLogger(__name__)

# Threads the SDK may use for resource registrations at once (its default executor has only
# min(32, CPUs + 4)); the engine's limit is the step executor's parallelism, not this.
_REGISTRATION_THREADS = 64


def default_parallelism() -> int:
    """The engine's default ``--parallel``: ``PULUMI_PARALLEL`` if set above 0, else 4 × CPUs.

    Follows ``defaultParallel`` in ``pkg/cmd/pulumi/operations/up.go`` (4 × ``GOMAXPROCS``, which
    defaults to the CPUs this process may use).
    """
    from_env = os.environ.get("PULUMI_PARALLEL", "")
    if from_env.strip().isdigit() and int(from_env) > 0:
        return int(from_env)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 4 * (cpus or 1)


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


class ResourceProtectedError(Exception):
    """A run would replace or delete a resource marked ``protect``; the text is the engine's."""

    def __init__(self, urn: str, message: str) -> None:
        """
        :param urn: The protected resource.
        :param message: The engine's error text.
        """
        super().__init__(message)
        self.urn = urn


class DeploymentInterrupted(Exception):
    """The run was killed by an ``interrupt`` hook; the saved state has a pending operation."""

    def __init__(self, urn: str, operation: PendingOperationType) -> None:
        """
        :param urn: The resource whose step was in flight.
        :param operation: ``creating``, ``updating`` or ``deleting``.
        """
        super().__init__(f"deployment killed while {operation} {urn}")
        self.urn = urn
        self.operation = operation


class _Cancelled(Exception):
    """A registration refused because the run already failed (never reported on its own)."""


def _replace_protected_message(urn: str) -> str:
    """The engine's text, from ``continueStepsFromDiff``."""
    return (
        f'unable to replace resource "{urn}"\n'
        "as it is currently marked for protection. To unprotect the resource, "
        "remove the `protect` flag from the resource in your Pulumi "
        "program and run `pulumi up`"
    )


def _delete_protected_message(urn: str) -> str:
    """The engine's text, from ``deleteProtectedError.Error`` in ``step.go``."""
    return (
        f'resource "{urn}" cannot be deleted\n'
        "because it is protected. To unprotect the resource, "
        "either remove the `protect` flag from the resource in your Pulumi "
        "program and run `pulumi up`, or use the command:\n"
        f"`pulumi state unprotect '{urn}'`"
    )


def pending_operations_warning(operations: list["PendingOperation"]) -> str:
    """The engine's warning, from ``deploymentExecutor.printPendingOperationsWarning``."""
    listed = "".join(f"  * {op.urn}, interrupted while {op.type}\n" for op in operations)
    return (
        "Attempting to deploy or update resources "
        f"with {len(operations)} pending operations from previous deployment.\n"
        + listed
        + "These resources are in an unknown state because the Pulumi CLI was interrupted while "
        "waiting for changes to these resources to complete. You should confirm whether or not the "
        "operations listed completed successfully by checking the state of the appropriate provider. "
        "For example, if you are using AWS, you can confirm using the AWS Console.\n"
        "\n"
        "Once you have confirmed the status of the interrupted operations, you can repair your stack "
        "using `pulumi refresh` which will refresh the state from the provider you are using and "
        "clear the pending operations if there are any.\n"
        "\n"
        "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations."
    )


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
    protect: bool = False
    """The ``protect`` option it was last deployed with."""
    retain_on_delete: bool = False
    """The ``retain_on_delete`` option: deleting drops it from the state only."""
    deleted_with: str = ""
    """The ``deleted_with`` URN: not deleted by its provider when that one is deleted too."""
    ignore_changes: list[str] = field(default_factory=list)
    """The ``ignore_changes`` paths it was last deployed with."""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Input name -> URNs its value came from (decides which dependents a replacement replaces)."""
    delete: bool = False
    """The engine's ``Delete`` flag: the old half of a create-before-delete replacement."""
    pending_replacement: bool = False
    """The engine's ``PendingReplacement``: deleted by a delete-before-replace, not yet recreated."""

    @property
    def is_dynamic(self) -> bool:
        """True for resources served by the dynamic-provider process."""
        return self.type.startswith(DYNAMIC_TYPE_PREFIX)


@dataclass
class PendingOperation:
    """A step that started and never ended (the run was killed), as the engine records it."""

    urn: str
    type: PendingOperationType
    resource: ResourceState
    """The resource as the step started: the new state for creating/updating, the old for deleting."""


class StackState:
    """The saved state of a stack: URN -> :class:`ResourceState`, in registration order.

    Also holds what only an unfinished or failed run leaves behind: ``pending_deletes`` (old halves
    of create-before-delete replacements, same URN as their replacement, deleted by the next
    ``up``) and ``pending_operations`` (steps interrupted by a kill).
    """

    def __init__(
        self,
        resources: Optional[Mapping[str, ResourceState]] = None,
        *,
        pending_deletes: Iterable[tuple[str, ResourceState]] = (),
        pending_operations: Iterable[PendingOperation] = (),
    ) -> None:
        """
        :param resources: Initial resources, in dependency order (dependencies first).
        :param pending_deletes: (URN, state) of resources marked for deletion (``delete=True``).
        :param pending_operations: Operations of a killed run.
        """
        self.resources: dict[str, ResourceState] = dict(resources or {})
        self.pending_deletes: list[tuple[str, ResourceState]] = list(pending_deletes)
        self.pending_operations: list[PendingOperation] = list(pending_operations)

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
        document: dict[str, Any] = {
            "resources": [{"urn": urn, **asdict(r)} for urn, r in self.resources.items()]
        }
        if self.pending_deletes:
            document["pending_deletes"] = [{"urn": u, **asdict(r)} for u, r in self.pending_deletes]
        if self.pending_operations:
            document["pending_operations"] = [
                {"urn": op.urn, "type": op.type, "resource": asdict(op.resource)}
                for op in self.pending_operations
            ]
        return json.dumps(document, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "StackState":
        """Load a state serialized by :meth:`to_json` (older files without the pending lists too).

        :param text: The JSON text.
        """
        document = json.loads(text)

        def entries(key: str) -> list[tuple[str, ResourceState]]:
            found = []
            for entry in document.get(key, []):
                entry = dict(entry)
                urn = entry.pop("urn")
                found.append((urn, ResourceState(**entry)))
            return found

        operations = [
            PendingOperation(op["urn"], op["type"], ResourceState(**op["resource"]))
            for op in document.get("pending_operations", [])
        ]
        return cls(
            dict(entries("resources")),
            pending_deletes=entries("pending_deletes"),
            pending_operations=operations,
        )

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
        return [urn for level in self._deletion_levels(list(self.resources if urns is None else urns))
                for urn in level]

    def _deletion_levels(self, selected: list[str]) -> list[list[str]]:
        entries = [(urn, self.resources[urn]) for urn in selected]
        return [[urn for urn, _ in level] for level in _deletion_levels(entries)]


def _deletion_levels(
    entries: list[tuple[str, ResourceState]],
) -> list[list[tuple[str, ResourceState]]]:
    """Group resources into levels that can be deleted in parallel, dependents first.

    Follows ``ScheduleDeletes`` (antichains of the reversed dependency graph): a resource is deleted
    after every resource that depends on it (dependencies, parent, ``deleted_with``).
    """
    positions: dict[str, list[int]] = {}
    for i, (urn, _) in enumerate(entries):
        positions.setdefault(urn, []).append(i)
    dependents: dict[int, set[int]] = {i: set() for i in range(len(entries))}
    for i, (urn, state) in enumerate(entries):
        for dependency in {*state.dependencies, state.parent, state.deleted_with} - {urn, ""}:
            for j in positions.get(dependency, []):
                dependents[j].add(i)
    remaining = list(reversed(range(len(entries))))
    done: set[int] = set()
    levels: list[list[tuple[str, ResourceState]]] = []
    while remaining:
        ready = [i for i in remaining if not (dependents[i] - done)]
        if not ready:
            raise ValueError(f"dependency cycle among {[entries[i][0] for i in remaining]}")
        levels.append([entries[i] for i in ready])
        done.update(ready)
        remaining = [i for i in remaining if i not in done]
    return levels


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
    warnings: list[str] = field(default_factory=list)
    """Warnings the engine would print (e.g. pending operations from a previous run)."""
    errors: list[str] = field(default_factory=list)
    """Each failure of the run, once (empty for a successful run)."""

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
        delete_before_replace: Optional[bool],
        additional_secret_outputs: list[str],
        protect: bool = False,
        ignore_changes: Optional[list[str]] = None,
        replace_on_changes: Optional[list[str]] = None,
        retain_on_delete: bool = False,
        deleted_with: str = "",
        aliases: Optional[list[Any]] = None,
        property_dependencies: Optional[Mapping[str, list[str]]] = None,
        **kwargs: Any,
    ) -> None:
        """
        :param urn: The resource URN.
        :param parent: The parent URN ("" for none).
        :param dependencies: URNs the resource depends on (explicit and through inputs).
        :param delete_before_replace: The ``delete_before_replace`` resource option; None when the
            program did not set it (then the provider decides).
        :param additional_secret_outputs: Output names the program asked to treat as secret.
        :param protect: The ``protect`` option.
        :param ignore_changes: The ``ignore_changes`` property paths.
        :param replace_on_changes: The ``replace_on_changes`` property paths.
        :param retain_on_delete: The ``retain_on_delete`` option.
        :param deleted_with: The URN of the ``deleted_with`` resource ("" for none).
        :param aliases: The aliases as sent by the SDK (``alias_pb2.Alias``: a URN or a spec).
        :param property_dependencies: Input name -> URNs its value came from.
        :param kwargs: The ``MockResourceArgs`` fields.
        """
        super().__init__(**kwargs)
        self.urn = urn
        self.parent = parent
        self.dependencies = dependencies
        self.delete_before_replace = delete_before_replace
        self.additional_secret_outputs = additional_secret_outputs
        self.protect = protect
        self.ignore_changes = list(ignore_changes or [])
        self.replace_on_changes = list(replace_on_changes or [])
        self.retain_on_delete = retain_on_delete
        self.deleted_with = deleted_with
        self.aliases = list(aliases or [])
        self.property_dependencies = {k: list(v) for k, v in (property_dependencies or {}).items()}


class _EngineMonitor(MockMonitor):
    """A MockMonitor that keeps unknowns, passes engine-level details and captures outputs."""

    def __init__(self, mocks: "EngineMocks") -> None:
        super().__init__(mocks)
        self.engine_mocks = mocks
        self.stack_urn = ""
        self.stack_outputs: dict[str, Any] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """Build the URN as the engine does: children of the root stack get no parent type."""
        return _make_urn(self.engine_mocks.stack_name, self.engine_mocks.project, parent, type_, name)

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
                delete_before_replace=(
                    request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None
                ),
                additional_secret_outputs=list(request.additionalSecretOutputs),
                protect=bool(request.protect),
                ignore_changes=list(request.ignoreChanges),
                replace_on_changes=list(request.replaceOnChanges),
                retain_on_delete=bool(request.retainOnDelete),
                deleted_with=request.deletedWith,
                aliases=[*request.aliases, *(_urn_alias(u) for u in request.aliasURNs)],
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
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


def _urn_alias(urn: str) -> Any:
    from pulumi.runtime.proto import alias_pb2

    return alias_pb2.Alias(urn=urn)


def _make_urn(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    """``resource.CreateURN``: the parent's qualified type prefixes the type, except the stack's."""
    if parent:
        parent_type = parent.split("::")[2]
        if parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


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


# -- ignore_changes and replace_on_changes property paths ------------------------------------------

_PATH_TOKEN = re.compile(r'\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.\[\]]+)')


def _parse_path(path: str) -> Optional[list[Union[str, int]]]:
    """``a.b["c.d"][0]`` -> ``["a", "b", "c.d", 0]`` (``resource.ParsePropertyPath``, no wildcards)."""
    parts: list[Union[str, int]] = []
    position = 0
    while position < len(path):
        match = _PATH_TOKEN.match(path, position)
        if match is None or match.end() == position:
            return None
        quoted, index, plain = match.groups()
        if plain == "*" or quoted == "*":
            return None
        parts.append(int(index) if index is not None else (quoted if quoted is not None else plain))
        position = match.end()
    return parts or None


def _lookup(value: Any, key: Union[str, int]) -> tuple[bool, Any]:
    if isinstance(key, int):
        if isinstance(value, list) and 0 <= key < len(value):
            return True, value[key]
        return False, None
    if isinstance(value, dict) and key in value:
        return True, value[key]
    return False, None


def _reset_path(path: list[Union[str, int]], old: Any, new: Any) -> bool:
    """Set ``new`` at ``path`` back to ``old``'s value (``PropertyPath.Reset``); False if impossible."""
    *parents, last = path
    for key in parents:
        has_old, old = _lookup(old, key)
        has_new, new = _lookup(new, key)
        if not (has_old and has_new):
            return not has_old and not has_new
    has_old, old_value = _lookup(old, last)
    has_new, _ = _lookup(new, last)
    if has_old:
        if isinstance(last, int) and not has_new:
            return False
        if not isinstance(new, (dict, list)):
            return False
        new[last] = copy.deepcopy(old_value)
    elif has_new:
        if isinstance(last, int):
            return False
        del new[last]
    return True


def process_ignore_changes(
    inputs: Mapping[str, Any], old_inputs: Mapping[str, Any], ignore_changes: Iterable[str]
) -> dict[str, Any]:
    """The inputs with every ignored path reset to its old value (``processIgnoreChanges``).

    :param inputs: The program's new inputs.
    :param old_inputs: The inputs in the state.
    :param ignore_changes: Property paths (``tags``, ``a.b``, ``a["b"]``, ``a[0]``).
    """
    ignored = copy.deepcopy(dict(inputs))
    invalid = []
    for ignore in ignore_changes:
        path = _parse_path(ignore)
        if path is None:
            continue
        if not _reset_path(path, dict(old_inputs), ignored):
            invalid.append(ignore)
    if invalid:
        _log.info("cannot ignore changes in added or removed elements of the path: %s", invalid)
    return ignored


def _apply_replace_on_changes(diff: DiffResult, replace_on_changes: list[str]) -> list[str]:
    """Replace keys after ``replace_on_changes`` (``applyReplaceOnChanges``).

    Only keys the provider reported as changed (``DiffResponse.diffs``) can become replacements;
    the Python dynamic provider reports none, so for dynamic resources this changes nothing.
    """
    paths = [p for p in (_parse_path(r) for r in replace_on_changes) if p is not None]
    keys = list(diff.replaces)
    for changed in diff.diffs:
        changed_path = _parse_path(changed) or [changed]
        if any(changed_path[: len(p)] == p for p in paths) and changed not in keys:
            keys.append(changed)
    return keys


# -- the snapshot, written step by step --------------------------------------------------------


class _Snapshot:
    """``SnapshotManager`` (``pkg/backend/snapshot.go``): base state + this run's results.

    Entries are identified by object identity, because an old and a new resource can share a URN
    (the old half of a create-before-delete replacement). Every mutation writes ``Stack.state``.
    """

    def __init__(self, base: StackState, write: Callable[[StackState], None]) -> None:
        self.base: list[tuple[str, ResourceState]] = [
            (urn, copy.deepcopy(r)) for urn, r in base.resources.items()
        ] + [(urn, copy.deepcopy(r)) for urn, r in base.pending_deletes]
        self.base_pending_creates = [
            copy.deepcopy(op) for op in base.pending_operations if op.type == "creating"
        ]
        self.news: list[tuple[str, ResourceState]] = []
        self.dones: set[int] = set()
        self.operations: dict[int, PendingOperation] = {}
        self.renamed: dict[str, str] = {}
        self.frozen = False
        self._write = write
        self._lock = threading.RLock()

    def olds(self) -> dict[str, ResourceState]:
        """Old resources by URN (not pending delete), as ``Deployment.Olds``."""
        return {urn: r for urn, r in self.base if not r.delete}

    def mutate(self, change: Callable[[], None]) -> None:
        with self._lock:
            change()
            if not self.frozen:
                self._write(self.snap())

    def begin(self, urn: str, kind: PendingOperationType, resource: ResourceState) -> None:
        """``markOperationPending``."""
        self.mutate(lambda: self.operations.__setitem__(id(resource), PendingOperation(urn, kind, resource)))

    def end(
        self,
        resource: ResourceState,
        done: Iterable[ResourceState] = (),
        new: Optional[tuple[str, ResourceState]] = None,
    ) -> None:
        """``markOperationComplete`` then ``markDone`` / ``markNew``."""

        def change() -> None:
            self.operations.pop(id(resource), None)
            self.dones.update(id(r) for r in done)
            if new is not None:
                self.news.append(new)

        self.mutate(change)

    def snap(self) -> StackState:
        """``SnapshotManager.Snap``: new resources, then base ones not done; pending operations of
        this run plus pending creates of the base."""
        with self._lock:
            entries = [(u, r) for u, r in self.news if id(r) not in self.dones]
            entries += [(u, r) for u, r in self.base if id(r) not in self.dones]
            resources: dict[str, ResourceState] = {}
            pending_deletes: list[tuple[str, ResourceState]] = []
            for urn, resource in entries:
                resource = self._renamed(resource)
                if resource.delete:
                    pending_deletes.append((urn, copy.deepcopy(resource)))
                else:
                    resources.setdefault(urn, copy.deepcopy(resource))
            operations = [copy.deepcopy(op) for op in self.operations.values()]
            operations += copy.deepcopy(self.base_pending_creates)
            return StackState(resources, pending_deletes=pending_deletes, pending_operations=operations)

    def _renamed(self, resource: ResourceState) -> ResourceState:
        if not self.renamed:
            return resource
        rename = self.renamed.get
        return replace(
            resource,
            parent=rename(resource.parent, resource.parent),
            dependencies=[rename(d, d) for d in resource.dependencies],
            deleted_with=rename(resource.deleted_with, resource.deleted_with),
        )


# -- one run of the engine ---------------------------------------------------------------------


@dataclass
class _Plan:
    """What step generation decided for one registration; ``steps`` run as one chain."""

    kind: OperationKind
    steps: list[Callable[[], None]] = field(default_factory=list)
    result: Callable[[], tuple[str, dict[str, Any]]] = lambda: ("", {})


class EngineMocks(Mocks):
    """``Mocks`` that play the engine for one run: dynamic resources go to the provider process."""

    def __init__(
        self,
        stack: "Stack",
        preview: bool,
        call_handler: Optional[Callable[[MockCallArgs], dict[str, Any]]] = None,
        *,
        interrupt: Optional[Interrupt] = None,
        replace_targets: Iterable[str] = (),
    ) -> None:
        """
        :param stack: The stack being deployed (config, saved state, provider process).
        :param preview: True for ``preview``: no Create/Update/Delete calls.
        :param call_handler: Answers invokes; by default every invoke returns ``{}``.
        :param interrupt: Called as each step's provider call returns; True kills the run there.
        :param replace_targets: URNs to replace (``--replace``), all in the saved state.
        """
        self._stack = stack
        self.project = stack.project
        self.stack_name = stack.stack
        self._preview = preview
        self._call_handler = call_handler
        self._interrupt = interrupt
        self._replace_targets = frozenset(replace_targets)
        self._lock = threading.Lock()
        self.old_state = stack.state
        self.snapshot = _Snapshot(stack.state, stack._write_state)
        self.new_state: dict[str, ResourceState] = {}
        self.operations: dict[str, Operation] = {}
        self.replaced_olds: list[tuple[str, ResourceState]] = []
        self.errors: list[BaseException] = []
        self.preview_errors: list[BaseException] = []
        self.interrupted: Optional[DeploymentInterrupted] = None
        self.deleting: set[str] = set()
        self._recreating: dict[str, list[str]] = {}
        self._aliases: dict[str, str] = {}
        self._aliased: dict[str, str] = {}
        self._generator = ThreadPoolExecutor(1, thread_name_prefix="pulumi-step-generator")
        self._executor = ThreadPoolExecutor(stack.parallel, thread_name_prefix="pulumi-step")

    def close(self) -> None:
        """Stop the step-generation and step-executor threads (after the run)."""
        self._generator.shutdown(wait=True)
        self._executor.shutdown(wait=True)

    @property
    def failed(self) -> bool:
        """True once a step failed or the run was killed: no new step starts."""
        return bool(self.errors) or self.interrupted is not None

    def is_reported(self, error: BaseException) -> bool:
        """True for failures already reported (and their echoes in the program)."""
        return isinstance(error, (_Cancelled, DeploymentInterrupted)) or any(
            error is e for e in [*self.errors, *self.preview_errors]
        )

    def call(self, args: MockCallArgs) -> tuple[dict, Optional[list[tuple[str, str]]]]:
        """Answer an invoke with ``call_handler`` (``{}`` when there is none)."""
        return (self._call_handler(args) if self._call_handler else {}), None

    def new_resource(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        """Register one resource: step generation on the single loop, then its steps in the pool."""
        if not isinstance(args, EngineResourceArgs):
            raise TypeError("EngineMocks needs the engine monitor of testing.program.Stack")
        if self.failed:
            raise _Cancelled(f"{args.urn}: not registered, the deployment already failed")
        plan = self._generator.submit(self._generate_guarded, args).result()
        if plan.steps and not self._preview:
            self._executor.submit(self._execute_chain, args.urn, plan.steps).result()
        return plan.result()

    def component_outputs(self, urn: str, outputs: dict[str, Any]) -> None:
        """Store outputs a component registered with ``register_outputs``."""
        with self._lock:
            if urn in self.new_state:
                self.new_state[urn].outputs = outputs
        self.snapshot.mutate(lambda: None)

    def fail(self, error: BaseException) -> None:
        """Record a root-cause failure once; the run is cancelled from now on."""
        with self._lock:
            if not self.is_reported(error):
                self.errors.append(error)

    # -- step generation (one thread) ------------------------------------------------------

    def _generate_guarded(self, args: EngineResourceArgs) -> _Plan:
        if self.failed:
            raise _Cancelled(f"{args.urn}: not registered, the deployment already failed")
        try:
            return self._generate(args)
        except BaseException as error:
            self.fail(error)
            raise

    def _record(self, args: EngineResourceArgs, kind: OperationKind, state: ResourceState,
                replaced: Optional[list[str]] = None, delete_before_replace: bool = False) -> None:
        with self._lock:
            self.operations[args.urn] = Operation(
                args.urn, args.typ, kind, replaced or [], delete_before_replace
            )
            self.new_state[args.urn] = state

    def _new_state(self, args: EngineResourceArgs, id_: str, inputs: dict[str, Any],
                   outputs: dict[str, Any], secret_keys: list[str]) -> ResourceState:
        return ResourceState(
            type=args.typ,
            id=id_,
            custom=bool(args.custom),
            inputs=inputs,
            outputs=outputs,
            parent=args.parent,
            dependencies=list(args.dependencies),
            secret_keys=secret_keys,
            protect=args.protect,
            retain_on_delete=args.retain_on_delete,
            deleted_with=args.deleted_with,
            ignore_changes=list(args.ignore_changes),
            property_dependencies=dict(args.property_dependencies),
        )

    def _old_resource(self, args: EngineResourceArgs) -> Optional[ResourceState]:
        """``getOldResource``: by URN first, then by each alias."""
        olds = self.snapshot.olds()
        for candidate in [args.urn, *self._alias_urns(args)]:
            old = olds.get(candidate)
            if old is None:
                continue
            if candidate != args.urn:
                if candidate in self._aliased:
                    raise ValueError(
                        f"Duplicate resource alias '{candidate}' applied to resource with URN "
                        f"'{args.urn}' conflicting with resource with URN '{self._aliased[candidate]}'"
                    )
                self._aliased[candidate] = args.urn
                self._aliases[args.urn] = candidate
                self.snapshot.renamed[candidate] = args.urn
            return old
        return None

    def _alias_urns(self, args: EngineResourceArgs) -> list[str]:
        """``generateAliases``: the aliases given, plus those inherited from an aliased parent."""
        found: list[str] = []

        def add(urn: str) -> None:
            if urn not in found:
                found.append(urn)

        for alias in args.aliases:
            add(self._collapse_alias(args, alias))
        parent_alias = self._aliases.get(args.parent)
        if args.parent and parent_alias:
            parent_name = args.parent.split("::")[-1]
            add(self._inherited_child_alias(args.typ, args.name, parent_name, parent_alias))
            for alias in args.aliases:
                child = self._collapse_alias(args, alias)
                child_type = child.split("::")[2].split("$")[-1]
                add(self._inherited_child_alias(child_type, child.split("::")[-1], parent_name, parent_alias))
        return found

    def _collapse_alias(self, args: EngineResourceArgs, alias: Any) -> str:
        """``collapseAliasToUrn``."""
        if alias.urn:
            return str(alias.urn)
        spec = alias.spec
        parent = spec.parentUrn or args.parent
        if spec.parentUrn:
            parent = self._aliases.get(parent, parent)
        if spec.noParent or (parent and parent.split("::")[2] == STACK_TYPE):
            parent = ""
        return _make_urn(
            spec.stack or self.stack_name,
            spec.project or self.project,
            parent,
            spec.type or str(args.typ),
            spec.name or str(args.name),
        )

    def _inherited_child_alias(self, child_type: str, child_name: str, parent_name: str,
                               parent_alias: str) -> str:
        """``inheritedChildAlias``: a child named after its parent follows the parent's old name."""
        alias_name = child_name
        if child_name.startswith(parent_name):
            alias_name = parent_alias.split("::")[-1] + child_name[len(parent_name):]
        qualified = f"{parent_alias.split('::')[2]}${child_type}"
        return f"urn:pulumi:{self.stack_name}::{self.project}::{qualified}::{alias_name}"

    def _generate(self, args: EngineResourceArgs) -> _Plan:
        with self._lock:
            if args.urn in self.new_state:
                raise ValueError(f"duplicate resource URN {args.urn}")
        secret_keys = sorted(
            {k for k, v in args.inputs.items() if rpc.is_rpc_secret(v)}
            | set(args.additional_secret_outputs)
        )
        inputs = _unwrap(args.inputs)
        old = self._old_resource(args)
        if old is not None:
            inputs = process_ignore_changes(inputs, old.inputs, args.ignore_changes)
        if not args.custom:
            return self._component(args, inputs, old, secret_keys)
        if args.typ.startswith(DYNAMIC_TYPE_PREFIX):
            plan = self._dynamic(args, inputs, old, secret_keys)
        else:
            plan = self._mocked(args, inputs, old, secret_keys)
        inner = plan.result

        def wrapped() -> tuple[str, dict[str, Any]]:
            id_, outputs = inner()
            return id_, {k: rpc.wrap_rpc_secret(v) if k in secret_keys else v for k, v in outputs.items()}

        plan.result = wrapped
        return plan

    def _same(self, args: EngineResourceArgs, old: ResourceState, new: ResourceState) -> _Plan:
        """``SameStep``: the old state with the new options, saved at once."""
        self._record(args, "same", new)
        if not self._preview:
            self.snapshot.end(new, done=[old], new=(args.urn, new))
        return _Plan("same", result=lambda: (new.id, new.outputs))

    def _component(self, args: EngineResourceArgs, inputs: dict[str, Any],
                   old: Optional[ResourceState], secret_keys: list[str]) -> _Plan:
        new = self._new_state(args, "", inputs, dict(old.outputs) if old else {}, secret_keys)
        if old is not None:
            self._same(args, old, new)
        else:
            self._record(args, "create", new)
            if not self._preview:
                self.snapshot.end(new, new=(args.urn, new))
        return _Plan("same" if old else "create", result=lambda: ("", {}))

    def _check(self, proc: DynamicProviderProcess, urn: str, olds: dict, news: dict, seed: bytes) -> dict:
        result = proc.check(urn, olds, news, random_seed=seed)
        if result.failures:
            raise ResourceCheckError(urn, result.failures)
        return result.inputs

    def _dynamic(self, args: EngineResourceArgs, inputs: dict[str, Any],
                 old: Optional[ResourceState], secret_keys: list[str]) -> _Plan:
        """``generateResourceSteps`` → ``generateStepsFromDiff`` → ``continueStepsFromDiff``."""
        proc = self._stack.configured_provider()
        urn = args.urn
        recreating = urn in self._recreating
        # isTargetedReplace: --replace ignores the old state in Check and skips the provider's Diff.
        targeted = old is not None and urn in self._replace_targets
        # generateResourceSteps draws one random seed per registration, sent with each of its Checks.
        seed = secrets.token_bytes(32)
        news = self._check(proc, urn, old.inputs if old and not recreating and not targeted else {}, inputs, seed)
        if old is None:
            new = self._new_state(args, "", news, dict(news), secret_keys)
            self._record(args, "create", new)
            return _Plan("create", [lambda: self._create(urn, new)], lambda: (new.id, new.outputs))
        if recreating:
            # Deleted earlier in this run with a delete-before-replace dependency: it must be a
            # replacement (continueStepsFromImport, "Case 1: recreating").
            new = self._new_state(args, "", news, dict(news), secret_keys)
            self._record(args, "replace", new, self._recreating[urn], True)
            return _Plan("replace", [lambda: self._create(urn, new, old=old)], lambda: (new.id, new.outputs))

        if targeted:  # stepGenerator.diff: a replacement that blames the id
            diff = DiffResult("some", replaces=["id"])
        else:
            diff = proc.diff(urn, old.id, old.outputs, news, old_inputs=old.inputs)
        if diff.changes == "unknown":
            changed = process_ignore_changes(news, old.inputs, args.ignore_changes) != old.inputs
        else:
            changed = diff.changes == "some"
        replace_keys = _apply_replace_on_changes(diff, args.replace_on_changes) if changed else []
        if not changed and not old.pending_replacement:
            return self._same(args, old, self._new_state(args, old.id, news, old.outputs, secret_keys))
        if not replace_keys and not old.pending_replacement:
            new = self._new_state(args, old.id, news, dict(news), secret_keys)
            self._record(args, "update", new)
            return _Plan("update", [lambda: self._update(urn, old, new)], lambda: (new.id, new.outputs))

        if args.protect and old.protect:
            error = ResourceProtectedError(urn, _replace_protected_message(urn))
            if not self._preview:
                raise error
            # In preview the engine reports the error and goes on, so the whole plan is shown.
            with self._lock:
                self.preview_errors.append(error)
        if not targeted:  # continueStepsFromDiff: the defaults are recomputed for the replacement
            news = self._check(proc, urn, {}, inputs, seed)
        delete_first = diff.delete_before_replace
        if args.delete_before_replace is not None:
            delete_first = args.delete_before_replace
        new = self._new_state(args, "", news, dict(news), secret_keys)
        self._record(args, "replace", new, replace_keys, delete_first)
        result = lambda: (new.id, new.outputs)  # noqa: E731
        if delete_first:
            steps = []
            for dependent_urn, dependent, keys in reversed(self._dependent_replacements(urn, old)):
                if dependent.protect:
                    raise ResourceProtectedError(dependent_urn, (
                        f'unable to replace resource "{dependent_urn}" as part of replacing "{urn}" '
                        "as it is currently marked for protection. To unprotect the resource, "
                        "remove the `protect` flag from the resource in your Pulumi "
                        "program and run `pulumi up`, or use the command:\n"
                        f"`pulumi state unprotect '{dependent_urn}'`"
                    ))
                self._recreating[dependent_urn] = keys
                self.deleting.add(dependent_urn)
                steps.append(lambda u=dependent_urn, d=dependent: self._delete(
                    u, d, replacing=True, pending_replacement=True))
            if not old.pending_replacement:
                steps.append(lambda: self._delete(urn, old, replacing=True, pending_replacement=True))
            self.deleting.add(urn)
            return _Plan("replace", [*steps, lambda: self._create(urn, new, old=old)], result)
        with self._lock:
            self.replaced_olds.append((urn, old))
        return _Plan("replace", [lambda: self._create(urn, new, old=old, pending_delete=True)], result)

    def _dependent_replacements(
        self, root_urn: str, root: ResourceState
    ) -> list[tuple[str, ResourceState, list[str]]]:
        """Dependents a delete-before-replace of ``root`` replaces too, in dependency order.

        Follows ``calculateDependentReplacements``: walk the old state's transitive dependents
        of the root that the program has not registered yet; a dependent is replaced if it is
        ``deleted_with`` a replaced resource, or if the provider's Diff, with every input that
        came from a replaced resource made unknown, asks for a replacement.
        """
        registered = set(self.new_state)
        replace_set = {root_urn}
        dependents = {root_urn}
        found: list[tuple[str, ResourceState, list[str]]] = []
        for urn, state in self.snapshot.base:
            if state.delete or urn in registered or urn == root_urn or id(state) in self.snapshot.dones:
                continue
            edges = {*state.dependencies, state.deleted_with,
                     *(u for urns in state.property_dependencies.values() for u in urns)}
            if not edges & dependents:
                continue
            dependents.add(urn)
            replaces, keys = self._requires_replacement(urn, state, replace_set)
            if replaces:
                replace_set.add(urn)
                found.append((urn, state, keys))
        return found

    def _requires_replacement(
        self, urn: str, state: ResourceState, replace_set: set[str]
    ) -> tuple[bool, list[str]]:
        if not state.custom:
            return False, []
        if state.deleted_with and state.deleted_with in replace_set:
            return True, []
        inputs_for_diff = dict(state.inputs)
        touched = False
        for key in state.inputs:
            if set(state.property_dependencies.get(key, [])) & replace_set:
                inputs_for_diff[key] = UNKNOWN
                touched = True
        if not touched or not state.is_dynamic:
            return False, []
        diff = self._stack.configured_provider().diff(
            urn, state.id, state.outputs, inputs_for_diff, old_inputs=state.inputs)
        return bool(diff.replaces), list(diff.replaces)

    def _mocked(self, args: EngineResourceArgs, inputs: dict[str, Any],
                old: Optional[ResourceState], secret_keys: list[str]) -> _Plan:
        is_provider = args.typ.startswith("pulumi:providers:")
        if old is None:
            if self._preview and not is_provider:
                new = self._new_state(args, "", inputs, inputs, secret_keys)
                self._record(args, "create", new)
                return _Plan("create", result=lambda: ("", inputs))
            outputs = dict(inputs)
            if args.typ.startswith("aws:") and "arn" not in outputs:
                region = str(self._stack.config.get("aws:region", "us-east-1"))
                outputs["arn"] = _mock_arn(args.typ, args.name, region)
            new = self._new_state(args, f"{args.name}-id", inputs, outputs, secret_keys)
            self._record(args, "create", new)
            if not self._preview:
                self.snapshot.end(new, new=(args.urn, new))
            return _Plan("create", result=lambda: (new.id, outputs))
        if inputs == old.inputs:
            return self._same(args, old, self._new_state(args, old.id, inputs, old.outputs, secret_keys))
        new = self._new_state(args, old.id, inputs, {**old.outputs, **inputs}, secret_keys)
        self._record(args, "update", new)
        if not self._preview:
            self.snapshot.end(new, done=[old], new=(args.urn, new))
        return _Plan("update", result=lambda: (new.id, new.outputs))

    # -- steps (the step executor's workers) -----------------------------------------------

    def _execute_chain(self, urn: str, steps: list[Callable[[], None]]) -> None:
        """``stepExecutor.executeChain``: one step after the other; a failure cancels the run."""
        for step in steps:
            if self.failed:
                raise _Cancelled(f"{urn}: step not started, the deployment already failed")
            try:
                step()
            except BaseException as error:
                self.fail(error)
                raise

    def _provider_call(self, urn: str, kind: PendingOperationType, call: Callable[[], Any]) -> Any:
        """Run a provider call, then give the ``interrupt`` hook its chance to kill the run."""
        try:
            return call()
        finally:
            if self._interrupt is not None and self.interrupted is None and self._interrupt(urn, kind):
                self.interrupted = DeploymentInterrupted(urn, kind)
                self.snapshot.frozen = True
                raise self.interrupted

    def _create(self, urn: str, new: ResourceState, old: Optional[ResourceState] = None,
                pending_delete: bool = False) -> None:
        """``CreateStep.Apply`` + ``createSnapshotMutation.End``."""
        self.snapshot.begin(urn, "creating", new)
        try:
            created = self._provider_call(
                urn, "creating", lambda: self._stack.configured_provider().create(urn, new.inputs))
        except BaseException:
            self.snapshot.end(new)
            raise
        new.id, new.outputs = created.id, created.outputs

        def done() -> list[ResourceState]:
            if old is not None and pending_delete:
                old.delete = True
            return [old] if old is not None and old.pending_replacement else []

        self.snapshot.end(new, done=done(), new=(urn, new))

    def _update(self, urn: str, old: ResourceState, new: ResourceState) -> None:
        """``UpdateStep.Apply`` + ``updateSnapshotMutation.End``."""
        self.snapshot.begin(urn, "updating", new)
        try:
            updated = self._provider_call(urn, "updating", lambda: self._stack.configured_provider().update(
                urn, old.id, old.outputs, new.inputs, old_inputs=old.inputs))
        except BaseException:
            self.snapshot.end(new)
            raise
        new.outputs = updated.outputs
        self.snapshot.end(new, done=[old], new=(urn, new))

    def _delete(self, urn: str, old: ResourceState, *, replacing: bool,
                pending_replacement: bool = False) -> None:
        """``DeleteStep.Apply`` + ``deleteSnapshotMutation.End``."""
        if not replacing and old.protect:
            raise ResourceProtectedError(urn, _delete_protected_message(urn))
        self.snapshot.begin(urn, "deleting", old)
        calls_provider = (
            old.custom and old.is_dynamic and not old.retain_on_delete
            and not (old.deleted_with and old.deleted_with in self.deleting)
        )
        try:
            if calls_provider:
                self._provider_call(urn, "deleting", lambda: self._stack.configured_provider().delete(
                    urn, old.id, old.outputs, old_inputs=old.inputs))
        except BaseException:
            self.snapshot.end(old)
            raise
        if pending_replacement:
            old.pending_replacement = True
            self.snapshot.end(old)
        else:
            self.snapshot.end(old, done=[old])

    # -- after the program: deletes --------------------------------------------------------

    def delete_steps(self, urns_registered: Iterable[str]) -> list[tuple[str, ResourceState, bool]]:
        """``GenerateDeletes``: pending deletes, and old resources the program did not register.

        Returns (URN, old state, replacing) in the base order; resources pending replacement that
        were not registered are dropped from the state without a Delete
        (``RemovePendingReplaceStep``).
        """
        registered = set(urns_registered) | set(self._aliased)
        steps: list[tuple[str, ResourceState, bool]] = []
        for urn, old in self.snapshot.base:
            if id(old) in self.snapshot.dones:
                continue
            if old.delete:
                steps.append((urn, old, True))
                self.deleting.add(urn)
            elif urn not in registered:
                if old.pending_replacement:
                    self.snapshot.end(old, done=[old])
                    continue
                steps.append((urn, old, False))
                self.deleting.add(urn)
        return steps

    def run_deletes(self, steps: list[tuple[str, ResourceState, bool]]) -> None:
        """Delete level by level (``ScheduleDeletes``), each level in parallel; stop at a failure."""
        by_identity = {id(old): replacing for _, old, replacing in steps}
        for level in _deletion_levels([(urn, old) for urn, old, _ in steps]):
            futures = [
                self._executor.submit(
                    self._execute_chain, urn,
                    [lambda u=urn, o=old: self._delete(u, o, replacing=by_identity[id(o)])],
                )
                for urn, old in level
            ]
            for (urn, old), future in zip(level, futures):
                try:
                    future.result()
                except BaseException:  # noqa: BLE001 recorded once by fail()
                    continue
                with self._lock:
                    if by_identity[id(old)]:
                        # The old half of a replacement: the URN's operation is the replace.
                        self.operations.setdefault(urn, Operation(urn, old.type, "delete"))
                    else:
                        self.operations[urn] = Operation(urn, old.type, "delete")
            if self.failed:
                return


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
        parallel: Optional[int] = None,
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
        :param parallel: Create/Update/Delete/Read steps run at once (``pulumi up --parallel``);
            at least 1; default :func:`default_parallelism` (``PULUMI_PARALLEL`` or 4 × CPUs).
            The provider process itself serves at most 4 calls at a time.
        """
        if parallel is not None and parallel < 1:
            raise ValueError(f"parallel must be at least 1, got {parallel}")
        self.project = project
        self.stack = stack
        self.config: dict[str, str] = {
            key: value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            for key, value in config.items()
        }
        self.provider_process = provider_process
        self.state = state if state is not None else StackState()
        self.parallel = parallel if parallel is not None else default_parallelism()
        self.last_result: Optional[RunResult] = None
        """The result of the last run, failed runs included (their ``errors`` list each failure)."""
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

    def _replace_targets(self, replace: Iterable[str]) -> list[str]:
        """URNs of ``replace`` (URNs or unique names); unknown ones fail as ``checkTargets`` does."""
        if isinstance(replace, str):
            raise TypeError("replace takes a list of URNs or resource names, not one string")
        urns = []
        for target in replace:
            if target.startswith("urn:pulumi:"):
                if target not in self.state:
                    raise KeyError(f"replace target {target} could not be found in the stack")
                urns.append(target)
            else:
                urns.append(self.state.find(target)[0])
        return urns

    def _write_state(self, state: StackState) -> None:
        self.state = state

    def preview(self, program: Program, *, replace: Iterable[str] = ()) -> RunResult:
        """Run ``program`` as ``pulumi preview``: Check/Diff only; the state is unchanged.

        :param program: A function declaring resources (may return an awaitable).
        :param replace: Resources to replace even if nothing changed, as ``--replace``: URNs or
            resource names (the last URN segment, unique in the state).
        """
        saved = self.state
        mocks = EngineMocks(self, True, self._call_handler, replace_targets=self._replace_targets(replace))
        mocks.snapshot.frozen = True
        try:
            outputs, program_error = self._run_program(program, mocks, preview=True)
        finally:
            mocks.close()
            self.state = saved
        for urn, old in mocks.snapshot.base:
            if old.delete or (urn not in mocks.new_state and urn not in mocks._aliased):
                mocks.operations.setdefault(urn, Operation(urn, old.type, "delete"))
        return self._finish(mocks, outputs, program_error, [])

    def up(self, program: Program, *, interrupt: Optional[Interrupt] = None, replace: Iterable[str] = ()) -> RunResult:
        """Run ``program`` as ``pulumi up``; the state is saved after every step.

        :param program: A function declaring resources (may return an awaitable).
        :param replace: Resources to replace even if nothing changed, as ``pulumi up --replace``:
            URNs or resource names (the last URN segment, unique in the state). As in the engine
            (``isTargetedReplace``), such a resource is checked with no olds, its provider's Diff
            is not called, and it is replaced once, create-before-delete unless the provider's
            or the program's ``delete_before_replace`` says otherwise (without a Diff, only the
            program's option can).
        :param interrupt: Simulates killing the CLI: called as ``interrupt(urn, operation)`` when
            a Create, Update or Delete provider call returns (``operation`` is ``creating``,
            ``updating`` or ``deleting``). Returning True kills the run there: the call's result
            is lost (the cloud has the change, the state does not), the pending operation stays
            in :attr:`state`, nothing else is saved, and ``up`` raises
            :class:`DeploymentInterrupted`.
        """
        warnings = []
        if self.state.pending_operations:
            warnings.append(pending_operations_warning(self.state.pending_operations))
            _log.warning(warnings[-1])
        mocks = EngineMocks(self, False, self._call_handler, interrupt=interrupt,
                            replace_targets=self._replace_targets(replace))
        try:
            outputs, program_error = self._run_program(program, mocks, preview=False)
            if not mocks.failed and program_error is None:
                mocks.run_deletes(mocks.delete_steps(mocks.new_state))
        finally:
            mocks.close()
        if not mocks.snapshot.frozen:
            self.state = mocks.snapshot.snap()
        return self._finish(mocks, outputs, program_error, warnings)

    def _finish(self, mocks: EngineMocks, outputs: dict[str, Any],
                program_error: Optional[BaseException], warnings: list[str]) -> RunResult:
        errors: list[BaseException] = [*mocks.errors, *mocks.preview_errors]
        if mocks.interrupted is not None:
            errors.insert(0, mocks.interrupted)
        if program_error is not None and not errors:
            errors.append(program_error)
        result = RunResult(dict(mocks.operations), outputs, warnings, [str(e) for e in errors])
        self.last_result = result
        if errors:
            first = errors[0]
            for other in errors[1:]:
                first.add_note(f"also failed: {other}")
            raise first
        return result

    def refresh(self, *, clear_pending_creates: bool = True) -> RunResult:
        """Read every dynamic resource back, then Diff to show what changed.

        Follows ``RefreshStep.Apply`` and ``RefreshStep.ResultOp``: Read(id, outputs, inputs);
        an empty id drops the resource (and references to it); returned inputs replace the saved
        inputs; then Diff(refreshed outputs as olds, old inputs as news) decides ``same`` or
        ``update``. Resources pending replacement are not read. Reads run in parallel.

        :param clear_pending_creates: Drop pending ``creating`` operations of a killed run (what
            an interactive ``pulumi refresh`` offers, or ``--clear-pending-creates``); False keeps
            them (``--skip-pending-creates``). Other pending operations are always cleared.
        """
        entries = [(u, r) for u, r in self.state.resources.items()] + list(self.state.pending_deletes)
        operations: dict[str, Operation] = {}
        errors: list[BaseException] = []

        def refresh_one(urn: str, resource: ResourceState) -> Optional[ResourceState]:
            if errors:
                return resource  # the step executor was cancelled: this Read never starts
            if not resource.is_dynamic or not resource.custom or resource.pending_replacement:
                operations.setdefault(urn, Operation(urn, resource.type, "same"))
                return resource
            provider = self.configured_provider()
            result = provider.read(urn, resource.id, resource.outputs, resource.inputs)
            if not result.id:
                operations[urn] = Operation(urn, resource.type, "delete")
                return None
            inputs = result.inputs if result.inputs is not None else resource.inputs
            diff = provider.diff(urn, result.id, result.outputs, resource.inputs, old_inputs=inputs)
            if diff.changes == "unknown":
                changed = process_ignore_changes(resource.inputs, inputs, resource.ignore_changes) != inputs
            else:
                changed = diff.changes == "some"
            operations[urn] = Operation(urn, resource.type, "update" if changed else "same")
            return replace(resource, id=result.id, outputs=result.outputs, inputs=inputs)

        def guarded(urn: str, resource: ResourceState) -> Optional[ResourceState]:
            try:
                return refresh_one(urn, resource)
            except BaseException as error:  # noqa: BLE001 raised after the state is rebuilt
                errors.append(error)
                return resource

        # deploymentExecutor.refresh: all reads in parallel, then rebuildBaseState keeps every
        # completed read even when another one failed; the failure is raised afterwards.
        with ThreadPoolExecutor(self.parallel, thread_name_prefix="pulumi-refresh") as pool:
            refreshed = list(pool.map(lambda entry: guarded(*entry), entries))
        gone = {urn for (urn, _), new in zip(entries, refreshed) if new is None}
        kept: dict[str, ResourceState] = {}
        pending_deletes: list[tuple[str, ResourceState]] = []
        for (urn, _), new in zip(entries, refreshed):
            if new is None:
                continue
            new.dependencies = [d for d in new.dependencies if d not in gone]
            new.deleted_with = "" if new.deleted_with in gone else new.deleted_with
            if new.delete:
                pending_deletes.append((urn, new))
            else:
                kept[urn] = new
        creates = [op for op in self.state.pending_operations if op.type == "creating"]
        self.state = StackState(
            kept, pending_deletes=pending_deletes,
            pending_operations=[] if clear_pending_creates else creates,
        )
        ordered = {urn: operations[urn] for urn, _ in entries if urn in operations}
        self.last_result = RunResult(ordered, {}, errors=[str(e) for e in errors])
        if errors:
            for other in errors[1:]:
                errors[0].add_note(f"also failed: {other}")
            raise errors[0]
        return self.last_result

    def destroy(self) -> RunResult:
        """Delete every resource, dependents and children first; the state ends empty.

        A protected resource fails the run with the engine's message; ``retain_on_delete`` and
        ``deleted_with`` resources leave the state without a provider Delete.
        """
        mocks = EngineMocks(self, False, self._call_handler)
        try:
            steps = [(urn, old, old.delete) for urn, old in mocks.snapshot.base]
            mocks.deleting.update(urn for urn, _, _ in steps)
            mocks.run_deletes(steps)
        finally:
            mocks.close()
        self.state = mocks.snapshot.snap()
        return self._finish(mocks, {}, None, [])

    def _run_program(
        self, program: Program, mocks: EngineMocks, preview: bool
    ) -> tuple[dict[str, Any], Optional[BaseException]]:
        """Run the program in a fresh thread; return its stack outputs and its own failure."""
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
        program_error = failure[0] if failure else None
        if program_error is not None and mocks.is_reported(program_error):
            program_error = None
        return monitor.stack_outputs, program_error

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

        def quiet_reported_failures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            # A failed registration fails every output future of the resource; the failure is
            # reported once by the run, not again as "Future exception was never retrieved".
            error = context.get("exception")
            if error is not None and (mocks.is_reported(error) or mocks.failed):
                return
            loop.default_exception_handler(context)

        runner = asyncio.Runner()
        try:
            loop = runner.get_loop()
            loop.set_exception_handler(quiet_reported_failures)
            loop.set_default_executor(
                ThreadPoolExecutor(_REGISTRATION_THREADS, thread_name_prefix="pulumi-registration")
            )
            # The runner also cancels the tasks the SDK leaves pending (outputs nobody awaited).
            runner.run(run_in_stack(program))
        finally:
            runner.close()
            # Finalize this run's garbage (tasks, loops, failed futures) now, in this thread, while
            # the loop's handler is set: finalizers that log from inside some later ast.parse trip
            # CPython 3.11's AST recursion-depth check.
            gc.collect()


_ROOT_PLACEHOLDER = object()
