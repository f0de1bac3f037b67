"""Run a program under ``pulumi.runtime.set_mocks`` and record every registration.

The mocks answer the Bedrock dynamic resources as their providers would after a create: ARNs in
the resource's region, a profile's ``models`` from the emulator's catalogue (one model, or every
destination region of a system profile, a global profile's region-less and source-region ARNs)
and its source resolved to an ARN. Each run happens in a
fresh thread with its own event loop, so the SDK's settings never leak between tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.stack import run_in_stack

from pulumi_bedrock_inference.testing.emulator.catalogue import FOUNDATION_MODELS, INFERENCE_PROFILE_GEOGRAPHIES, SystemInferenceProfile

ACCOUNT = "123456789012"
PROFILE = "pulumi-python:dynamic/bedrock:ApplicationInferenceProfile"
DEPLOYMENT = "pulumi-python:dynamic/bedrock:CustomModelDeployment"
THROUGHPUT = "pulumi-python:dynamic/bedrock:ProvisionedModelThroughput"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
COST_ALLOCATION_TAGS = "pulumi-python:dynamic/costexplorer:CostAllocationTags"
BUDGET = "aws:budgets/budget:Budget"


@dataclass
class Registration:
    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str
    protect: bool
    custom: bool
    urn: str = ""
    aliases: tuple[str, ...] = ()
    """The URNs the engine would look the resource up under besides ``urn`` (:func:`alias_urns`)."""
    dependencies: list[str] = field(default_factory=list)
    """URNs of ``depends_on``."""


@dataclass
class Recorded:
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    """Stack outputs (``pulumi.export``)."""
    component_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """URN → what the component passed to ``register_outputs``."""

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> Registration:
        (found,) = [r for r in self.resources if r.name == name]
        return found


def _id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:12]


class BedrockMocks(Mocks):
    def __init__(self, config: Mapping[str, str]) -> None:
        self.region = config.get("aws:region", "us-east-1")
        self.recorded: dict[tuple[str, str], dict[str, Any]] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        inputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
        region = inputs.get("region") or self.region
        outputs = dict(inputs, region=region)
        if args.typ == PROFILE:
            arn = f"arn:aws:bedrock:{region}:{ACCOUNT}:application-inference-profile/{_id(args.name)}"
            copy_from = inputs["model_source"]["copy_from"]
            source_id = copy_from.rsplit("/", 1)[-1]
            prefix, _, model_id = source_id.partition(".")
            if prefix in INFERENCE_PROFILE_GEOGRAPHIES and model_id in FOUNDATION_MODELS:
                resolved = f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{source_id}"
                system = SystemInferenceProfile(INFERENCE_PROFILE_GEOGRAPHIES[prefix], FOUNDATION_MODELS[model_id])
                model_arns = system.model_arns(region)
            else:
                resolved = f"arn:aws:bedrock:{region}::foundation-model/{source_id}"
                model_arns = [resolved]
            outputs.update(arn=arn, model_source={"copy_from": resolved}, models=[{"model_arn": m} for m in model_arns], status="ACTIVE")
            id_ = arn
        elif args.typ == DEPLOYMENT:
            id_ = outputs["arn"] = f"arn:aws:bedrock:{region}:{ACCOUNT}:custom-model-deployment/{_id(args.name)}"
        elif args.typ == THROUGHPUT:
            id_ = outputs["provisioned_model_arn"] = f"arn:aws:bedrock:{region}:{ACCOUNT}:provisioned-model/{_id(args.name)}"
        else:
            id_ = f"{args.name}-id"
        self.recorded[(args.typ, args.name)] = {"inputs": inputs, "outputs": outputs}
        return id_, outputs

    def call(self, args: MockCallArgs) -> tuple[dict, Optional[list[tuple[str, str]]]]:
        return {}, None


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: BedrockMocks, recorded: Recorded) -> None:
        super().__init__(mocks)
        self.bedrock_mocks = mocks
        self.recorded = recorded
        self.stack_urn = ""
        self.lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = response.urn
            return response
        seen = self.bedrock_mocks.recorded.get((request.type, request.name), {"inputs": {}, "outputs": {}})
        with self.lock:
            self.recorded.resources.append(
                Registration(
                    request.type, request.name, seen["inputs"], seen["outputs"], request.parent, request.protect,
                    request.custom, engine_urn(response.urn), alias_urns(request, engine_urn(response.urn)),
                    list(request.dependencies),
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        with self.lock:
            if request.urn == self.stack_urn:
                self.recorded.outputs = dict(outputs)
            else:
                self.recorded.component_outputs[request.urn] = dict(outputs)
        return super().RegisterResourceOutputs(request)


def engine_urn(urn: str) -> str:
    """``urn`` as the engine writes it: the mock monitor puts the root stack's type in the type chain
    of top-level resources' children, the engine does not (``parentIsRootStack``)."""
    return urn.replace("::pulumi:pulumi:Stack$", "::")


def alias_urns(request: Any, own_urn: str) -> tuple[str, ...]:
    """The alias URNs of a RegisterResource request as the engine computes them
    (``collapseAliasToUrn`` in pulumi/pulumi ``pkg/resource/deploy/step_generator.go``): each field
    of an alias spec left empty is the resource's own; the parent's full qualified type prefixes the
    type. An alias equal to ``own_urn`` is left out: the engine looks the URN itself up first, so it
    never matches anything else."""
    urns = []
    for alias in request.aliases:
        if alias.urn:
            urns.append(alias.urn)
            continue
        spec = alias.spec
        parent = "" if spec.noParent else engine_urn(spec.parentUrn or request.parent)
        type_ = spec.type or request.type
        if parent:
            type_ = f"{parent.split('::')[2]}${type_}"
        urns.append(f"urn:pulumi:{spec.stack or 'dev'}::{spec.project or 'proj'}::{type_}::{spec.name or request.name}")
    return tuple(urn for urn in urns if urn != own_urn)


_PLACEHOLDER = object()


def run(program: Callable[[], None], config: Optional[Mapping[str, str]] = None, preview: bool = False) -> Recorded:
    """Run ``program`` under mocks in a fresh thread; re-raise what it raised."""
    config = {"aws:region": "us-east-1", **(config or {})}
    recorded = Recorded()
    failure: list[BaseException] = []

    def body() -> None:
        try:
            mocks = BedrockMocks(config)
            set_all_config(dict(config), [])
            settings.set_root_resource(_PLACEHOLDER)  # type: ignore[arg-type]
            set_mocks(mocks, project="proj", stack="dev", preview=preview, monitor=RecordingMonitor(mocks, recorded))
            settings.set_root_resource(None)  # type: ignore[arg-type]
            settings.SETTINGS.outputs = set()
            settings.SETTINGS.lock = threading.Lock()
            asyncio.run(run_in_stack(program))
        except BaseException as error:  # noqa: BLE001 re-raised in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return recorded
