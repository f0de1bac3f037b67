"""Provisioned endpoint: an InferenceEndpoint on committed provisioned throughput.

A commitment is billed every hour until it ends and AWS refuses to delete the throughput before
then. InferenceEndpoint protects a committed throughput (`protect=True`), so `pulumi destroy` or
a replacing change stops in Pulumi before AWS is asked; this program also says what it buys.
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
        "until the commitment ends, and AWS refuses to delete it before then. It is protected: `pulumi destroy` "
        "stops at it; `pulumi state unprotect` and waiting for commitment_expiration_time come first.",
        batch,
    )

pulumi.export("model_id", batch.model_id)
pulumi.export("commitment_expiration_time", batch.throughput.commitment_expiration_time)
