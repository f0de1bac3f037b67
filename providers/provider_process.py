"""The dynamic provider process: enough gRPC workers for long waits, a stop signal for them, and
the engine's Check request (URN, random seed) that the SDK does not pass to ``check``.

The engine runs one ``python -u -m pulumi.dynamic`` process per deployment for every dynamic
resource. It serves gRPC from ``grpc.server(futures.ThreadPoolExecutor(max_workers=4))``
(``pulumi/dynamic/__main__.py``, SDK 3.272), and each call holds its worker until it returns. A
custom model deployment or provisioned throughput create holds one for its whole wait (up to
an hour), so four waits leave nothing for a fifth create, nor for the Check and Diff the engine
runs on its single step-generation loop: the whole deployment stalls, and the SDK cancels a
request that has been queued for 30 minutes.

:func:`serve_concurrently` is started explicitly by the providers' ``configure``
(:class:`.base.BedrockProvider`), which the SDK calls in the worker serving the first call of each
provider it deserializes; it acts once per process. It finds the executor behind that worker,
raises its limit to :data:`WORKERS_ENV` (default :data:`DEFAULT_WORKERS`) and starts workers for
calls already queued. From then on every call gets a thread at once.

Why this is safe:

- ``ThreadPoolExecutor.submit`` starts a thread only when no worker is idle and fewer than
  ``_max_workers`` exist; idle workers block on the queue. The limit is a ceiling, not a pool:
  threads exist only while calls need them, and the engine bounds how many steps run at once
  (``--parallel``).
- gRPC's sync server gives each RPC to ``thread_pool.submit`` and has no
  ``maximum_concurrent_rpcs`` here; nothing else in the server depends on the pool size.
- The providers are stateless (``base.py``); boto3 clients are thread-safe, cached under a lock,
  with a connection pool sized for this many callers (``client.py``); the SDK deserializes a
  provider under its own lock. A waiting thread sleeps or blocks on a socket without the GIL,
  so a Check runs at once.

It relies on internals of CPython's ``concurrent.futures.thread`` (a worker thread's
``_target``/``_args``, the executor's ``_max_workers``, ``_work_queue``, ``_shutdown_lock``,
``_adjust_thread_count``), on ``threading._register_atexit``, on grpc's ``_ServerState``
(``thread_pool``, ``generic_handlers``) and on the SDK serving from such an executor.
``tests/unit/test_provider_process.py`` and ``tests/engine_protocol/
test_provider_process_concurrency.py`` fail loudly when a new pinned Python, grpcio or SDK
changes them. When anything does not match at run time, the process is left as the SDK made it
and one line on stderr says so: still correct, only slower (waits share four workers again) or
stopped by the engine's SIGKILL instead of ending cleanly.

Stopping. The engine's first Ctrl-C calls the provider's Cancel, which the dynamic server
answers and ignores: :func:`answer_cancel` finds the gRPC server running on that executor
(``grpc._server._ServerState``, through ``gc``, once) and wraps its Cancel handler so that it
also sets :data:`stop_requested`. Waits in progress (``waiter.py``) then fail at once with an
error saying that the resource keeps existing in AWS and how the next ``pulumi up`` resumes; the
engine records a failed create, which that next ``up`` repeats with the same name and client
token. On exit the engine sends SIGINT to the provider process group, then SIGKILL 5 s later.
On SIGINT the SDK's main thread stops the gRPC server and returns, and the interpreter joins
every worker before exiting, which would wait for each wait to end: a shutdown hook that runs
before those joins (``threading._register_atexit``) sets :data:`stop_requested` too. SIGKILL
ends the process at once; creates are idempotent, so the next ``up`` resumes those as well.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

WORKERS_ENV = "PULUMI_BEDROCK_INFERENCE_PROVIDER_WORKERS"
"""Environment variable: how many provider calls the provider process serves at once (an integer
≥ 1). The SDK's own limit of 4 is kept when it is 4 or less."""

DEFAULT_WORKERS = 256

DYNAMIC_PROVIDER_MAIN = "pulumi.dynamic.__main__"
SERVER_FILE = os.path.join("pulumi", "dynamic", "__main__.py")
"""The SDK's dynamic provider server, whose ``Check`` frame holds the engine's request."""
"""The module the engine runs as the dynamic provider process (``python -u -m pulumi.dynamic``)."""

stop_requested = threading.Event()
"""Set when the provider process is shutting down: waits stop instead of holding it open."""

_lock = threading.Lock()
_done = False
_waits_in_progress = 0


@contextmanager
def wait_in_progress() -> Iterator[None]:
    """Count a wait as in progress while the block runs (:func:`answer_cancel` reports on them)."""
    global _waits_in_progress
    with _lock:
        _waits_in_progress += 1
    try:
        yield
    finally:
        with _lock:
            _waits_in_progress -= 1


def serve_concurrently() -> None:
    """Once per process: when this is the dynamic provider process and the caller is one of its
    gRPC workers, raise the worker limit and watch for shutdown. Elsewhere (the program process,
    tests, a user's own thread pool) it does nothing."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        _done = True
        if not in_provider_process():
            return
        _watch_for_shutdown()
        executor = serving_executor()
        if executor is None:
            _say("cannot find the gRPC worker pool of this provider process; long waits share its 4 workers")
            return
        # Neither step may fail the provider call that runs it: each falls back to the SDK's behaviour.
        try:
            raise_worker_limit(executor, configured_workers())
        except Exception as error:
            _say(f"cannot raise the gRPC worker limit ({error!r}); long waits share the SDK's 4 workers")
        try:
            hooked = answer_cancel(executor)
        except Exception:
            hooked = False
        if not hooked:
            _say("cannot hook Cancel; on Ctrl-C, waits end when the engine stops this process")


def in_provider_process() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_PROVIDER_MAIN


def configured_workers() -> int:
    value = os.environ.get(WORKERS_ENV, "")
    if not value:
        return DEFAULT_WORKERS
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        _say(f"{WORKERS_ENV}={value!r} is not a whole number ≥ 1; using {DEFAULT_WORKERS}")
        return DEFAULT_WORKERS
    return workers


def serving_executor(thread: threading.Thread | None = None) -> ThreadPoolExecutor | None:
    """The ThreadPoolExecutor whose worker ``thread`` (default: the current thread) is, else None.

    A worker runs ``concurrent.futures.thread._worker(executor_reference, ...)`` with a weak
    reference to its executor as the first argument.
    """
    from concurrent.futures import thread as futures_thread

    thread = thread or threading.current_thread()
    if getattr(thread, "_target", None) is not getattr(futures_thread, "_worker", object()):
        return None
    args = getattr(thread, "_args", ())
    reference = args[0] if args else None
    executor = reference() if callable(reference) else None
    return executor if isinstance(executor, ThreadPoolExecutor) else None


def raise_worker_limit(executor: ThreadPoolExecutor, workers: int) -> None:
    """Let ``executor`` run up to ``workers`` calls at once, starting threads for queued calls now."""
    with executor._shutdown_lock:  # type: ignore[attr-defined]  # what submit() holds
        if workers <= executor._max_workers:  # type: ignore[attr-defined]
            return
        executor._max_workers = workers  # type: ignore[attr-defined]
        for _ in range(executor._work_queue.qsize()):  # type: ignore[attr-defined]
            executor._adjust_thread_count()  # type: ignore[attr-defined]


CANCEL_METHOD = "/pulumirpc.ResourceProvider/Cancel"


def answer_cancel(executor: ThreadPoolExecutor) -> bool:
    """Make the server that runs on ``executor`` set :data:`stop_requested` on Cancel, then answer
    as the SDK does. Returns False when the gRPC server or its Cancel handler cannot be found."""
    import gc

    try:
        from grpc import _server
    except ImportError:
        return False
    server_state = getattr(_server, "_ServerState", None)
    if server_state is None:
        return False
    for state in gc.get_objects():
        if isinstance(state, server_state) and getattr(state, "thread_pool", None) is executor:
            break
    else:
        return False
    for handler in getattr(state, "generic_handlers", ()):
        handlers = getattr(handler, "_method_handlers", None)
        original = handlers.get(CANCEL_METHOD) if isinstance(handlers, dict) else None
        if original is None or not callable(getattr(original, "unary_unary", None)):
            continue
        sdk_cancel = original.unary_unary

        def cancel(request: Any, context: Any) -> Any:
            # The engine also sends Cancel to every provider when a deployment ends normally
            # (pkg/resource/plugin: a provider acknowledges it before Close): only waits in
            # progress make it worth a line.
            stop_requested.set()
            with _lock:
                waits = _waits_in_progress
            if waits:
                _say(f"Cancel: ending {waits} wait(s) in progress; each resource keeps existing and the next `pulumi up` resumes it")
            return sdk_cancel(request, context)

        handlers[CANCEL_METHOD] = original._replace(unary_unary=cancel)
        return True
    return False


def _watch_for_shutdown() -> bool:
    """Set :data:`stop_requested` when the interpreter starts shutting down, before it joins the
    gRPC workers (``threading._register_atexit``, the hook ``concurrent.futures`` itself uses)."""
    register = getattr(threading, "_register_atexit", None)
    if register is None:
        _say("cannot watch for shutdown; on Ctrl-C, waits hold the provider process until the engine kills it")
        return False
    try:
        register(stop_requested.set)
    except RuntimeError:  # already shutting down
        stop_requested.set()
    return True


def _say(line: str) -> None:
    print(f"pulumi-bedrock-inference: {line}", file=sys.stderr, flush=True)


def _reset_for_tests() -> Any:
    """Forget that :func:`serve_concurrently` ran (unit tests only)."""
    global _done
    with _lock:
        _done = False
    stop_requested.clear()


def engine_check_key() -> tuple[str, bytes] | None:
    """The URN and random seed of the engine's Check request this thread is serving in the dynamic
    provider process; None anywhere else (tests, programs).

    The SDK's server hands ``check`` only olds and news; its ``Check(self, request, context)``
    frame (``pulumi/dynamic/__main__.py``) holds the request. The engine draws the random seed
    once per resource registration (``generateResourceSteps``) and sends it with both Checks of
    that registration, so (URN, seed) names one registration of one resource in one deployment.
    """
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "Check" and code.co_filename.endswith(SERVER_FILE):
            request = frame.f_locals.get("request")
            urn = getattr(request, "urn", None)
            seed = getattr(request, "randomSeed", b"")
            if not isinstance(urn, str) or not urn:
                return None
            return urn, bytes(seed) if isinstance(seed, (bytes, bytearray)) else b""
        frame = frame.f_back
    return None
