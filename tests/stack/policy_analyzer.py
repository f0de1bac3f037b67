"""The policy pack process, started as the Python language host starts a policy pack, driven over gRPC."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import grpc
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from pulumi_bedrock_inference.policy import POLICIES

from .plugin_process import HANG_GUARD_SECONDS, PluginProcess

LEVELS = {"advisory": 0, "mandatory": 1, "disabled": 2, "remediate": 3}


class Analyzer(PluginProcess):
    """A policy pack folder run as the Python language host runs a policy pack (RunPlugin, kind
    analyzer, sdk/python/cmd/pulumi-language-python/main.go): ``python -u -m pulumi.policy
    <engine address> <pack folder>`` in the pack folder."""

    def __init__(self, pack: Path) -> None:
        super().__init__([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(pack)], pack, os.environ)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def configure(self, config: dict[str, Any]) -> None:
        """What the CLI sends for ``--policy-pack-config``: each policy's level and properties."""
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for policy in POLICIES:
            settings = dict(config.get(policy.name, {}))
            entry = request.policyConfig[policy.name]
            entry.enforcementLevel = LEVELS[settings.pop("enforcementLevel", policy.enforcement_level.value)]  # type: ignore[union-attr]
            entry.properties.update(settings)
        self.stub.Configure(request, timeout=HANG_GUARD_SECONDS)

    def analyze(self, registration: Any) -> list[analyzer_pb2.AnalyzeDiagnostic]:
        """Analyze one resource: ``registration`` has ``type``, ``name``, ``urn``, ``protect`` and
        ``object`` (its inputs as a ``google.protobuf.Struct``)."""
        request = analyzer_pb2.AnalyzeRequest(
            type=registration.type, name=registration.name, properties=registration.object,
            urn=registration.urn, options=analyzer_pb2.AnalyzerResourceOptions(protect=registration.protect),
        )
        return list(self.stub.Analyze(request, timeout=HANG_GUARD_SECONDS).diagnostics)

    def close(self) -> None:
        self.channel.close()
        self.stop()
