"""Provisioned endpoint: an InferenceEndpoint on committed provisioned throughput.

A commitment is billed every hour until it ends and AWS refuses to delete the throughput before
then. The provider refuses that delete itself (on AWS's clock) and replaces a committed throughput
delete-first, so `pulumi destroy` or a replacing change stops before anything is deleted or bought
twice, and once the commitment has ended either one is a single `pulumi up`; this program also
says what it buys.
"""

import pulumi

from pulumi_bedrock_inference.components import InferenceEndpoint

config = pulumi.Config()
model_units = config.get_int("modelUnits") or 1
commitment = config.get("commitmentDuration", "OneMonth") or None

throughput = {"model_units": model_units, **({"commitment_duration": commitment} if commitment else {})}
batch = InferenceEndpoint(
    "batch-summaries",
    model="anthropic.claude-3-haiku-20240307-v1:0",
    provisioned_throughput=throughput,
    tags={"team": "data", "cost-center": "cc-4004"},
)

if commitment:
    pulumi.log.warn(
        f"batch-summaries buys {model_units} model unit(s) with a {commitment} commitment: billed every hour "
        "until the commitment ends, and AWS refuses to delete it before then: until commitment_expiration_time, "
        "`pulumi destroy` and any change that replaces it stop at its delete, deleting nothing.",
        batch,
    )

pulumi.export("model_id", batch.model_id)
pulumi.export("commitment_expiration_time", batch.throughput.commitment_expiration_time)
