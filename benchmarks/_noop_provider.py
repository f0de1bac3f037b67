"""A dynamic resource that does nothing: the engine's own cost per resource, for engine_overhead.py."""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider


class NoOpProvider(ResourceProvider):
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=uuid.uuid4().hex, outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)


class NoOp(Resource, module="bench", name="NoOp"):
    def __init__(self, name: str, value: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoOpProvider(), name, {"value": value}, opts)
