"""The built wheel: one import package, no top-level `providers` or `components`, typed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("pulumi_bedrock_inference-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_installs_everything_under_one_import_package(wheel: zipfile.ZipFile) -> None:
    top_levels = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert top_levels == {"pulumi_bedrock_inference"}


def test_wheel_has_the_providers_components_testing_and_py_typed(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for path in (
        "pulumi_bedrock_inference/__init__.py",
        "pulumi_bedrock_inference/py.typed",
        "pulumi_bedrock_inference/providers/__init__.py",
        "pulumi_bedrock_inference/providers/inference_profile.py",
        "pulumi_bedrock_inference/providers/base.py",
        "pulumi_bedrock_inference/components/__init__.py",
        "pulumi_bedrock_inference/testing/__init__.py",
        "pulumi_bedrock_inference/testing/emulator/__init__.py",
    ):
        assert path in names, path
    assert not any(name.startswith(("tests/", "examples/", "benchmarks/")) for name in names)


def test_wheel_metadata_pins_compatible_ranges_and_declares_the_test_extra(wheel: zipfile.ZipFile) -> None:
    (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = wheel.read(metadata_name).decode()
    assert "Requires-Python: >=3.10" in metadata
    # serviceTier with all four tiers is in botocore's bedrock-runtime model from 1.41.5
    for requirement in ("pulumi<4,>=3.200", "pulumi-aws<8,>=7", "boto3<2,>=1.41.5", "botocore<2,>=1.41.5"):
        assert f"Requires-Dist: {requirement}" in metadata, requirement
    assert 'Requires-Dist: pulumi-policy<2,>=1.18; extra == "policy"' in metadata
    assert 'extra == "test"' in metadata
    # the tests' SDK is never newer than the CLI they build (tools/pulumi-cli/VERSION)
    cli_version = (Path(__file__).resolve().parents[2] / "tools" / "pulumi-cli" / "VERSION").read_text().strip()
    assert f'Requires-Dist: pulumi<={cli_version}; extra == "test"' in metadata


def test_the_service_tiers_granted_are_the_ones_botocores_model_knows() -> None:
    from botocore.loaders import create_loader

    from pulumi_bedrock_inference.components.iam import SERVICE_TIERS

    model = create_loader().load_service_model("bedrock-runtime", "service-2")
    assert tuple(model["shapes"]["ServiceTierType"]["enum"]) == SERVICE_TIERS
    for operation in ("Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream"):
        assert "serviceTier" in model["shapes"][model["operations"][operation]["input"]["shape"]]["members"]


def test_the_installed_package_does_not_expose_top_level_providers_or_components(tmp_path: Path) -> None:
    probe = "import importlib.util as u; print(u.find_spec('providers'), u.find_spec('components'))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "None None"
