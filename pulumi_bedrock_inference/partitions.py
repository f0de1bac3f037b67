"""AWS partitions and regions, as botocore's endpoint data (``botocore/data/endpoints.json``) lists them.

One source for every place that parses a region or an ARN (providers, components, policy pack,
emulator): a region name has the shape :data:`REGION_PATTERN` (``us-east-1``, ``us-gov-west-1``,
``eusc-de-east-1``), and its partition is the one whose ``regionRegex`` matches it (``aws``,
``aws-us-gov``, ``aws-eusc``...). The data is read on first use, not at import.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Mapping

from .patterns import LinearPattern

REGION_PATTERN = r"[a-z]+(-[a-z]+)+-\d+"
"""An AWS region name: lower-case words joined by ``-``, the last one a number. Matches every region
botocore lists, in every partition (``eusc-de-east-1`` has a four-letter first word)."""

REGION_MAX_LENGTH = 32

PARTITION_PATTERN = r"aws(-[a-z]+)*"
"""An AWS partition name: ``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso-b``, ``aws-eusc``..."""

DEFAULT_PARTITION = "aws"

_REGION = LinearPattern(REGION_PATTERN)


def is_region(value: str) -> bool:
    """Whether ``value`` has the shape of an AWS region name."""
    return isinstance(value, str) and len(value) <= REGION_MAX_LENGTH and _REGION.fullmatch(value) is not None


@functools.lru_cache(maxsize=None)
def _endpoints() -> Mapping[str, Any]:
    from botocore.loaders import create_loader

    return create_loader().load_data("endpoints")


def partition_of(region: str) -> str:
    """The partition of ``region`` by botocore's ``regionRegex`` of each partition (``aws`` when none matches)."""
    for partition in _endpoints()["partitions"]:
        if region in partition.get("regions", {}) or LinearPattern(partition["regionRegex"].strip("^$")).fullmatch(region):
            return str(partition["partition"])
    return DEFAULT_PARTITION


@functools.lru_cache(maxsize=None)
def service_regions(service: str = "bedrock") -> Mapping[str, tuple[str, ...]]:
    """Partition → the regions botocore's endpoint data lists ``service`` in (endpoint variants such as
    ``bedrock-fips-us-east-1`` left out: only names that are regions of the partition). Built once per
    service and shared, so read-only."""
    found: dict[str, tuple[str, ...]] = {}
    for partition in _endpoints()["partitions"]:
        endpoints = partition.get("services", {}).get(service, {}).get("endpoints", {})
        regions = tuple(sorted(name for name in endpoints if name in partition.get("regions", {})))
        if regions:
            found[str(partition["partition"])] = regions
    return MappingProxyType(found)
