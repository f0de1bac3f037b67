"""The provider-process harness against the real ``python -m pulumi.dynamic`` process."""

from __future__ import annotations

import base64
import json
import sys
import threading
from pathlib import Path
from typing import Any

import grpc
import pytest

from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_bedrock_inference.testing.engine import (
    UNKNOWN,
    CheckFailure,
    DynamicProviderProcess,
    ProviderError,
    ProviderStartError,
    serialized_provider,
    with_provider,
)

from conftest import DEFAULT_TAGS, REGION, STACK_CONFIG, SampleStore
from sample_provider import SampleProvider

URN = "urn:pulumi:dev::sample::pulumi-python:dynamic/sample:Thing::thing"


@pytest.fixture(scope="module", autouse=True)
def configured(provider: DynamicProviderProcess) -> None:
    result = provider.configure(STACK_CONFIG)
    assert result.accept_secrets is False
    assert result.supports_preview is False


def props(**values: Any) -> dict[str, Any]:
    return with_provider({"name": "thing", "size": 3, "zone": "a", **values}, SampleProvider())


def test_configure_delivers_namespaced_string_config(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    provider.check(URN, {}, props())  # the provider is unpickled and configured on first use

    seen = store.configure()
    assert seen["aws:region"] == REGION
    assert isinstance(seen["aws:defaultTags"], str)
    assert json.loads(seen["aws:defaultTags"]) == DEFAULT_TAGS
    assert seen["sample:greeting"] == "hello"
    assert seen["greeting_unqualified"] == "hello"  # PULUMI_PROJECT namespaces bare keys
    assert provider.port > 0


def test_check_failures_name_the_properties(provider: DynamicProviderProcess, store: SampleStore) -> None:
    result = provider.check(URN, {}, props(name="bad-name", size=-1))

    assert {f.property for f in result.failures} == {"name", "size"}
    assert CheckFailure("size", "size must be >= 0") in result.failures


def test_integers_arrive_as_floats(provider: DynamicProviderProcess, store: SampleStore) -> None:
    result = provider.check(URN, {}, props(size=3))

    assert result.failures == []
    assert result.inputs["size"] == 3.0 and isinstance(result.inputs["size"], float)
    assert store.calls("check")[-1]["size_type"] == "float"


@pytest.mark.parametrize("unknown", [UNKNOWN, rpc.UNKNOWN], ids=["Unknown", "wire-string"])
def test_unknowns_reach_check_and_diff(
    provider: DynamicProviderProcess, store: SampleStore, unknown: Any
) -> None:
    checked = provider.check(URN, {}, props(zone=unknown))
    provider.diff(URN, "thing-1", props(), props(name=unknown))

    assert isinstance(checked.inputs["zone"], Unknown)
    assert store.calls("check")[-1]["unknown_keys"] == ["zone"]
    assert store.calls("diff")[-1]["unknown_keys"] == ["name"]


def test_diff_maps_changes_replaces_and_delete_before_replace(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    olds = props()
    assert provider.diff(URN, "thing-1", olds, props()).changes == "none"

    in_place = provider.diff(URN, "thing-1", olds, props(label="new"))
    assert (in_place.changes, in_place.replaces, in_place.delete_before_replace) == ("some", [], False)

    replace = provider.diff(URN, "thing-1", olds, props(zone="b"))
    assert (replace.changes, replace.replaces, replace.delete_before_replace) == ("some", ["zone"], False)

    delete_first = provider.diff(URN, "thing-1", olds, props(zone="b", recreate_first=True))
    assert delete_first.replaces == ["zone"] and delete_first.delete_before_replace is True


def test_create_read_update_delete_round_trip(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    created = provider.create(URN, props(label="one"))
    assert created.id.startswith("thing-")
    assert created.outputs["arn"] == f"arn:sample:{REGION}:{created.id}"
    assert created.outputs["__provider"] == props()["__provider"]
    assert store.objects()[created.id]["label"] == "one"

    read = provider.read(URN, created.id, created.outputs, props(label="one"))
    assert read.id == created.id
    assert read.outputs == created.outputs
    assert read.inputs is not None and read.inputs["label"] == "one"

    updated = provider.update(URN, created.id, created.outputs, props(label="two"))
    assert updated.outputs["label"] == "two"
    assert updated.outputs["arn"] == created.outputs["arn"]
    assert store.objects()[created.id]["label"] == "two"

    provider.delete(URN, created.id, updated.outputs)
    assert created.id not in store.objects()
    gone = provider.read(URN, created.id, updated.outputs)
    assert gone.id == ""


def test_preview_create_and_update_do_not_reach_the_provider(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    planned = provider.create(URN, props(), preview=True)
    provider.update(URN, "thing-1", props(), props(label="x"), preview=True)

    assert planned.id == "" and planned.outputs == props()
    assert store.objects() == {}
    assert store.calls("create") == [] and store.calls("update") == []


def test_exception_in_create_surfaces_its_message(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    with pytest.raises(ProviderError) as caught:
        provider.create(URN, props(fail="quota exhausted for thing"))

    assert caught.value.method == "Create"
    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert "Traceback" in caught.value.details
    assert "RuntimeError: create refused: quota exhausted for thing" in caught.value.details


def test_provider_stderr_is_collected(provider: DynamicProviderProcess, store: SampleStore) -> None:
    provider.create(URN, props(name="noisy"))

    assert "creating noisy\n" in provider.wait_for_stderr("creating noisy\n")


def test_four_calls_run_at_once_and_a_fifth_waits(
    provider: DynamicProviderProcess, store: SampleStore
) -> None:
    delay = 0.6
    threads = [
        threading.Thread(target=provider.create, args=(URN, props(name=f"par{i}", delay=delay)))
        for i in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    creates = sorted(store.calls("create"), key=lambda call: call["start"])
    assert len(creates) == 5
    first_four, fifth = creates[:4], creates[4]
    assert max(c["start"] for c in first_four) < min(c["end"] for c in first_four)
    assert fifth["start"] >= min(c["end"] for c in first_four) - 0.05
    assert len(store.objects()) == 5


def test_module_level_provider_is_pickled_by_reference() -> None:
    by_reference = serialized_provider(SampleProvider())

    # A class defined in a function is pickled by value, like one defined in ``__main__``.
    class LocalProvider(SampleProvider):
        def create(self, props: dict[str, Any]) -> Any:
            return super().create(props)

    by_value = serialized_provider(LocalProvider())

    assert len(by_reference) < 200
    assert b"sample_provider" in base64.b64decode(by_reference)
    assert b"_create_type" not in base64.b64decode(by_reference)
    assert len(by_value) > 200 and len(by_value) > 3 * len(by_reference)
    assert b"_create_type" in base64.b64decode(by_value)
    assert with_provider({"a": 1}, SampleProvider()) == {"a": 1, "__provider": by_reference}


def test_start_failure_reports_stderr(tmp_path: Path) -> None:
    fake = tmp_path / "pulumi"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "import sys\nsys.stderr.write('no port for you\\n')\nsys.exit(3)\n", encoding="utf-8"
    )

    process = DynamicProviderProcess(env={"PYTHONPATH": str(tmp_path)}, startup_timeout=10)
    with pytest.raises(ProviderStartError, match="no port for you"):
        process.start()
    assert process.returncode == 3
