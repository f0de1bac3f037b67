from __future__ import annotations

import signal
import subprocess
import sys

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

MODULE = "pulumi_bedrock_inference.testing.emulator"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_stops_cleanly(stop_signal: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", MODULE, "--port", "0", "--duration", "0",
         "--throttle", '{"GetFoundationModel": 1}', "--fail-next", "CreateProvisionedModelThroughput=no capacity"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        endpoint = process.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:") and int(endpoint.rsplit(":", 1)[1]) > 0
        bedrock = boto3.client(
            "bedrock", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="testing",
            aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}),
        )
        assert bedrock.list_foundation_models()["modelSummaries"]
        bedrock.get_foundation_model(modelIdentifier="amazon.nova-pro-v1:0")
        with pytest.raises(ClientError) as excinfo:
            bedrock.get_foundation_model(modelIdentifier="amazon.nova-pro-v1:0")
        assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
        bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="pt", modelId="amazon.nova-pro-v1:0")
        throughput = bedrock.get_provisioned_model_throughput(provisionedModelId="pt")
        assert (throughput["status"], throughput["failureMessage"]) == ("Failed", "no capacity")
    finally:
        process.send_signal(stop_signal)
        returncode = process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert returncode == 0
