"""A tiny stateless dynamic provider whose effects are observable from the test process.

Everything it does goes to files under the directory named by ``SAMPLE_PROVIDER_DIR`` (set in the
provider process's environment):

- ``objects/<id>.json``: one file per live object (the "cloud");
- ``calls.jsonl``: one line per provider call (method, pid, start/end times, details);
- ``configure.json``: what ``configure`` received.

Inputs: ``name`` (str, required, must not contain "bad"), ``size`` (int, must be >= 0; arrives as
a float), ``zone`` (changing it replaces the object), ``recreate_first`` (when true, a replacement
deletes before creating), ``delay`` (seconds ``create`` sleeps), ``fail`` (``create`` raises with
this message), ``label`` (free text, updated in place), ``check_gate`` (a file name under the store:
``check`` records ``check-wait`` and waits until that file exists, to block the engine's loop).

``delete`` refuses (raises) while a file ``refuse-delete-<name>`` exists in the store.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

STORE_ENV = "SAMPLE_PROVIDER_DIR"
REPLACE_KEYS = ("zone",)
UPDATE_KEYS = ("name", "size", "label")
COMPUTED_KEYS = ("arn", "region")


def store_dir() -> Path:
    """The directory shared with the test process."""
    return Path(os.environ[STORE_ENV])


def _record(method: str, started: float, **details: Any) -> None:
    line = {"method": method, "pid": os.getpid(), "start": started, "end": time.time(), **details}
    with open(store_dir() / "calls.jsonl", "a", encoding="utf-8") as sink:
        sink.write(json.dumps(line) + "\n")


def _unknown_keys(props: dict[str, Any]) -> list[str]:
    return sorted(k for k, v in props.items() if isinstance(v, Unknown))


def _object_path(id_: str) -> Path:
    return store_dir() / "objects" / f"{id_}.json"


def _user_inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "__provider"}


class SampleProvider(ResourceProvider):
    """A file-backed provider; module-level so that it is pickled by reference."""

    serialize_as_secret_always = False
    region: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        started = time.time()
        self.region = req.config.get("aws:region")
        seen = {
            key: req.config.get(key)
            for key in ("aws:region", "aws:defaultTags", "sample:greeting")
        }
        seen["greeting_unqualified"] = req.config.get("greeting")
        (store_dir() / "configure.json").write_text(json.dumps(seen), encoding="utf-8")
        _record("configure", started)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        started = time.time()
        gate = news.get("check_gate")
        if isinstance(gate, str) and gate:
            _record("check-wait", started, name=news.get("name"))
            deadline = time.time() + 60  # hang guard only
            while not (store_dir() / gate).exists() and time.time() < deadline:
                time.sleep(0.02)
        failures = []
        name = news.get("name")
        if name is None:
            failures.append(CheckFailure("name", "name is required"))
        elif isinstance(name, str) and "bad" in name:
            failures.append(CheckFailure("name", f"name {name!r} must not contain 'bad'"))
        size = news.get("size", 0)
        if isinstance(size, (int, float)) and size < 0:
            failures.append(CheckFailure("size", "size must be >= 0"))
        _record(
            "check",
            started,
            unknown_keys=_unknown_keys(news),
            size_type=type(size).__name__,
            olds=_user_inputs(olds),
            news={k: v if not isinstance(v, Unknown) else "<unknown>" for k, v in _user_inputs(news).items()},
        )
        return CheckResult(news, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        started = time.time()
        changed = [k for k in (*UPDATE_KEYS, *REPLACE_KEYS) if olds.get(k) != news.get(k)]
        replaces = [k for k in changed if k in REPLACE_KEYS]
        _record("diff", started, id=id_, unknown_keys=_unknown_keys(news), olds=_user_inputs(olds),
                news={k: v for k, v in _user_inputs(news).items() if not isinstance(v, Unknown)})
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(replaces) and bool(news.get("recreate_first")),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        started = time.time()
        if props.get("fail"):
            raise RuntimeError(f"create refused: {props['fail']}")
        print(f"creating {props['name']}", file=sys.stderr, flush=True)
        time.sleep(float(props.get("delay", 0)))
        id_ = f"{props['name']}-{uuid.uuid4().hex[:8]}"
        outs = self._outputs(id_, props)
        _object_path(id_).write_text(json.dumps(outs), encoding="utf-8")
        _record("create", started, id=id_, size_type=type(props.get("size")).__name__)
        return CreateResult(id_, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        started = time.time()
        path = _object_path(id_)
        _record("read", started, id=id_)
        if not path.exists():
            return ReadResult("", {})
        outs = json.loads(path.read_text(encoding="utf-8"))
        inputs = {k: v for k, v in outs.items() if k not in COMPUTED_KEYS}
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        started = time.time()
        outs = self._outputs(id_, news)
        _object_path(id_).write_text(json.dumps(outs), encoding="utf-8")
        _record("update", started, id=id_)
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        started = time.time()
        if (store_dir() / f"refuse-delete-{props.get('name')}").exists():
            _record("delete-refused", started, id=id_)
            raise RuntimeError(f"delete refused: {props.get('name')} is still in use")
        _object_path(id_).unlink(missing_ok=True)
        _record("delete", started, id=id_)

    def _outputs(self, id_: str, props: dict[str, Any]) -> dict[str, Any]:
        return {
            **_user_inputs(props),
            "arn": f"arn:sample:{self.region}:{id_}",
            "region": self.region,
        }


class SampleResource(pulumi.dynamic.Resource, module="sample", name="Thing"):
    """A program-side resource backed by :class:`SampleProvider`."""

    arn: pulumi.Output[str]
    region: pulumi.Output[str]
    name: pulumi.Output[str]
    size: pulumi.Output[float]
    zone: pulumi.Output[str]
    label: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        size: pulumi.Input[int] = 0,
        zone: pulumi.Input[str] = "a",
        label: pulumi.Input[str] = "",
        recreate_first: bool = False,
        delay: float = 0,
        fail: str = "",
        check_gate: str = "",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            SampleProvider(),
            resource_name,
            {
                "name": name,
                "size": size,
                "zone": zone,
                "label": label,
                "recreate_first": recreate_first,
                **({"delay": delay} if delay else {}),
                **({"fail": fail} if fail else {}),
                **({"check_gate": check_gate} if check_gate else {}),
                "arn": None,
                "region": None,
            },
            opts,
        )
