"""The emulator's clock is visible the way AWS's is: every response's ``Date`` header (RFC 7231).

``advance`` moves the header, the request log's times and commitment expiry together, so a
provider that decides by AWS's clock can be tested across a commitment's end.
"""

from __future__ import annotations

import urllib.request
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_bedrock_inference.testing.emulator import BedrockEmulator

NOVA_PRO = "amazon.nova-pro-v1:0"
#: Slack for real time passing between two reads of the clock (a hang guard, not a timing claim).
SLACK = timedelta(minutes=5)


def date_of(response: dict[str, Any]) -> datetime:
    header = response["ResponseMetadata"]["HTTPHeaders"]["date"]
    assert header.endswith(" GMT") and "," not in header[5:]  # one IMF-fixdate, e.g. "Wed, 25 Nov 2026 15:26:25 GMT"
    return parsedate_to_datetime(header)


def test_every_response_carries_the_emulator_clock_in_its_date_header(
    bedrock: Any, bedrock_emulator: BedrockEmulator
) -> None:
    before = date_of(bedrock.list_inference_profiles())
    assert abs(before - bedrock_emulator.now()) < SLACK
    advanced_to = bedrock_emulator.advance(40 * 86400)
    after = date_of(bedrock.list_inference_profiles())
    assert timedelta(days=40) <= after - before < timedelta(days=40) + SLACK
    assert abs(after - advanced_to) < SLACK
    with pytest.raises(ClientError) as excinfo:  # error responses too
        bedrock.get_inference_profile(inferenceProfileIdentifier="missingprofile")
    assert date_of(excinfo.value.response) - after < SLACK
    assert date_of(excinfo.value.response) >= after
    with urllib.request.urlopen(bedrock_emulator.endpoint + "/_emulator/health") as response:  # control endpoints too
        assert len(response.headers.get_all("Date")) == 1
        assert parsedate_to_datetime(response.headers["Date"]) >= after
    logged = datetime.fromisoformat(bedrock_emulator.requests("GetInferenceProfile")[0]["time"])
    assert logged.replace(microsecond=0) == date_of(excinfo.value.response)


def test_reset_returns_the_date_header_to_wall_time(bedrock: Any, bedrock_emulator: BedrockEmulator) -> None:
    advanced = bedrock_emulator.advance(365 * 86400)
    bedrock_emulator.reset(durations=0)
    assert date_of(bedrock.list_inference_profiles()) < advanced - timedelta(days=364)


@pytest.mark.parametrize("term", ["OneMonth", "SixMonths"])
def test_commitment_expires_on_the_clock_the_date_header_shows(
    bedrock: Any, bedrock_emulator: BedrockEmulator, term: str
) -> None:
    created = bedrock.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName="committed", modelId=NOVA_PRO, commitmentDuration=term
    )
    expires = bedrock.get_provisioned_model_throughput(provisionedModelId="committed")["commitmentExpirationTime"]
    assert date_of(created) < expires

    bedrock_emulator.advance((expires - date_of(created)).total_seconds() - 3600)  # an hour before the end
    with pytest.raises(ClientError) as excinfo:
        bedrock.delete_provisioned_model_throughput(provisionedModelId="committed")
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    refused_at = date_of(excinfo.value.response)
    assert expires - timedelta(hours=1, seconds=1) <= refused_at < expires  # Date has whole seconds

    bedrock_emulator.advance(2 * 3600)
    deleted = bedrock.delete_provisioned_model_throughput(provisionedModelId="committed")
    assert date_of(deleted) > expires
    assert bedrock.list_provisioned_model_throughputs()["provisionedModelSummaries"] == []
