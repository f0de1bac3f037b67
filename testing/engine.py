"""Drive the real Pulumi dynamic-provider process the way the Pulumi engine drives it.

The Pulumi CLI is not available in the test environment, so this module plays the engine's part
against the *real* provider process: it starts ``python -u -m pulumi.dynamic`` (the program the
engine runs as ``pulumi-resource-pulumi-python``), reads the gRPC port from its first stdout line
and calls it through the SDK's own stubs. Property maps are marshalled with the SDK's own
``rpc.serialize_properties`` / ``rpc.deserialize_properties(keep_unknowns=True)`` into
``google.protobuf.Struct``, so everything a real deployment exercises is exercised here: pickling
of ``__provider`` by the SDK's serializer, unpickling in another process, ``configure`` with stack
config, numbers travelling as doubles (``42`` arrives as ``42.0``; nothing here converts them back)
and preview-time unknowns.

Engine behaviours reproduced on purpose:

- ``configure`` sends every stack config key namespaced (``aws:region``) with string values, in
  ``ConfigureRequest.args`` (what the dynamic provider reads) and ``variables``.
- The dynamic provider answers Configure with ``acceptSecrets: False``, so secret values are sent
  unwrapped, as the engine does for such providers.
- It also answers ``supportsPreview: False``: for ``create``/``update`` with ``preview=True`` the
  engine does not call the provider at all and uses the checked inputs as the new state; this
  harness does the same (the provider would otherwise really create, since it ignores the flag).

The harness never unpickles anything itself: only the subprocess does.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal, Optional

import grpc
from google.protobuf import struct_pb2

from pulumi.dynamic.dynamic import ResourceProvider, serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "CheckFailure",
    "CheckResult",
    "ConfigureResult",
    "CreateResult",
    "DiffResult",
    "DynamicProviderProcess",
    "ProviderError",
    "ProviderStartError",
    "ReadResult",
    "UpdateResult",
    "serialized_provider",
    "with_provider",
]

PROVIDER_KEY = "__provider"
"""The input property under which ``pulumi.dynamic.Resource`` stores the pickled provider."""

UNKNOWN: Unknown = Unknown()
"""A preview-time unknown to put in property dicts (``rpc.UNKNOWN``, the wire string, works too)."""

DYNAMIC_PROVIDER_PACKAGE = "pulumi-python"
"""The package name the engine uses for the Python dynamic provider plugin."""

_MAX_CONCURRENT_PROVIDER_CALLS = 4


class ProviderStartError(RuntimeError):
    """The provider process exited or stayed silent instead of printing its gRPC port."""


class ProviderError(Exception):
    """A provider RPC failed; ``details`` holds the gRPC status text the user would see.

    For an exception raised in a provider method that text is the full Python traceback,
    including the exception's message.
    """

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        """
        :param method: The RPC that failed (``Create``, ``Check``...).
        :param code: The gRPC status code returned by the provider process.
        :param details: The gRPC status details text.
        """
        super().__init__(f"{method} failed with {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details

    @property
    def message(self) -> str:
        """The last line of ``details``: for a provider exception, ``Type: message``."""
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


@dataclass(frozen=True)
class CheckFailure:
    """One input rejected by ``check``."""

    property: str
    reason: str


@dataclass(frozen=True)
class ConfigureResult:
    """The provider's answer to Configure (protocol capabilities)."""

    accept_secrets: bool
    supports_preview: bool
    accept_resources: bool
    accept_outputs: bool


@dataclass(frozen=True)
class CheckResult:
    """Checked inputs (may contain ``Unknown``) and validation failures."""

    inputs: dict[str, Any]
    failures: list[CheckFailure] = field(default_factory=list)


@dataclass(frozen=True)
class DiffResult:
    """The provider's diff decision."""

    changes: Literal["none", "some", "unknown"]
    replaces: list[str] = field(default_factory=list)
    stables: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    diffs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CreateResult:
    """The new resource's id and output properties (``__provider`` included)."""

    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class ReadResult:
    """What ``read`` found: an empty ``id`` means the resource is gone.

    ``inputs`` is None when the provider did not return inputs (saved inputs stay unchanged).
    """

    id: str
    outputs: dict[str, Any]
    inputs: Optional[dict[str, Any]]


@dataclass(frozen=True)
class UpdateResult:
    """The updated resource's output properties (``__provider`` included)."""

    outputs: dict[str, Any]


_DIFF_CHANGES: dict[int, Literal["none", "some", "unknown"]] = {
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


def serialized_provider(provider: ResourceProvider) -> str:
    """Return the ``__provider`` value the SDK would store for ``provider``.

    Uses the SDK's own serializer (``dill`` with ``recurse=True``, base64): a class defined in
    an importable module is pickled by reference, one from ``__main__`` or a function body by value.

    :param provider: The provider instance that a ``pulumi.dynamic.Resource`` would be given.
    """
    return serialize_provider(provider)


def with_provider(props: Mapping[str, Any], provider: ResourceProvider | str) -> dict[str, Any]:
    """Return a copy of ``props`` with ``__provider`` set, as ``pulumi.dynamic.Resource`` does.

    :param props: The resource's input properties.
    :param provider: A provider instance, or a string already made by :func:`serialized_provider`.
    """
    blob = provider if isinstance(provider, str) else serialized_provider(provider)
    return {**props, PROVIDER_KEY: blob}


def _strip_secrets(value: Any) -> Any:
    """Unwrap secret markers recursively: the dynamic provider does not accept secrets."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _strip_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strip_secrets(v) for v in value]
    return value


def _to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Marshal a property dict with the SDK's serializer, in a private event loop."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(_strip_secrets(dict(props)), {}))
    finally:
        loop.close()


def _from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Unmarshal a Struct as the engine sees it: unknowns kept, secrets unwrapped."""
    return _strip_secrets(rpc.deserialize_properties(struct, keep_unknowns=True))


def _resource_fields(urn: str) -> dict[str, str]:
    """The ``urn``, ``name`` and ``type`` fields a provider request names its resource with, the last
    two split from ``urn:pulumi:stack::project::parent$type::name`` (empty if the URN is not one)."""
    parts = urn.split("::")
    if len(parts) < 4:
        return {"urn": urn, "name": "", "type": ""}
    return {"urn": urn, "name": parts[3], "type": parts[2].split("$")[-1]}


class DynamicProviderProcess:
    """The ``python -u -m pulumi.dynamic`` provider process and a gRPC client for it.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). All RPC methods are safe to
    call from several threads at once; the provider serves at most 4 calls at a time, as under the
    real engine.
    """

    def __init__(
        self,
        *,
        cwd: Optional[str | os.PathLike[str]] = None,
        env: Optional[Mapping[str, str]] = None,
        project: Optional[str] = None,
        python: str = sys.executable,
        startup_timeout: float = 30.0,
        call_timeout: Optional[float] = 120.0,
    ) -> None:
        """
        :param cwd: Working directory of the provider (the engine uses the project directory).
        :param env: Environment of the provider process; defaults to this process's environment.
            Put the directory of the provider's module on ``PYTHONPATH`` here so the subprocess
            can import a provider pickled by reference.
        :param project: If given, exported as ``PULUMI_PROJECT``, which the dynamic provider uses
            as the namespace for un-namespaced keys in ``ConfigureRequest.config.get``.
        :param python: The interpreter to run (the program's virtualenv interpreter).
        :param startup_timeout: Seconds to wait for the port line and the gRPC channel.
        :param call_timeout: Deadline in seconds for each RPC (None: wait forever).
        """
        self._cwd = None if cwd is None else os.fspath(cwd)
        self._env = dict(os.environ if env is None else env)
        if project is not None:
            self._env["PULUMI_PROJECT"] = project
        self._python = python
        self._startup_timeout = startup_timeout
        self._call_timeout = call_timeout
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._channel: Optional[grpc.Channel] = None
        self._stub: Optional[provider_pb2_grpc.ResourceProviderStub] = None
        self._port: Optional[int] = None
        self._stderr_chunks: list[str] = []
        self._stdout_lines: list[str] = []
        self._output_lock = threading.Lock()
        self._drainers: list[threading.Thread] = []
        self._configured: Optional[dict[str, str]] = None
        self._configure_result: Optional[ConfigureResult] = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "DynamicProviderProcess":
        """Start the process, read its port and connect. Raises :class:`ProviderStartError`."""
        if self._process is not None:
            raise RuntimeError("provider process already started")
        self._process = subprocess.Popen(
            [self._python, "-u", "-m", "pulumi.dynamic"],
            cwd=self._cwd,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._drain(self._process.stderr, self._stderr_chunks, "stderr")
        first_line: "queue.Queue[str]" = queue.Queue(maxsize=1)
        self._drain(self._process.stdout, self._stdout_lines, "stdout", first_line)
        try:
            line = first_line.get(timeout=self._startup_timeout)
        except queue.Empty:
            line = ""
        try:
            self._port = int(line.strip())
        except ValueError:
            self.stop()
            raise ProviderStartError(
                f"the provider process did not print a gRPC port within {self._startup_timeout}s "
                f"(first stdout line: {line!r}, exit code: {self.returncode}); "
                f"stderr:\n{self.stderr}"
            ) from None
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self._port}")
        try:
            grpc.channel_ready_future(self._channel).result(timeout=self._startup_timeout)
        except grpc.FutureTimeoutError:
            self.stop()
            raise ProviderStartError(
                f"could not connect to the provider on port {self._port}; stderr:\n{self.stderr}"
            ) from None
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def _drain(
        self,
        pipe: IO[bytes],
        sink: list[str],
        name: str,
        first_line: Optional["queue.Queue[str]"] = None,
    ) -> None:
        """Read ``pipe`` in a daemon thread so the child never blocks on a full pipe."""

        def run() -> None:
            for index, raw in enumerate(iter(pipe.readline, b"")):
                text = raw.decode("utf-8", errors="replace")
                if index == 0 and first_line is not None:
                    first_line.put(text)
                    continue
                with self._output_lock:
                    sink.append(text)
            if first_line is not None and first_line.empty():
                first_line.put("")

        thread = threading.Thread(target=run, name=f"dynamic-provider-{name}", daemon=True)
        thread.start()
        self._drainers.append(thread)

    def stop(self) -> None:
        """Close the channel, kill the process and collect the rest of its output."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._process is not None:
            self._process.wait(timeout=10)
        for thread in self._drainers:
            thread.join(timeout=5)
        if self._process is not None:
            for pipe in (self._process.stdout, self._process.stderr):
                if pipe is not None:
                    pipe.close()

    def __enter__(self) -> "DynamicProviderProcess":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The gRPC port the provider printed."""
        if self._port is None:
            raise RuntimeError("provider process not started")
        return self._port

    @property
    def pid(self) -> int:
        """The provider process id."""
        if self._process is None:
            raise RuntimeError("provider process not started")
        return self._process.pid

    @property
    def returncode(self) -> Optional[int]:
        """The exit code once the process has ended, else None."""
        return None if self._process is None else self._process.poll()

    @property
    def stderr(self) -> str:
        """Everything the provider wrote to stderr so far (tracebacks, progress lines)."""
        with self._output_lock:
            return "".join(self._stderr_chunks)

    def wait_for_stderr(self, text: str, timeout: float = 10.0) -> str:
        """:attr:`stderr` once it holds ``text`` (a line the provider wrote during a call may reach
        this process after the call's answer); after ``timeout`` seconds, whatever it holds."""
        deadline = time.monotonic() + timeout
        while text not in (seen := self.stderr) and time.monotonic() < deadline:
            time.sleep(0.02)
        return seen

    @property
    def stdout(self) -> str:
        """What the provider printed on stdout after the port line (e.g. ``print`` calls)."""
        with self._output_lock:
            return "".join(self._stdout_lines)

    @property
    def configured_with(self) -> Optional[dict[str, str]]:
        """The stack config last sent with :meth:`configure`, or None before the first call."""
        return None if self._configured is None else dict(self._configured)

    # -- RPCs ------------------------------------------------------------------------------

    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise RuntimeError("provider process not started")
        try:
            return getattr(self._stub, method)(request, timeout=self._call_timeout)
        except grpc.RpcError as error:
            raise ProviderError(method, error.code(), error.details() or "") from None

    def configure(self, config: Mapping[str, Any]) -> ConfigureResult:
        """Send Configure with the whole stack config, as the engine does for the dynamic provider.

        :param config: Stack config with namespaced keys (``aws:region``). String values are sent
            as they are; any other value (e.g. ``{"tags": {...}}`` for ``aws:defaultTags``) is sent
            as its JSON text, which is how stack config reaches the provider.
        """
        as_text = {
            key: value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            for key, value in config.items()
        }
        request = provider_pb2.ConfigureRequest(
            # The engine passes variables under the legacy "<package>:config:<key>" spelling.
            variables={f"{DYNAMIC_PROVIDER_PACKAGE}:config:{k}": v for k, v in as_text.items()},
            args=_to_struct(as_text),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        response = self._call("Configure", request)
        self._configured = as_text
        self._configure_result = ConfigureResult(
            accept_secrets=response.acceptSecrets,
            supports_preview=response.supportsPreview,
            accept_resources=response.acceptResources,
            accept_outputs=response.acceptOutputs,
        )
        return self._configure_result

    def check(
        self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any], random_seed: Optional[bytes] = None
    ) -> CheckResult:
        """Validate new inputs.

        :param urn: The resource URN.
        :param olds: The previous *inputs* from state (``{}`` for a new resource).
        :param news: The new inputs from the program, ``__provider`` included; may hold unknowns.
        :param random_seed: The request's ``randomSeed``; default: 32 new random bytes. The
            engine draws one per resource registration and sends it with every Check of that
            registration (the re-Check of a replacement included).
        """
        response = self._call(
            "Check",
            provider_pb2.CheckRequest(
                **_resource_fields(urn),
                olds=_to_struct(olds),
                news=_to_struct(news),
                randomSeed=secrets.token_bytes(32) if random_seed is None else random_seed,
            ),
        )
        return CheckResult(
            inputs=_from_struct(response.inputs),
            failures=[CheckFailure(f.property, f.reason) for f in response.failures],
        )

    def diff(
        self,
        urn: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Optional[Mapping[str, Any]] = None,
    ) -> DiffResult:
        """Compare saved state to new checked inputs.

        :param urn: The resource URN.
        :param id: The resource id.
        :param olds: The previous *outputs* (the engine sends outputs here).
        :param news: The checked new inputs; may hold unknowns.
        :param old_inputs: The previous inputs (sent in ``old_inputs``; the dynamic provider
            ignores it).
        """
        response = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id,
                **_resource_fields(urn),
                olds=_to_struct(olds),
                news=_to_struct(news),
                old_inputs=_to_struct(old_inputs or {}),
            ),
        )
        return DiffResult(
            changes=_DIFF_CHANGES[response.changes],
            replaces=list(response.replaces),
            stables=list(response.stables),
            delete_before_replace=response.deleteBeforeReplace,
            diffs=list(response.diffs),
        )

    def _provider_previews(self) -> bool:
        return self._configure_result is not None and self._configure_result.supports_preview

    def create(self, urn: str, props: Mapping[str, Any], preview: bool = False) -> CreateResult:
        """Create a resource.

        :param urn: The resource URN.
        :param props: The checked inputs, ``__provider`` included.
        :param preview: Engine semantics: the dynamic provider does not support previews, so
            nothing is sent and the result is ``CreateResult("", props)``.
        """
        if preview and not self._provider_previews():
            return CreateResult(id="", outputs=dict(props))
        response = self._call(
            "Create", provider_pb2.CreateRequest(**_resource_fields(urn), properties=_to_struct(props), preview=preview)
        )
        return CreateResult(id=response.id, outputs=_from_struct(response.properties))

    def read(
        self,
        urn: str,
        id: str,
        props: Mapping[str, Any],
        inputs: Optional[Mapping[str, Any]] = None,
    ) -> ReadResult:
        """Read the live state of a resource, as ``pulumi refresh`` does.

        :param urn: The resource URN.
        :param id: The resource id.
        :param props: The saved *outputs* (``__provider`` included).
        :param inputs: The saved inputs, if any.
        """
        request = provider_pb2.ReadRequest(id=id, **_resource_fields(urn), properties=_to_struct(props))
        if inputs is not None:
            request.inputs.CopyFrom(_to_struct(inputs))
        response = self._call("Read", request)
        return ReadResult(
            id=response.id,
            outputs=_from_struct(response.properties),
            inputs=_from_struct(response.inputs) if response.HasField("inputs") else None,
        )

    def update(
        self,
        urn: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        preview: bool = False,
        old_inputs: Optional[Mapping[str, Any]] = None,
    ) -> UpdateResult:
        """Update a resource in place.

        :param urn: The resource URN.
        :param id: The resource id.
        :param olds: The previous *outputs*.
        :param news: The checked new inputs, ``__provider`` included.
        :param preview: Engine semantics: not sent to the provider; returns ``UpdateResult(news)``.
        :param old_inputs: The previous inputs (sent in ``old_inputs``).
        """
        if preview and not self._provider_previews():
            return UpdateResult(outputs=dict(news))
        response = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id,
                **_resource_fields(urn),
                olds=_to_struct(olds),
                news=_to_struct(news),
                preview=preview,
                old_inputs=_to_struct(old_inputs or {}),
            ),
        )
        return UpdateResult(outputs=_from_struct(response.properties))

    def delete(
        self,
        urn: str,
        id: str,
        props: Mapping[str, Any],
        old_inputs: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Delete a resource.

        :param urn: The resource URN.
        :param id: The resource id.
        :param props: The saved *outputs* (``__provider`` included).
        :param old_inputs: The saved inputs (sent in ``old_inputs``).
        """
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id,
                **_resource_fields(urn),
                properties=_to_struct(props),
                old_inputs=_to_struct(old_inputs or {}),
            ),
        )
