"""Pulumi resources for Amazon Bedrock inference infrastructure.

- :mod:`pulumi_bedrock_inference.providers`: dynamic resources (one module per cloud resource).
- :mod:`pulumi_bedrock_inference.components`: component resources built on them.
- :mod:`pulumi_bedrock_inference.testing`: a local Bedrock control plane and engine test harness.
"""

__version__ = "0.1.0"
