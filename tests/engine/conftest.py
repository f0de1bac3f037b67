"""Fixtures for the engine-harness tests: a sample-provider store and a provider process."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_bedrock_inference.testing.engine import DynamicProviderProcess

import sample_provider

HERE = Path(__file__).resolve().parent
PROJECT = "sample"
REGION = "eu-west-2"
DEFAULT_TAGS = {"tags": {"team": "ml", "cost-centre": "42"}}
STACK_CONFIG: dict[str, Any] = {
    "aws:region": REGION,
    "aws:defaultTags": DEFAULT_TAGS,
    "sample:greeting": "hello",
}


class SampleStore:
    """The files the sample provider writes, seen from the test process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "objects").mkdir(parents=True, exist_ok=True)

    def reset(self) -> None:
        shutil.rmtree(self.root / "objects")
        (self.root / "objects").mkdir()
        (self.root / "calls.jsonl").unlink(missing_ok=True)

    def objects(self) -> dict[str, dict[str, Any]]:
        return {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in (self.root / "objects").glob("*.json")
        }

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        path = self.root / "calls.jsonl"
        if not path.exists():
            return []
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [line for line in lines if method is None or line["method"] == method]

    def configure(self) -> dict[str, Any]:
        return json.loads((self.root / "configure.json").read_text(encoding="utf-8"))


def provider_env(store_root: Path) -> dict[str, str]:
    """This environment plus what the provider subprocess needs to import the sample provider."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    env[sample_provider.STORE_ENV] = str(store_root)
    return env


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sample-store")


@pytest.fixture(scope="module")
def provider(store_root: Path) -> Iterator[DynamicProviderProcess]:
    """One provider process per test module, configured with STACK_CONFIG."""
    with DynamicProviderProcess(cwd=HERE, env=provider_env(store_root), project=PROJECT) as process:
        yield process


@pytest.fixture
def store(store_root: Path, provider: DynamicProviderProcess) -> SampleStore:
    """The sample store, emptied before each test."""
    sample_store = SampleStore(store_root)
    sample_store.reset()
    return sample_store
