"""Against a real AWS account (opt-in: PULUMI_BEDROCK_LIVE_TESTS=1, credentials and AWS_REGION set).

Application inference profiles cost nothing while unused; the test deletes what it creates.
"""

from __future__ import annotations

import os
import uuid

import pytest

from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider

pytestmark = pytest.mark.live


def test_inference_profile_life_cycle_in_aws() -> None:
    provider = ApplicationInferenceProfileProvider()
    region = os.environ.get("AWS_REGION", "us-east-1")
    model = os.environ.get("PULUMI_BEDROCK_LIVE_MODEL", "amazon.nova-lite-v1:0")
    checked = provider.check({}, {"name": f"pbi-live-{uuid.uuid4().hex[:8]}", "model_source": {"copy_from": model}, "region": region, "tags": {"purpose": "pulumi-bedrock-inference-live-test"}})
    assert checked.failures == []
    created = provider.create(checked.inputs)
    try:
        read = provider.read(created.id, created.outs)
        assert read.id == created.id
        assert provider.diff(created.id, read.outs, checked.inputs).changes is False
        updated = provider.update(created.id, read.outs, {**checked.inputs, "tags": {"purpose": "updated"}})
        assert provider.read(created.id, updated.outs).outs["tags_all"] == {"purpose": "updated"}
    finally:
        provider.delete(created.id, created.outs)
    assert provider.read(created.id, created.outs).id == ""
