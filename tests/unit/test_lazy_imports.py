"""A Pulumi program that imports the library does not import boto3 or botocore (issue 10): only the
provider process calls AWS, and it imports them on first use. A correctness guard, not a timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

AWS_SDK = {"boto3", "botocore", "s3transfer"}


def modules_after(code: str) -> set[str]:
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("module", ["pulumi_bedrock_inference.providers", "pulumi_bedrock_inference.components"])
def test_importing_the_library_imports_no_aws_sdk(module: str) -> None:
    loaded = modules_after(f"import pulumi\nimport {module}")
    assert module in loaded
    assert {name.split(".")[0] for name in loaded} & AWS_SDK == set()


def test_building_a_resource_class_and_its_args_imports_no_aws_sdk() -> None:
    loaded = modules_after(
        "from pulumi_bedrock_inference.providers import ApplicationInferenceProfileArgs, ProvisionedModelThroughputArgs\n"
        "ApplicationInferenceProfileArgs(model_source={'copy_from': 'anthropic.claude-3-haiku-20240307-v1:0'})\n"
        "ProvisionedModelThroughputArgs(model_arn='m', model_units=1)"
    )
    assert {name.split(".")[0] for name in loaded} & AWS_SDK == set()


def test_the_first_check_loads_the_rules_from_botocore() -> None:
    loaded = modules_after(
        "from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider, NAME_RULE\n"
        "assert NAME_RULE.max_length == 64 and NAME_RULE.pattern == '([0-9a-zA-Z][ _-]?)+'\n"
        "failures = ApplicationInferenceProfileProvider().check({}, {'name': 'bad name!', 'region': 'us-east-1',\n"
        "    'model_source': {'copy_from': 'anthropic.claude-3-haiku-20240307-v1:0'}}).failures\n"
        "assert [f.property for f in failures] == ['name'], failures"
    )
    assert "botocore.loaders" in loaded and "boto3" not in loaded


def test_aws_call_still_translates_client_errors_and_passes_anything_else_through() -> None:
    from botocore.exceptions import ClientError

    from pulumi_bedrock_inference.providers import errors

    original = KeyError("not an AWS error")
    with pytest.raises(KeyError) as raised:
        with errors.aws_call("reading", "x"):
            raise original
    assert raised.value is original
    with pytest.raises(errors.NotFoundError) as translated:
        with errors.aws_call("reading", "x"):
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "GetInferenceProfile")
    assert isinstance(translated.value.__cause__, ClientError)
