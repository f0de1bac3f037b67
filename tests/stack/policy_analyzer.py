"""The policy pack as the CLI runs it, and the resource registrations it analyzes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from pulumi_bedrock_inference.policy import POLICIES
from pulumi_bedrock_inference.testing import program as simulator

from .plugin_process import HANG_GUARD_SECONDS, PluginProcess

LEVELS = {"advisory": 0, "mandatory": 1, "disabled": 2, "remediate": 3}


class Registration:
    """One RegisterResource request: what the engine hands to analyzers."""

    def __init__(self, request: Any, urn: str) -> None:
        self.type, self.name, self.urn, self.protect = request.type, request.name, urn, bool(request.protect)
        self.object = struct_pb2.Struct()
        self.object.CopyFrom(request.object)


def capture_registrations(monkeypatch: pytest.MonkeyPatch) -> list[Registration]:
    """Record every resource the simulated program registers (the root stack excepted)."""
    seen: list[Registration] = []
    original = simulator._EngineMonitor.RegisterResource

    def register(self: Any, request: Any) -> Any:
        response = original(self, request)
        if request.type != "pulumi:pulumi:Stack":
            seen.append(Registration(request, response.urn))
        return response

    monkeypatch.setattr(simulator._EngineMonitor, "RegisterResource", register)
    return seen


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

    def analyze(self, registration: Registration) -> list[analyzer_pb2.AnalyzeDiagnostic]:
        request = analyzer_pb2.AnalyzeRequest(
            type=registration.type, name=registration.name, properties=registration.object,
            urn=registration.urn, options=analyzer_pb2.AnalyzerResourceOptions(protect=registration.protect),
        )
        return list(self.stub.Analyze(request, timeout=HANG_GUARD_SECONDS).diagnostics)

    def close(self) -> None:
        self.channel.close()
        self.stop()
