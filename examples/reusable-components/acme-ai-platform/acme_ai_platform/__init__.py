"""ACME's AI platform: pulumi-bedrock-inference with the company's defaults.

Product teams declare a ``ModelEndpoint`` instead of an ``InferenceEndpoint``. It accepts only
models the platform team approved (by a short alias), and requires the cost-allocation tags
finance reads (``team``, ``cost-center``), so every Bedrock bill line has an owner. Everything
else (waits, IAM policy, cross-region routing) comes from the library.
"""

from __future__ import annotations

import re
from typing import Mapping, Optional

import pulumi

from pulumi_bedrock_inference.components import InferenceEndpoint

APPROVED_MODELS: Mapping[str, str] = {
    "fast": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "smart": "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    "cheap": "us.amazon.nova-micro-v1:0",
}
"""Alias -> the cross-region inference profile ACME approved for it."""

COST_CENTER = re.compile(r"cc-\d{4}")


class ModelEndpoint(pulumi.ComponentResource):
    """An approved Bedrock model, tagged for ACME's cost allocation (``acme:ai:ModelEndpoint``)."""

    model_id: pulumi.Output[str]
    """Pass as ``modelId`` to InvokeModel / Converse."""
    invoke_policy: pulumi.Output[str]
    """IAM policy JSON that allows invoking exactly this endpoint."""

    def __init__(
        self,
        name: str,
        *,
        model: str,
        team: str,
        cost_center: str,
        tags: Optional[Mapping[str, str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """
        :param name: The endpoint's name.
        :param model: An alias of ``APPROVED_MODELS`` (``fast``, ``smart``, ``cheap``).
        :param team: The owning team (tag ``team``).
        :param cost_center: Finance's cost center, ``cc-`` and four digits (tag ``cost-center``).
        :param tags: More tags; ``team``, ``cost-center`` and ``managed-by`` are set by the platform.
        :param opts: Resource options of the component.
        """
        if model not in APPROVED_MODELS:
            raise ValueError(f'ModelEndpoint "{name}": model {model!r} is not approved at ACME; use one of {sorted(APPROVED_MODELS)}')
        if not COST_CENTER.fullmatch(cost_center):
            raise ValueError(f'ModelEndpoint "{name}": cost_center must be cc- and four digits, got {cost_center!r}')
        super().__init__("acme:ai:ModelEndpoint", name, None, opts)
        endpoint = InferenceEndpoint(
            name,
            model=APPROVED_MODELS[model],
            tags={**(tags or {}), "team": team, "cost-center": cost_center, "managed-by": "acme-ai-platform"},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.model_id = endpoint.model_id
        self.invoke_policy = endpoint.invoke_policy
        self.register_outputs({"model_id": self.model_id, "invoke_policy": self.invoke_policy})
