"""A dynamic provider whose create is one wait of ``seconds`` through the project's waiter: the
long wait of a deployment or throughput create without the service (benchmarks/concurrent_waits.py).
It lives in its own module so the SDK pickles it by reference."""

from __future__ import annotations

import time
import uuid
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, ResourceProvider

from pulumi_bedrock_inference.providers.waiter import Waiter, wait


class TimedWaitProvider(ResourceProvider):
    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        seconds = float(props["seconds"])
        started = time.monotonic()
        waiter = Waiter(
            kind="benchmark wait", status=lambda response: response["status"], target=frozenset({"Done"}),
            pending=frozenset({"Waiting"}), delay=max(0.01, seconds / 50), backoff=1.0,
        )

        def describe() -> dict[str, str]:
            return {"status": "Done" if time.monotonic() - started >= seconds else "Waiting"}

        wait(waiter, describe, name="bench", timeout=seconds * 20 + 60, timeout_hint="", log=lambda line: None)
        return CreateResult(f"wait-{uuid.uuid4().hex[:8]}", {"seconds": seconds, "waited": time.monotonic() - started})
