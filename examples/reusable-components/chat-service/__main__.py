"""ACME's support chat: one approved model from the platform package."""

import pulumi
from acme_ai_platform import ModelEndpoint

chat = ModelEndpoint("support-chat", model="smart", team="support", cost_center="cc-2002")

pulumi.export("model_id", chat.model_id)
pulumi.export("invoke_policy", chat.invoke_policy)
