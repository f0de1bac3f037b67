"""How much state does a resource add? For each resource type, created through the real
`python -m pulumi.dynamic` process against the emulator: the size of ``__provider`` (the pickled
provider stored in every resource's inputs and outputs), of the outputs without it, and of
inputs + outputs as the engine saves them (JSON). Beside it, the same provider pickled by value
(a class defined in ``__main__``), which is what a provider class in the program would cost.

    .venv/bin/python benchmarks/state_size.py
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _report  # noqa: E402

from pulumi_bedrock_inference.providers.custom_model_deployment import CustomModelDeploymentProvider  # noqa: E402
from pulumi_bedrock_inference.providers.inference_profile import ApplicationInferenceProfileProvider  # noqa: E402
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider  # noqa: E402
from pulumi_bedrock_inference.testing.emulator import BedrockEmulator  # noqa: E402
from pulumi_bedrock_inference.testing.engine import PROVIDER_KEY, DynamicProviderProcess, serialized_provider, with_provider  # noqa: E402

REGION = "us-east-1"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


class ProviderDefinedInMain(ApplicationInferenceProfileProvider):
    """Pickled by value, bytecode included, because its module is ``__main__``."""


def size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), default=str).encode())


def main() -> None:
    _report.header("State size per resource", "one resource of each type, JSON bytes as the engine stores them")
    rows = []
    with BedrockEmulator(durations=0) as emulator:
        os.environ.update(emulator.environment(REGION))
        custom_model = emulator.seed_custom_model("tuned", MODEL)
        resources = [
            ("ApplicationInferenceProfile", ApplicationInferenceProfileProvider(),
             {"name": "chat", "region": REGION, "model_source": {"copy_from": f"us.{MODEL}"}, "tags": {"team": "ml"}}),
            ("CustomModelDeployment", CustomModelDeploymentProvider(),
             {"name": "tuned", "region": REGION, "model_arn": custom_model, "tags": {"team": "ml"}}),
            ("ProvisionedModelThroughput", ProvisionedModelThroughputProvider(),
             {"provisioned_model_name": "pt", "region": REGION, "model_arn": MODEL, "model_units": 1, "tags": {"team": "ml"}}),
        ]
        with DynamicProviderProcess(env=dict(os.environ), project="bench") as engine:
            engine.configure({"aws:region": REGION})
            for kind, provider, props in resources:
                urn = f"urn:pulumi:bench::bench::pulumi-python:dynamic/bedrock:{kind}::r"
                checked = engine.check(urn, {}, with_provider(props, provider))
                assert not checked.failures, checked.failures
                created = engine.create(urn, checked.inputs)
                pickled = created.outputs[PROVIDER_KEY]
                outputs = {k: v for k, v in created.outputs.items() if k != PROVIDER_KEY}
                rows.append([kind, len(pickled), size(outputs), size(checked.inputs) + size(created.outputs)])
    by_value = serialized_provider(ProviderDefinedInMain())
    by_reference = serialized_provider(ApplicationInferenceProfileProvider())
    _report.table(["resource (provider pickled by reference)", "__provider bytes", "outputs bytes", "inputs + outputs bytes"], rows)
    _report.table(["__provider of ApplicationInferenceProfile", "bytes", "ratio"], [
        ["by reference (module path + class name: this library)", len(by_reference), "1.00"],
        ["by value (class defined in __main__)", len(by_value), f"{len(by_value) / len(by_reference):.1f}"],
    ])


if __name__ == "__main__":
    main()
