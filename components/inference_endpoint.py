"""InferenceEndpoint: one invokable Bedrock model for one application, tagged, with its IAM grant.

The child is chosen from the arguments:

- ``provisioned_throughput`` set: a :class:`ProvisionedModelThroughput` of the model (foundation or
  custom); clients invoke the throughput's ARN (an application profile cannot copy a throughput);
- a custom model without it: a :class:`CustomModelDeployment` (on-demand inference);
- any other model (foundation model or system-defined profile): an
  :class:`ApplicationInferenceProfile` copying it, so usage is tracked by the profile's tags.

Reads top to bottom: arguments → the component → helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, TypedDict, Union

import pulumi

from ..providers.custom_model_deployment import DESCRIPTION_RULE as DEPLOYMENT_DESCRIPTION_RULE
from ..providers.custom_model_deployment import NAME_RULE as DEPLOYMENT_NAME_RULE
from ..providers.custom_model_deployment import CustomModelDeployment
from ..providers.inference_profile import DESCRIPTION_RULE as PROFILE_DESCRIPTION_RULE
from ..providers.inference_profile import NAME_RULE as PROFILE_NAME_RULE
from ..providers.inference_profile import ApplicationInferenceProfile
from ..identifiers import COMMITMENT_DURATIONS
from ..providers.provisioned_throughput import MODEL_UNITS_RULE, ProvisionedModelThroughput
from ..providers.provisioned_throughput import NAME_RULE as THROUGHPUT_NAME_RULE
from . import iam
from .validation import (
    MODEL_MEANING,
    InvalidArgumentError,
    base_model_id,
    check_fields,
    check_string,
    check_tags,
    classify_model,
    stack_default_tags,
)

if TYPE_CHECKING:
    import pulumi_aws as aws

TYPE_TOKEN = "bedrock-inference:index:InferenceEndpoint"


class _ProvisionedThroughputRequired(TypedDict):
    model_units: pulumi.Input[int]
    """Model units to buy, a whole number ≥ 1. Changing it buys a new throughput (replacement)."""


class ProvisionedThroughputArgs(_ProvisionedThroughputRequired, total=False):
    """Provisioned throughput for :class:`InferenceEndpoint` (``model_units`` required)."""

    commitment_duration: Optional[pulumi.Input[str]]
    """``OneMonth`` or ``SixMonths``: a lower hourly price for a term AWS refuses to delete the
    throughput before. Default: none (billed hourly until deleted). Changing it replaces the throughput."""


class _InferenceEndpointRequired(TypedDict):
    model: pulumi.Input[str]
    """What to serve: a foundation model ID or ARN (``anthropic.claude-3-haiku-20240307-v1:0``), a
    system (cross-region) inference profile ID or ARN (``us.anthropic.claude-3-5-sonnet-20241022-v2:0``),
    or a custom model ARN (``arn:aws:bedrock:<region>:<account>:custom-model/...``)."""


class InferenceEndpointArgs(_InferenceEndpointRequired, total=False):
    """Arguments of :class:`InferenceEndpoint` (``model`` required)."""

    provisioned_throughput: Optional[ProvisionedThroughputArgs]
    """``{"model_units": 1, "commitment_duration": "OneMonth"}``: serve the model on provisioned
    throughput (not for a system profile). Default: none, on-demand. Adding or removing it replaces
    the child and changes ``model_id``. The mapping must be given as a value (its fields may be Outputs)."""
    protect_commitment: bool
    """Also give a throughput that has (or may have, when ``commitment_duration`` is an Output) a
    commitment Pulumi's ``protect``, so a destroy or replacing change is refused in preview, before
    the provider is asked. Default: false: the provider already refuses to delete the throughput
    while its commitment runs (on AWS's clock) and replaces it delete-first, so nothing is deleted
    or bought twice, and once the commitment has ended a move to other units, to no commitment or to
    on-demand is one ``pulumi up``. With true, moving off it needs ``protect_commitment=False`` in
    the same ``up`` (other units or no commitment) or ``pulumi state unprotect <urn>`` (on-demand:
    the throughput is no longer in the program, and the engine reads ``protect`` from the state)."""
    custom_model: Optional[bool]
    """Whether ``model`` is a custom model. Default: read from ``model``; required when ``model`` is an
    Output and there is no ``provisioned_throughput`` (the child's type depends on it)."""
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]]
    """Tags for the child, merged over the stack's ``aws:defaultTags``: at most 50 together; key
    1–128 and value 0–256 characters of ``[a-zA-Z0-9\\s._:/=+@-]``; no ``aws:`` prefix. Updated in place."""
    description: Optional[pulumi.Input[str]]
    """Profile: 1–200 characters of letters, digits, ``:`` and ``.``, each optionally followed by one
    space, ``_`` or ``-``; deployment: 1–2048 characters. A provisioned throughput has no description
    (ignored, with a warning). Default: none. Replaces the child on change."""
    region: Optional[pulumi.Input[str]]
    """Region of the child. Default: stack config ``aws:region``, else the region boto3 reads (``AWS_DEFAULT_REGION``
    or the AWS profile's config file; not ``AWS_REGION``). Replaces on change."""
    name: Optional[pulumi.Input[str]]
    """The child's name in AWS. Profile: 1–64 characters; deployment and throughput: 1–63; letters and
    digits, each optionally followed by one ``_`` or ``-`` (a profile also allows a space). Default:
    ``<component name>-<kind>-<8 hex>`` (see the child's ``name``)."""


ARGUMENTS = tuple(InferenceEndpointArgs.__annotations__)
THROUGHPUT_ARGUMENTS = tuple(ProvisionedThroughputArgs.__annotations__)


class InferenceEndpoint(pulumi.ComponentResource):
    """One invokable Bedrock model: an application inference profile, a custom model deployment or a
    provisioned throughput, tagged for cost tracking, with the IAM policy that invokes it.

    Children are named ``<name>-profile``, ``<name>-deployment`` or ``<name>-throughput``.
    """

    model_id: pulumi.Output[str]
    """The ARN to pass as ``modelId`` to InvokeModel, Converse and their streaming forms."""
    kind: pulumi.Output[str]
    """``profile``, ``deployment`` or ``provisioned``."""
    base_model_id: pulumi.Output[str]
    """The foundation model ID or custom model ARN: what tells a client which request format to use."""
    regions: pulumi.Output[list[str]]
    """The regions a request may be served in that AWS names, sorted: the regions of the profile's
    ``models``, else the child's region. A ``global.`` profile's ``models`` name its source region and
    a region-less ARN (it may serve in any commercial region): ``regions`` is then the source region
    alone. Never holds an empty string."""
    invoke_policy: pulumi.Output[str]
    """IAM policy JSON granting exactly the invoke access (see :func:`~.iam.invoke_policy_document`)."""
    env: pulumi.Output[dict[str, str]]
    """``{"BEDROCK_MODEL_ID": model_id, "BEDROCK_REGION": <child's region>}`` for a container (ECS, EKS, App
    Runner) or a Lambda function: the client passes ``BEDROCK_REGION`` as the bedrock-runtime client's region.
    The Bedrock region has its own name so that every other SDK client keeps the container's ``AWS_REGION``
    (and Lambda reserves ``AWS_REGION``: it refuses it in a function's configuration)."""
    lambda_env: pulumi.Output[dict[str, str]]
    """The same as :attr:`env`; kept for programs written when ``env`` set ``AWS_REGION``."""
    profile: Optional[ApplicationInferenceProfile]
    """The child profile, when ``kind`` is ``profile``."""
    deployment: Optional[CustomModelDeployment]
    """The child deployment, when ``kind`` is ``deployment``."""
    throughput: Optional[ProvisionedModelThroughput]
    """The child throughput, when ``kind`` is ``provisioned``."""

    def __init__(
        self,
        resource_name: str,
        args: Optional[InferenceEndpointArgs] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
        **kwargs: Any,
    ) -> None:
        """
        :param resource_name: The component's name; the children's names derive from it.
        :param args: The arguments (or give them as keyword arguments).
        :param opts: Options for the component; children get ``parent=self``.
        """
        if args is not None and kwargs:
            raise TypeError("InferenceEndpoint takes args or keyword arguments, not both")
        arguments: Mapping[str, Any] = dict(args if args is not None else kwargs)
        label = f'InferenceEndpoint "{resource_name}"'
        kind = _check(label, arguments, stack_default_tags())
        super().__init__(TYPE_TOKEN, resource_name, None, opts)
        self.profile = self.deployment = self.throughput = None

        model = arguments["model"]
        common = {"tags": arguments.get("tags"), "region": arguments.get("region")}
        if kind == "provisioned":
            throughput = arguments["provisioned_throughput"]
            if arguments.get("description") is not None:
                pulumi.log.warn(f"{label}: description is ignored: a provisioned throughput has none", self)
            self.throughput = ProvisionedModelThroughput(
                f"{resource_name}-throughput",
                model_arn=model,
                model_units=throughput["model_units"],
                commitment_duration=throughput.get("commitment_duration"),
                provisioned_model_name=arguments.get("name"),
                **common,
                opts=pulumi.ResourceOptions(parent=self, protect=_protect(arguments)),
            )
            arn, region = self.throughput.provisioned_model_arn, self.throughput.region
            target = iam.invoke_target(arn)
            regions = region.apply(lambda r: [r])
        elif kind == "deployment":
            self.deployment = CustomModelDeployment(
                f"{resource_name}-deployment",
                model_arn=model,
                name=arguments.get("name"),
                description=arguments.get("description"),
                **common,
                opts=pulumi.ResourceOptions(parent=self),
            )
            arn, region = self.deployment.arn, self.deployment.region
            target = iam.invoke_target(arn)
            regions = region.apply(lambda r: [r])
        else:
            self.profile = ApplicationInferenceProfile(
                f"{resource_name}-profile",
                model_source={"copy_from": model},
                name=arguments.get("name"),
                description=arguments.get("description"),
                **common,
                opts=pulumi.ResourceOptions(parent=self),
            )
            arn, region = self.profile.arn, self.profile.region
            target = iam.profile_invoke_target(self.profile)
            regions = target.apply(lambda values: iam.regions_of(values[1]))

        self._target = target
        self._planned = iam.planned_endpoint(kind, model, iam.planned_region(arguments.get("region")))
        self.model_id = arn
        self.kind = pulumi.Output.from_input(kind)
        self.base_model_id = pulumi.Output.from_input(model).apply(base_model_id)
        self.regions = regions
        self.invoke_policy = iam.invoke_policy_json(target, streaming=True)
        self.env = pulumi.Output.all(arn, region).apply(lambda values: {"BEDROCK_MODEL_ID": values[0], "BEDROCK_REGION": values[1]})
        self.lambda_env = self.env
        self.register_outputs({
            "model_id": self.model_id,
            "kind": self.kind,
            "base_model_id": self.base_model_id,
            "regions": self.regions,
            "invoke_policy": self.invoke_policy,
            "env": self.env,
            "lambda_env": self.lambda_env,
        })

    def grant_invoke(
        self,
        role: Union["aws.iam.Role", pulumi.Input[str]],
        *,
        streaming: bool = True,
        name: Optional[str] = None,
        service_tiers: Optional[Sequence[str]] = None,
        marketplace_product_ids: Optional[Sequence[str]] = None,
    ) -> "aws.iam.RolePolicy":
        """Attach :attr:`invoke_policy` to ``role`` as an inline ``aws.iam.RolePolicy`` child of this component.

        pulumi-aws needs AWS credentials for this resource even in ``pulumi preview``
        (pulumi-aws#3971); :attr:`invoke_policy` alone keeps previews credential-free.

        :param role: An ``aws.iam.Role``, a role name or a role ARN, each plain or as an Output. IAM is
            sent the role's name.
        :param streaming: Also grant ``bedrock:InvokeModelWithResponseStream`` (streaming and ConverseStream). Default: true.
        :param name: The RolePolicy's resource name. Default: ``<component>-invoke-<role resource name or role name>``
            (``<component>-invoke`` for a role given as an Output; a second such grant needs ``name``).
        :param service_tiers: The ``serviceTier`` values (``priority``, ``default``, ``flex``, ``reserved``) the role
            may request (condition key ``bedrock:ServiceTier``); a request without one runs at the default tier
            and is allowed only if ``default`` is listed. Default: none, any tier.
        :param marketplace_product_ids: AWS Marketplace product IDs of the model, to let the role subscribe the
            account on the first invocation of a third-party model (``aws-marketplace:Subscribe`` limited to those
            products, ``Unsubscribe``, ``ViewSubscriptions``). Default: none.
        :raises InvalidArgumentError: a malformed role, tier or product ID, a name already used, or a policy that would
            push the role's inline policies past IAM's 10,240 characters (counted for every grant of the program).
        """
        return iam.grant_invoke(
            self, self.pulumi_resource_name, role, name,
            label=f'InferenceEndpoint "{self.pulumi_resource_name}"', grant=("InferenceEndpoint", self.pulumi_resource_name),
            planned=[self._planned], targets=self._target,
            streaming=streaming, service_tiers=service_tiers, marketplace_product_ids=marketplace_product_ids,
        )


def _check(label: str, arguments: Mapping[str, Any], default_tags: Mapping[str, str]) -> str:
    """Validate the known arguments; the child's kind: ``profile``, ``deployment`` or ``provisioned``."""
    check_fields(label, arguments, ARGUMENTS)
    model = arguments.get("model")
    if model is None:
        raise InvalidArgumentError(label, "model", f"is required: {MODEL_MEANING}")
    custom = arguments.get("custom_model")
    if custom is not None and not isinstance(custom, bool):
        raise InvalidArgumentError(label, "custom_model", f"must be true or false, got {custom!r}")
    if isinstance(model, pulumi.Output):
        model_kind = None if custom is None else ("custom-model" if custom else "foundation-model")
    elif not isinstance(model, str) or classify_model(model) is None:
        raise InvalidArgumentError(label, "model", f"must be {MODEL_MEANING}, got {model!r}")
    else:
        model_kind = classify_model(model).kind  # type: ignore[union-attr]
        if custom is not None and custom != (model_kind == "custom-model"):
            raise InvalidArgumentError(label, "custom_model", f"is {custom}, but model {model!r} is a {model_kind}")

    throughput = arguments.get("provisioned_throughput")
    if throughput is not None:
        _check_throughput(label, throughput)
        if model_kind == "system-profile":
            raise InvalidArgumentError(
                label, "provisioned_throughput",
                f"cannot serve a system inference profile ({model}): give the foundation model or custom model to provision",
            )
        kind, name_rule, description_rule = "provisioned", THROUGHPUT_NAME_RULE, None
    elif model_kind is None:
        raise InvalidArgumentError(
            label, "custom_model",
            "is required when model is an Output: true (a custom model: a deployment) or false (a foundation model "
            "or system profile: an application inference profile); the child's type cannot wait for the value",
        )
    elif model_kind == "custom-model":
        kind, name_rule, description_rule = "deployment", DEPLOYMENT_NAME_RULE, DEPLOYMENT_DESCRIPTION_RULE
    else:
        kind, name_rule, description_rule = "profile", PROFILE_NAME_RULE, PROFILE_DESCRIPTION_RULE

    check_string(label, "name", arguments.get("name"), name_rule)
    if description_rule is not None:
        check_string(label, "description", arguments.get("description"), description_rule)
    check_tags(label, "tags", arguments.get("tags"), default_tags)
    protect = arguments.get("protect_commitment", False)
    if not isinstance(protect, bool):
        raise InvalidArgumentError(label, "protect_commitment", f"must be true or false, got {protect!r}")
    return kind


def _check_throughput(label: str, throughput: Any) -> None:
    if not isinstance(throughput, Mapping):
        raise InvalidArgumentError(
            label, "provisioned_throughput", 'must be a mapping like {"model_units": 1, "commitment_duration": "OneMonth"}'
        )
    check_fields(label, throughput, THROUGHPUT_ARGUMENTS, "provisioned_throughput.")
    units = throughput.get("model_units")
    if units is None:
        raise InvalidArgumentError(label, "provisioned_throughput.model_units", f"is required: {MODEL_UNITS_RULE} model units")
    if not isinstance(units, pulumi.Output) and (isinstance(units, bool) or not isinstance(units, int) or MODEL_UNITS_RULE.problem(units)):
        raise InvalidArgumentError(label, "provisioned_throughput.model_units", f"must be {MODEL_UNITS_RULE}, got {units!r}")
    duration = throughput.get("commitment_duration")
    if duration is not None and not isinstance(duration, pulumi.Output) and duration not in COMMITMENT_DURATIONS:
        raise InvalidArgumentError(
            label, "provisioned_throughput.commitment_duration", f"must be one of {', '.join(COMMITMENT_DURATIONS)} or absent, got {duration!r}"
        )


def _protect(arguments: Mapping[str, Any]) -> Optional[bool]:
    """True for a throughput that is (or may be) committed when asked; else None (inherit from the component)."""
    if not arguments.get("protect_commitment", False):
        return None
    return True if arguments["provisioned_throughput"].get("commitment_duration") is not None else None


