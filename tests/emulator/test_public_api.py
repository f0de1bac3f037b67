"""The testing API as the README and the emulator's docstring show it, kept working verbatim."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]


def test_in_process_emulator_as_the_docstring_shows() -> None:
    from pulumi_bedrock_inference.testing.emulator import BedrockEmulator, EmulatorControlError

    with BedrockEmulator(durations=0) as emulator:
        bedrock = emulator.client()
        bedrock.list_inference_profiles()
        assert emulator.count("ListInferenceProfiles") == 1
        assert emulator.requests()[0]["status"] == 200
    with pytest.raises(EmulatorControlError):
        emulator.endpoint


def test_bedrock_emulator_fixture_in_a_users_own_test_suite(pytester: pytest.Pytester) -> None:
    """A project with this package installed gets the fixture from the ``pytest11`` entry point."""
    pytester.makepyfile(
        test_my_stack=textwrap.dedent(
            '''
            import boto3
            import pytest
            from botocore.exceptions import ConnectionClosedError

            HAIKU = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"

            def test_profile(bedrock_emulator):
                bedrock = boto3.client("bedrock")  # found through AWS_ENDPOINT_URL_BEDROCK
                bedrock.create_inference_profile(inferenceProfileName="p", modelSource={"copyFrom": HAIKU})
                assert bedrock_emulator.count("CreateInferenceProfile") == 1

            def test_fresh_state_and_lost_response(bedrock_emulator):
                bedrock = bedrock_emulator.client(retries={"total_max_attempts": 1})
                assert bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
                bedrock_emulator.drop_response_next("CreateInferenceProfile")
                with pytest.raises(ConnectionClosedError):
                    bedrock.create_inference_profile(inferenceProfileName="p", modelSource={"copyFrom": HAIKU})
                assert len(bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]) == 1
            '''
        )
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
