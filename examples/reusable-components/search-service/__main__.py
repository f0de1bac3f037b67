"""ACME's search: two approved models from the platform package, one per job."""

import pulumi
from acme_ai_platform import ModelEndpoint

rewrite = ModelEndpoint("query-rewrite", model="fast", team="search", cost_center="cc-1001")
summaries = ModelEndpoint("result-summaries", model="cheap", team="search", cost_center="cc-1001", tags={"tier": "batch"})

pulumi.export("rewrite_model_id", rewrite.model_id)
pulumi.export("summaries_model_id", summaries.model_id)
