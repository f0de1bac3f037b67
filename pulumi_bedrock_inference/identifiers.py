"""Amazon Bedrock identifiers and the vocabulary every layer shares.

The one place that takes apart (and puts together) Bedrock ARNs, foundation model IDs and system
inference profile IDs, names geographies, and holds the words the providers, the components, the
IAM builder, the policy pack and the emulator must agree on: commitment durations, invoke
actions, the profile condition key and the resources' type tokens. Regions and partitions come
from :mod:`.partitions` (botocore's endpoint data) and are re-exported here.

Sources: ARN formats of the Service Authorization Reference for Amazon Bedrock
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html);
the model ID pattern is ``InferenceProfileModelSourceArn``'s ID part in botocore's ``bedrock``
model; geographies from "Supported Regions and models for inference profiles"
(https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from .partitions import (
    DEFAULT_PARTITION,
    PARTITION_PATTERN,
    REGION_MAX_LENGTH,
    REGION_PATTERN,
    is_region,
    partition_of,
    service_regions,
)
from .patterns import LinearPattern

__all__ = [
    "DEFAULT_PARTITION", "PARTITION_PATTERN", "REGION_MAX_LENGTH", "REGION_PATTERN", "is_region", "partition_of",
    "service_regions", "BEDROCK_ARN", "BedrockArn", "parse_arn", "bedrock_arn", "foundation_model_arn", "MODEL_ID_PATTERN",
    "MODEL_ID_MAX_LENGTH", "is_model_id", "GEOGRAPHY_REGION_PREFIXES", "GLOBAL_GEOGRAPHY", "GEOGRAPHIC_PREFIXES",
    "split_profile_id", "foundation_model_id", "COMMITMENT_MONTHS", "COMMITMENT_DURATIONS", "INVOKE_ACTION",
    "STREAM_ACTION", "GET_PROFILE_ACTION", "INFERENCE_PROFILE_ARN_KEY", "SERVICE_TIER_KEY", "SERVICE_TIERS",
    "GLOBAL_REQUESTED_REGION", "TypeToken",
    "APPLICATION_INFERENCE_PROFILE", "CUSTOM_MODEL_DEPLOYMENT", "PROVISIONED_MODEL_THROUGHPUT", "COST_ALLOCATION_TAGS",
]


# ARNs

BEDROCK_ARN = LinearPattern(r"arn:(?P<partition>[^:]+):bedrock:(?P<region>[^:]*):(?P<account>[^:]*):(?P<type>[^/]+)/(?P<id>.+)")
"""Any Bedrock ARN: ``arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123def456``."""
_PARTITION = LinearPattern(PARTITION_PATTERN)
_REGION = LinearPattern(REGION_PATTERN)
_ACCOUNT = LinearPattern(r"\d{12}")
_RESOURCE_TYPE = LinearPattern(r"[a-z-]+")
_RESOURCE_ID = LinearPattern(r"[^*?\s]+")


@dataclass(frozen=True)
class BedrockArn:
    """``arn:<partition>:bedrock:<region>:<account>:<resource_type>/<resource_id>``; region and
    account are empty where the ARN has none (a foundation model has no account, a global
    profile's models no region)."""

    partition: str
    region: str
    account: str
    resource_type: str
    """``foundation-model``, ``inference-profile``, ``application-inference-profile``,
    ``custom-model``, ``custom-model-deployment``, ``provisioned-model``..."""
    resource_id: str
    """Everything after the first ``/``: ``anthropic.claude-3-haiku-20240307-v1:0``,
    ``amazon.titan-text-express-v1:0:8k/abcdef123456`` (a custom model: base model, then ID)."""

    def __str__(self) -> str:
        return bedrock_arn(self.partition, self.region, self.account, self.resource_type, self.resource_id)

    @property
    def is_canonical(self) -> bool:
        """Whether every part has the form AWS gives it: a partition name, a region name or none, a
        12-digit account or none, a lower-case resource type, and no wildcard or white space in the ID."""
        return (
            _PARTITION.fullmatch(self.partition) is not None
            and (not self.region or _REGION.fullmatch(self.region) is not None)
            and (not self.account or _ACCOUNT.fullmatch(self.account) is not None)
            and _RESOURCE_TYPE.fullmatch(self.resource_type) is not None
            and _RESOURCE_ID.fullmatch(self.resource_id) is not None
        )


def parse_arn(text: object) -> Optional[BedrockArn]:
    """The parts of a Bedrock ARN, or None when ``text`` is not one. Lenient about each part's form
    (see :attr:`BedrockArn.is_canonical`): the service judges those."""
    match = BEDROCK_ARN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    return BedrockArn(match.group("partition"), match.group("region"), match.group("account"), match.group("type"), match.group("id"))


def bedrock_arn(partition: str, region: str, account: str, resource_type: str, resource_id: str) -> str:
    return f"arn:{partition}:bedrock:{region}:{account}:{resource_type}/{resource_id}"


def foundation_model_arn(region: str, model_id: str, partition: Optional[str] = None) -> str:
    """``arn:<partition>:bedrock:<region>::foundation-model/<model_id>``: the partition of ``region``
    unless given; ``region`` empty for the region-less ARN of a global profile's model."""
    return bedrock_arn(partition or (partition_of(region) if region else DEFAULT_PARTITION), region, "", "foundation-model", model_id)


# model and system profile IDs

MODEL_ID_PATTERN = r"[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})*([:][a-z0-9-]{1,63}){0,2}"
"""A foundation model ID (``anthropic.claude-3-5-sonnet-20241022-v2:0``) or a system inference
profile ID (``us.anthropic.claude-3-5-sonnet-20241022-v2:0``): the ID part of botocore's
``InferenceProfileModelSourceArn``."""
MODEL_ID_MAX_LENGTH = 2048

_MODEL_ID = LinearPattern(MODEL_ID_PATTERN)


def is_model_id(text: object) -> bool:
    return isinstance(text, str) and 1 <= len(text) <= MODEL_ID_MAX_LENGTH and _MODEL_ID.fullmatch(text) is not None


# geographies

GEOGRAPHY_REGION_PREFIXES: Mapping[str, tuple[str, ...]] = {
    "us": ("us-",), "eu": ("eu-",), "apac": ("ap-",), "jp": ("ap-northeast-",), "au": ("ap-southeast-",),
    "ca": ("ca-",), "us-gov": ("us-gov-",),
}
"""Geographic system profiles by ID prefix (``us.``), and the name prefixes of the regions they may
route to."""
GLOBAL_GEOGRAPHY = "global"
"""``global.`` profiles route to any commercial region; AWS lists their models region-less."""
GEOGRAPHIC_PREFIXES = frozenset(GEOGRAPHY_REGION_PREFIXES) | {GLOBAL_GEOGRAPHY}
"""First segment of a system-defined (cross-region) inference profile ID, e.g. ``us.``."""


def split_profile_id(identifier: str) -> tuple[Optional[str], str]:
    """``(geography, model ID)`` of a system profile ID (``("us", "anthropic.claude...")``);
    ``(None, identifier)`` for anything else."""
    prefix, _, rest = identifier.partition(".")
    if prefix in GEOGRAPHIC_PREFIXES and rest:
        return prefix, rest
    return None, identifier


def foundation_model_id(identifier: str) -> str:
    """The foundation model a model ID or system profile ID serves."""
    return split_profile_id(identifier)[1]


# shared vocabulary

COMMITMENT_MONTHS: Mapping[str, int] = {"OneMonth": 1, "SixMonths": 6}
"""A provisioned throughput's ``commitmentDuration`` values (botocore's ``CommitmentDuration``) and their terms."""
COMMITMENT_DURATIONS = tuple(COMMITMENT_MONTHS)

INVOKE_ACTION = "bedrock:InvokeModel"
"""Authorizes InvokeModel and Converse."""
STREAM_ACTION = "bedrock:InvokeModelWithResponseStream"
"""Authorizes InvokeModelWithResponseStream and ConverseStream."""
GET_PROFILE_ACTION = "bedrock:GetInferenceProfile"
INFERENCE_PROFILE_ARN_KEY = "bedrock:InferenceProfileArn"
"""Condition key holding the inference profile a request goes through."""
SERVICE_TIER_KEY = "bedrock:ServiceTier"
"""Condition key holding the ``serviceTier`` a request names (absent when it names none)."""
SERVICE_TIERS = ("priority", "default", "flex", "reserved")
"""The values of ``serviceTier`` (botocore's ``bedrock-runtime`` ``ServiceTierType``)."""
GLOBAL_REQUESTED_REGION = "unspecified"
"""``aws:RequestedRegion`` of the check on a global profile's region-less model ARN."""


@dataclass(frozen=True)
class TypeToken:
    """A dynamic resource's type token, ``pulumi-python:dynamic/<module>:<name>`` (in every URN: public API)."""

    module: str
    name: str

    def __str__(self) -> str:
        return f"pulumi-python:dynamic/{self.module}:{self.name}"


APPLICATION_INFERENCE_PROFILE = TypeToken("bedrock", "ApplicationInferenceProfile")
CUSTOM_MODEL_DEPLOYMENT = TypeToken("bedrock", "CustomModelDeployment")
PROVISIONED_MODEL_THROUGHPUT = TypeToken("bedrock", "ProvisionedModelThroughput")
COST_ALLOCATION_TAGS = TypeToken("costexplorer", "CostAllocationTags")
