"""The foundation models and system-defined inference profiles the emulator serves.

These are plain module-level tables so tests and users can read them from Python, e.g.
``FOUNDATION_MODELS["anthropic.claude-3-5-sonnet-20241022-v2:0"].provider_name``.
Every region the emulator serves offers the whole catalogue; system-defined inference
profiles are offered in the regions of their geography (``us.`` profiles in US regions,
``global.`` profiles everywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

from pulumi_bedrock_inference import identifiers
from pulumi_bedrock_inference.identifiers import bedrock_arn, partition_of

PARTITION = "aws"
"""The partition of the default region; every ARN takes the partition of its own region (``partition_of``)."""


@dataclass(frozen=True)
class FoundationModel:
    """One foundation model as GetFoundationModel describes it."""

    model_id: str
    model_name: str
    provider_name: str
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    customizations_supported: tuple[str, ...] = ()
    #: ``ON_DEMAND`` and/or ``PROVISIONED`` (the values botocore's InferenceType enum allows).
    inference_types_supported: tuple[str, ...] = ("ON_DEMAND",)
    #: Geographies (keys of :data:`INFERENCE_PROFILE_GEOGRAPHIES`) with a system-defined
    #: cross-region inference profile for this model.
    inference_profile_geographies: tuple[str, ...] = ()
    response_streaming_supported: bool = True
    lifecycle_status: str = "ACTIVE"
    #: False: bedrock-runtime refuses the model's own ID or ARN as modelId ("Invocation of model
    #: ID ... with on-demand throughput isn't supported"); it is invoked through an inference
    #: profile only (AWS lists such models with inference type ``INFERENCE_PROFILE``).
    on_demand_invocation: bool = True

    def arn(self, region: str) -> str:
        """The model's ARN in ``region`` (foundation-model ARNs have no account)."""
        return foundation_model_arn(region, self.model_id)

    def details(self, region: str) -> dict[str, Any]:
        """The ``FoundationModelDetails`` structure for ``region``."""
        return {
            "modelArn": self.arn(region),
            "modelId": self.model_id,
            "modelName": self.model_name,
            "providerName": self.provider_name,
            "inputModalities": list(self.input_modalities),
            "outputModalities": list(self.output_modalities),
            "responseStreamingSupported": self.response_streaming_supported,
            "customizationsSupported": list(self.customizations_supported),
            "inferenceTypesSupported": list(self.inference_types_supported),
            "modelLifecycle": {"status": self.lifecycle_status, "startOfLifeTime": MODEL_START_OF_LIFE},
        }


@dataclass(frozen=True)
class InferenceProfileGeography:
    """A cross-region inference geography: the profile-ID prefix and the regions it routes to."""

    prefix: str
    display_name: str
    destination_regions: tuple[str, ...]
    #: Regions in which the geography's system-defined profiles are offered
    #: (``None``: every region).
    source_region_prefixes: tuple[str, ...] | None = field(default=None)
    #: True for ``global``: the profile's ``models`` are the model in the source region and the
    #: region-less ``arn:aws:bedrock:::foundation-model/<id>``, not one ARN per destination.
    region_less: bool = False

    def offered_in(self, region: str) -> bool:
        """Whether a region can use this geography's system-defined profiles."""
        if self.source_region_prefixes is None:
            return True
        return region.startswith(self.source_region_prefixes)


MODEL_START_OF_LIFE = datetime(2024, 1, 1, tzinfo=timezone.utc)
SYSTEM_PROFILE_CREATED_AT = datetime(2024, 8, 27, tzinfo=timezone.utc)

INFERENCE_PROFILE_GEOGRAPHIES: Mapping[str, InferenceProfileGeography] = {
    "us": InferenceProfileGeography("us", "US", ("us-east-1", "us-east-2", "us-west-2"), ("us-",)),
    "eu": InferenceProfileGeography("eu", "EU", ("eu-central-1", "eu-west-1", "eu-west-3"), ("eu-",)),
    "apac": InferenceProfileGeography(
        "apac", "APAC", ("ap-northeast-1", "ap-southeast-1", "ap-southeast-2"), ("ap-",)
    ),
    "global": InferenceProfileGeography(
        "global",
        "Global",
        (
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-central-1",
            "eu-west-1",
            "eu-west-3",
            "ap-northeast-1",
            "ap-southeast-1",
            "ap-southeast-2",
        ),
        region_less=True,
    ),
}

_ALL_GEOGRAPHIES = ("us", "eu", "apac", "global")

FOUNDATION_MODELS: Mapping[str, FoundationModel] = {
    model.model_id: model
    for model in (
        FoundationModel(
            "anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "Anthropic",
            ("TEXT", "IMAGE"), ("TEXT",), (), ("ON_DEMAND", "PROVISIONED"), ("us", "apac"),
        ),
        FoundationModel(
            "anthropic.claude-3-5-sonnet-20240620-v1:0", "Claude 3.5 Sonnet", "Anthropic",
            ("TEXT", "IMAGE"), ("TEXT",), (), ("ON_DEMAND", "PROVISIONED"), ("us", "eu", "apac"),
        ),
        FoundationModel(
            "anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet", "Anthropic",
            ("TEXT", "IMAGE"), ("TEXT",), (), ("ON_DEMAND",), ("us", "eu", "apac"), on_demand_invocation=False,
        ),
        FoundationModel(
            "anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic",
            ("TEXT", "IMAGE"), ("TEXT",), ("FINE_TUNING", "DISTILLATION"), ("ON_DEMAND", "PROVISIONED"),
            ("us", "eu", "apac"),
        ),
        FoundationModel(
            "anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4", "Anthropic",
            ("TEXT", "IMAGE"), ("TEXT",), (), ("ON_DEMAND",), _ALL_GEOGRAPHIES, on_demand_invocation=False,
        ),
        FoundationModel(
            "amazon.nova-pro-v1:0", "Nova Pro", "Amazon",
            ("TEXT", "IMAGE"), ("TEXT",), ("FINE_TUNING", "DISTILLATION"), ("ON_DEMAND", "PROVISIONED"),
            ("us", "eu", "apac"),
        ),
        FoundationModel(
            "amazon.nova-lite-v1:0", "Nova Lite", "Amazon",
            ("TEXT", "IMAGE"), ("TEXT",), ("FINE_TUNING", "DISTILLATION"), ("ON_DEMAND", "PROVISIONED"),
            ("us", "eu", "apac"),
        ),
        FoundationModel(
            "amazon.nova-micro-v1:0", "Nova Micro", "Amazon",
            ("TEXT",), ("TEXT",), ("FINE_TUNING", "DISTILLATION"), ("ON_DEMAND", "PROVISIONED"),
            ("us", "eu", "apac"),
        ),
        FoundationModel(
            "amazon.titan-embed-text-v2:0", "Titan Embed Text V2", "Amazon",
            ("TEXT",), ("EMBEDDING",), (), ("ON_DEMAND", "PROVISIONED"), (), False,
        ),
        FoundationModel(
            "amazon.titan-text-express-v1", "Titan Text Express", "Amazon",
            ("TEXT",), ("TEXT",), ("FINE_TUNING", "CONTINUED_PRE_TRAINING"), ("ON_DEMAND", "PROVISIONED"),
            (), True, "LEGACY",
        ),
        FoundationModel(
            "meta.llama3-1-8b-instruct-v1:0", "Llama 3.1 8B", "Meta",
            ("TEXT",), ("TEXT",), ("FINE_TUNING", "DISTILLATION"), ("ON_DEMAND", "PROVISIONED"), ("us",),
        ),
        FoundationModel(
            "meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B", "Meta",
            ("TEXT",), ("TEXT",), ("FINE_TUNING", "DISTILLATION"), ("ON_DEMAND", "PROVISIONED"), ("us",),
        ),
        FoundationModel(
            "mistral.mistral-large-2402-v1:0", "Mistral Large 24.02", "Mistral AI",
            ("TEXT",), ("TEXT",), (), ("ON_DEMAND",), (),
        ),
        FoundationModel(
            "cohere.embed-english-v3", "Embed English", "Cohere",
            ("TEXT",), ("EMBEDDING",), (), ("ON_DEMAND", "PROVISIONED"), (), False,
        ),
    )
}


@dataclass(frozen=True)
class SystemInferenceProfile:
    """A system-defined (cross-region) inference profile, e.g. ``us.anthropic.claude-3-haiku-20240307-v1:0``."""

    geography: InferenceProfileGeography
    model: FoundationModel

    @property
    def inference_profile_id(self) -> str:
        return f"{self.geography.prefix}.{self.model.model_id}"

    @property
    def inference_profile_name(self) -> str:
        """E.g. ``US Claude 3-5 Sonnet v2``: the service's naming, within botocore's InferenceProfileName
        pattern (letters, digits and single separators, so no dots)."""
        return re.sub(r"[^0-9a-zA-Z]+", lambda m: m.group(0)[0] if m.group(0)[0] in " _-" else "-",
                      f"{self.geography.display_name} {self.model.model_name}")

    @property
    def description(self) -> str:
        if self.geography.region_less:
            return f"Routes requests to {self.model.model_name} globally across all supported AWS Regions."
        regions = " ".join(self.geography.destination_regions)
        return f"Routes requests to {self.model.model_name} in {regions}"

    def arn(self, region: str, account_id: str) -> str:
        return bedrock_arn(partition_of(region), region, account_id, "inference-profile", self.inference_profile_id)

    def model_arns(self, source_region: str | None = None) -> list[str]:
        """The profile's ``models`` as GetInferenceProfile lists them in ``source_region``: one
        foundation-model ARN per destination region; for a ``global.`` profile the region-less ARN
        and the source region's (``source_region`` required). Source: :data:`GLOBAL_PROFILE_SOURCE`."""
        if self.geography.region_less:
            if source_region is None:
                raise ValueError(f"{self.inference_profile_id}: the models of a global profile depend on the source region")
            return [foundation_model_arn("", self.model.model_id, partition_of(source_region)), self.model.arn(source_region)]
        return [self.model.arn(region) for region in self.geography.destination_regions]


SYSTEM_INFERENCE_PROFILES: Mapping[str, SystemInferenceProfile] = {
    profile.inference_profile_id: profile
    for profile in (
        SystemInferenceProfile(INFERENCE_PROFILE_GEOGRAPHIES[geo], model)
        for model in FOUNDATION_MODELS.values()
        for geo in model.inference_profile_geographies
    )
}


def foundation_model_arn(region: str, model_id: str, partition: str | None = None) -> str:
    """``arn:<partition>:bedrock:{region}::foundation-model/{model_id}`` (the partition of ``region``
    unless given; ``region`` empty for a global profile's region-less ARN)."""
    return identifiers.foundation_model_arn(region, model_id, partition or (None if region else PARTITION))


def system_inference_profiles_in(region: str) -> list[SystemInferenceProfile]:
    """The system-defined inference profiles offered in ``region``."""
    return [p for p in SYSTEM_INFERENCE_PROFILES.values() if p.geography.offered_in(region)]


# --------------------------------------------------------------------------- runtime and IAM rules
# Service rules the emulator's bedrock-runtime applies (see :mod:`.runtime`), with their source.

#: Where cross-region (system-defined) profiles route: a request through a ``us.``/``eu.``/
#: ``apac.``/``global.`` profile, or an application profile copying one, is served in one of
#: the regions listed in the profile's ``models`` (the geography's ``destination_regions``
#: above). Source: "Supported Regions and models for inference profiles",
#: https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
#: (the emulator offers a subset of each geography's regions).
CROSS_REGION_INFERENCE_SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html"

#: The IAM action each bedrock-runtime operation is authorized with: Converse authorizes as
#: InvokeModel and ConverseStream as InvokeModelWithResponseStream. Source: Service
#: Authorization Reference, "Actions, resources, and condition keys for Amazon Bedrock",
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html
#: and "Carry out a conversation with the Converse API operations" (required permissions),
#: https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html
INVOKE_ACTIONS: Mapping[str, str] = {
    "InvokeModel": identifiers.INVOKE_ACTION,
    "Converse": identifiers.INVOKE_ACTION,
    "InvokeModelWithResponseStream": identifiers.STREAM_ACTION,
    "ConverseStream": identifiers.STREAM_ACTION,
}

#: Condition key holding the inference profile a request goes through; present in the request
#: context only when the modelId is an inference profile (system-defined or application).
#: Source: the Service Authorization Reference page above (condition keys table).
INFERENCE_PROFILE_ARN_CONDITION_KEY = identifiers.INFERENCE_PROFILE_ARN_KEY

#: Through an inference profile, IAM authorizes the invoke action on the profile's ARN **and**
#: on the foundation-model ARN in the region the request is routed to, so a grant must list
#: the model in every destination region. Source: "Prerequisites for inference profiles",
#: https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html
PROFILE_AUTHORIZATION_SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html"

#: A ``global.`` profile (and an application profile copying one) lists as ``models`` the
#: region-less ``arn:aws:bedrock:::foundation-model/<id>`` and the source region's model ARN; a
#: request may be served in any commercial region. IAM authorizes the profile, the model in the
#: source region with ``aws:RequestedRegion`` = the source region, and the region-less model with
#: ``aws:RequestedRegion`` = ``unspecified``, each with ``bedrock:InferenceProfileArn`` = the profile.
#: Source: "Global cross-Region inference", section "IAM policy requirements for global
#: cross-Region inference".
GLOBAL_PROFILE_SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html"
GLOBAL_REQUESTED_REGION = identifiers.GLOBAL_REQUESTED_REGION

#: ``bedrock:ServiceTier`` is in the request context when the request names a ``serviceTier``
#: (Converse/ConverseStream ``serviceTier.type``, InvokeModel* ``X-Amzn-Bedrock-Service-Tier``);
#: a request naming none runs at the default tier. Source: "Control access to service tiers",
#: https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples-agent.html
SERVICE_TIER_CONDITION_KEY = "bedrock:ServiceTier"

#: At the destination, ``aws:RequestedRegion`` is the destination region: a region-restricting
#: SCP or policy must allow every destination region of a cross-region profile. Sources: AWS
#: re:Post "Why do I get AccessDeniedException when I use an inference profile ... across
#: Regions", https://repost.aws/knowledge-center/bedrock-access-denied-exception, and AWS's SCP
#: example "Deny access to AWS based on the requested AWS region with Bedrock CRIS"
#: (aws-samples/service-control-policy-examples).
REQUESTED_REGION_AT_DESTINATION_SOURCE = "https://repost.aws/knowledge-center/bedrock-access-denied-exception"

#: The wording of AWS's refusal of an identity-policy check (AccessDeniedException, HTTP 403).
#: Source: "Troubleshoot access denied error messages",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
ACCESS_DENIED_IMPLICIT = (
    "User: {principal} is not authorized to perform: {action} on resource: {resource} "
    "because no identity-based policy allows the {action} action"
)
ACCESS_DENIED_EXPLICIT = (
    "User: {principal} is not authorized to perform: {action} on resource: {resource} "
    "with an explicit deny in an identity-based policy"
)

#: ValidationException messages of bedrock-runtime for a model identifier it cannot use.
INVALID_MODEL_IDENTIFIER = "The provided model identifier is invalid."
UNSUPPORTED_FOR_CONVERSE = "This action doesn't support the model that you provided. Try again with a supported text or chat model."
UNSUPPORTED_FOR_STREAMING = "The model is unsupported for streaming."
#: For a model with ``on_demand_invocation=False`` called by its own ID/ARN (the wording users
#: report, e.g. cline/cline#2482, anthropics/anthropic-sdk-python#894).
PROFILE_REQUIRED = (
    "Invocation of model ID {model_id} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)
