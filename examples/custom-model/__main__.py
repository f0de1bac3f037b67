"""Custom model: on-demand inference for a custom model through a custom model deployment.

Set `customModelArn` to a new version of the model and `pulumi up` swaps it in place
(UpdateCustomModelDeployment): the deployment ARN that applications use stays the same, and the
previous model keeps serving until the swap completes.
"""

import pulumi

from pulumi_bedrock_inference.components import InferenceEndpoint

config = pulumi.Config()

support = InferenceEndpoint(
    "support-tuned",
    model=config.require("customModelArn"),
    description="Support assistant, fine-tuned",
    tags={"team": "support", "cost-center": "cc-2002"},
)

pulumi.export("model_id", support.model_id)
pulumi.export("serving", support.base_model_id)
pulumi.export("invoke_policy", support.invoke_policy)
