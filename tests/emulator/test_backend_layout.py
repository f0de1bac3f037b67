"""The emulator's backend is split per resource family (issue 17, item 4): its modules reach each
other only through public names, and ``testing.emulator.models`` still exports what it did when it
was one module."""

from __future__ import annotations

import ast
from pathlib import Path

import pulumi_bedrock_inference.testing.emulator as emulator_package
from pulumi_bedrock_inference.testing.emulator import models

EMULATOR = Path(emulator_package.__file__).parent


def _foreign_private_accesses(path: Path) -> list[str]:
    """``x._name`` where ``x`` is not self, cls, super() or a class, and ``_name`` is not defined
    in the module itself."""
    tree = ast.parse(path.read_text())
    own = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    own |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_") or node.attr.startswith("__"):
            continue
        value = node.value
        if isinstance(value, ast.Name) and (value.id in ("self", "cls") or value.id[:1].isupper()):
            continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
            continue
        if node.attr not in own:
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_emulator_module_reaches_into_another_modules_private_names() -> None:
    found = [access for path in sorted(EMULATOR.rglob("*.py")) for access in _foreign_private_accesses(path)]
    assert found == []


def test_the_scan_finds_a_private_finder_called_from_another_module(tmp_path: Path) -> None:
    """What ``runtime.py`` did before the split, and what a module may do with its own names."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "class Own:\n"
        "    def _helper(self): ...\n"
        "def target(backend, own, arn):\n"
        "    own._helper()\n"
        "    return backend._find_foundation_model(arn)\n"
    )
    assert _foreign_private_accesses(probe) == ["probe.py:5: backend._find_foundation_model"]


def test_models_still_exports_what_the_single_module_did() -> None:
    for name in (
        "BedrockEmulatorBackend",
        "bedrock_emulator_backends",
        "EmulatorRuntime",
        "emulator_runtime",
        "TagKeyObservations",
        "ApplicationInferenceProfile",
        "SystemInferenceProfileView",
        "CustomModelDeployment",
        "ProvisionedModelThroughput",
        "PendingTransition",
        "ClientRequest",
        "MAX_TAGS_PER_RESOURCE",
        "RESERVED_TAG_KEY_PREFIX",
        "IDEMPOTENCY_MISMATCH_MESSAGE",
        "FAILABLE_OPERATIONS",
        "DEFAULT_FAILURE_MESSAGE",
        "TOKEN_SEMANTICS",
        "TOKEN_WINDOW",
        "commitment_refusal_message",
        "resource_id",
    ):
        assert hasattr(models, name), name
