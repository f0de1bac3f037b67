"""Cost Explorer's cost allocation tags on the emulator's endpoint, as AWS answers them.

``ce`` is a JSON 1.1 service: ``POST /`` with ``X-Amz-Target: AWSInsightsIndexService.<Operation>``,
so the emulator routes it by that header (:func:`is_cost_explorer_request`) on the same endpoint as
Bedrock. Requests are validated against botocore's ``ce`` model. Served:

==============================  =================================================================
ListCostAllocationTags          the keys billing has seen (filters ``Status``, ``TagKeys``,
                                ``Type``; ``MaxResults`` default 100; ``NextToken``)
UpdateCostAllocationTagsStatus  1–20 keys; HTTP 200 with a per-key ``Errors`` list: a key billing
                                has not seen is ``TagKeysNotFoundException`` (API reference,
                                Example 2); a key already in the status is a no-op
==============================  =================================================================

Which keys billing has seen comes from the Bedrock backends' tags on the emulator's clock
(:class:`.models.TagKeyObservations`: a key carried by a resource for
``Durations.cost_allocation_tag_seen``), or from :meth:`.control.BedrockEmulator.mark_tag_keys_seen`.
A seen key starts ``Inactive``; keys starting ``aws:`` are ``AWSGenerated``, others ``UserDefined``.
Other Cost Explorer operations answer 501. Sources:
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_UpdateCostAllocationTagsStatus.html,
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostAllocationTags.html,
https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from botocore.model import OperationModel
from moto.ce.models import CostExplorerBackend
from moto.core.base_backend import BackendDict
from moto.utilities.utils import PARTITION_NAMES
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse

from pulumi_bedrock_inference.providers.validation import service_model

from .catalogue import PARTITION
from .exceptions import BedrockError, NotImplementedByEmulator, UnknownOperationException, ValidationException
from .models import emulator_runtime
from .responses import error_response, validate_request

TARGET_PREFIX = "AWSInsightsIndexService."
"""``targetPrefix`` of botocore's ``ce`` model: the ``X-Amz-Target`` of every Cost Explorer request."""
NOT_SEEN_CODE = "TagKeysNotFoundException"
DEFAULT_PAGE_SIZE = 100
"""ListCostAllocationTags: "By default, the request returns 100 results" (botocore's ``ce`` model)."""


class InvalidNextTokenException(BedrockError):
    code = 400


@dataclass
class CostAllocationTagStatus:
    status: str = "Inactive"
    last_updated: datetime | None = None


class CostExplorerEmulatorBackend(CostExplorerBackend):
    """moto's Cost Explorer backend plus cost allocation tags (one per account: Cost Explorer is global)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.cost_allocation_tags: dict[str, CostAllocationTagStatus] = {}

    def _seen(self) -> dict[str, datetime]:
        return emulator_runtime.tag_keys_seen(self.account_id)

    def list_cost_allocation_tags(
        self, status: str | None, tag_keys: list[str] | None, type_: str | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        rows = []
        for key, seen_at in sorted(self._seen().items()):
            record = self.cost_allocation_tags.get(key, CostAllocationTagStatus())
            row = {"TagKey": key, "Type": "AWSGenerated" if key.startswith("aws:") else "UserDefined", "Status": record.status}
            if record.last_updated is not None:
                row["LastUpdatedDate"] = _zoned(record.last_updated)
            row["LastUsedDate"] = _zoned(seen_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
            if (status is None or row["Status"] == status) and (tag_keys is None or key in tag_keys) and (
                type_ is None or row["Type"] == type_
            ):
                rows.append(row)
        start = _offset(next_token)
        size = max_results or DEFAULT_PAGE_SIZE
        following = start + size
        return rows[start:following], _token(following) if following < len(rows) else None

    def update_cost_allocation_tags_status(self, entries: list[dict[str, str]]) -> list[dict[str, str]]:
        seen = self._seen()
        now = emulator_runtime.clock.now()
        errors = []
        for entry in entries:
            key, status = entry["TagKey"], entry["Status"]
            if key not in seen:
                errors.append({"TagKey": key, "Code": NOT_SEEN_CODE, "Message": f"Failed to update Cost Allocation Tag: {key}"})
                continue
            record = self.cost_allocation_tags.setdefault(key, CostAllocationTagStatus())
            if record.status != status:
                record.status, record.last_updated = status, now
        return errors


cost_explorer_emulator_backends = BackendDict(
    CostExplorerEmulatorBackend, "ce", use_boto3_regions=False, additional_regions=PARTITION_NAMES
)
"""One backend per account and partition, as moto keys its global Cost Explorer backend."""


class CostExplorerEmulatorResponse(BaseResponse):
    """Parses, validates and serves one Cost Explorer request (JSON 1.1)."""

    def __init__(self) -> None:
        super().__init__(service_name="ce")
        self.params: dict[str, Any] = {}

    @property
    def backend(self) -> CostExplorerEmulatorBackend:
        return cost_explorer_emulator_backends[self.current_account][PARTITION]

    def handle(self, request: Any, operation: OperationModel, uri_params: Any = None) -> TYPE_RESPONSE:
        self.params = {}
        try:
            self.setup_class(request, request.url, request.headers)
            try:
                body = json.loads(request.get_data() or b"{}")
            except ValueError as error:
                raise ValidationException(f"The request body is not valid JSON: {error}") from None
            if not isinstance(body, dict):
                raise ValidationException("The request body must be a JSON object.")
            self.params = body
            validate_request(operation, body)
            if operation.name == "ListCostAllocationTags":
                rows, next_token = self.backend.list_cost_allocation_tags(
                    body.get("Status"), body.get("TagKeys"), body.get("Type"), body.get("MaxResults"), body.get("NextToken")
                )
                result: dict[str, Any] = {"CostAllocationTags": rows}
                if next_token:
                    result["NextToken"] = next_token
            elif operation.name == "UpdateCostAllocationTagsStatus":
                result = {"Errors": self.backend.update_cost_allocation_tags_status(body["CostAllocationTagsStatus"])}
            else:
                raise NotImplementedByEmulator(f"The Bedrock emulator does not implement Cost Explorer's {operation.name}.")
        except JsonRESTError as error:
            return error_response(error)
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(result)


def is_cost_explorer_request(request: Any) -> bool:
    """Whether a request is Cost Explorer's (its ``X-Amz-Target``)."""
    return request.headers.get("X-Amz-Target", "").startswith(TARGET_PREFIX)


def resolve_cost_explorer_operation(request: Any) -> tuple[OperationModel, dict[str, str]]:
    name = request.headers.get("X-Amz-Target", "")[len(TARGET_PREFIX) :]
    model = service_model("ce")
    if name not in model.operation_names:
        raise UnknownOperationException(f"No Cost Explorer operation is named {name!r}.")
    return model.operation_model(name), {}


def _zoned(moment: datetime) -> str:
    """``ZonedDateTime``: ``2026-11-25T10:00:00Z`` (pattern of botocore's ``ce`` model)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError):
        raise InvalidNextTokenException("The pagination token is invalid. Try again without a pagination token.") from None
    if not isinstance(offset, int) or offset < 0:
        raise InvalidNextTokenException("The pagination token is invalid. Try again without a pagination token.")
    return offset
