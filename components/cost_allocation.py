"""What a component adds to make its cost tags usable: activated cost allocation tags and AWS Budgets
filtered to a tag value.

- Activation: a :class:`~pulumi_bedrock_inference.providers.CostAllocationTags` child (the set
  declares it), which never deactivates a key (several sets and stacks share keys such as ``tenant``).
- Budgets: pulumi-aws's ``aws.budgets.Budget``, a monthly ``COST`` budget in USD whose cost filter
  is ``TagKeyValue`` = ``user:<tag key>$<tag value>``. Cost allocation reports name user-defined
  tags with the ``user:`` prefix ("User-defined tag names have the prefix user: in the cost
  allocation report", https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/allocation-tag-restrictions.html),
  and pulumi-aws documents a tag filter as ``{"name": "TagKeyValue", "values":
  ["user:business-unit$human_resources"]}`` (``aws.budgets.Budget``, "Create a cost filter using
  resource tags"). Several values in one filter match any of them. It notifies when actual spend
  and when forecast spend pass the threshold. pulumi-aws needs AWS credentials even for ``pulumi
  preview`` (pulumi-aws#3971), so budgets are opt-in.

Reads top to bottom: arguments → children → checks.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping, Sequence, TypedDict

import pulumi

from ..providers.validation import api_rule
from .validation import InvalidArgumentError

if TYPE_CHECKING:
    import pulumi_aws as aws

SUBSCRIBERS_RULE = api_rule("CreateBudget", "NotificationsWithSubscribers.[].Subscribers", service="budgets")
"""How many subscribers one budget notification has (its length limits: 1–11), from botocore's
``budgets`` model on first use."""


class BudgetArgs(TypedDict, total=False):
    """A monthly AWS Budget on the cost of one tag value (a tenant) or several (a whole set)."""

    monthly_limit_usd: pulumi.Input[float]
    """Required. The monthly limit in USD, more than 0."""
    notify: Sequence[str]
    """Required. 1–11 subscribers: email addresses, or SNS topic ARNs (``arn:...:sns:...``). Each is
    notified when actual spend and when forecast spend pass ``threshold_percent`` of the limit."""
    threshold_percent: float
    """Percent of the limit that notifies, more than 0. Default: 100."""


BUDGET_ARGUMENTS = tuple(BudgetArgs.__annotations__)


def tag_budget(
    parent: pulumi.Resource, name: str, args: BudgetArgs, tag_key: str, tag_values: Sequence[str], depends_on: Sequence[pulumi.Resource]
) -> "aws.budgets.Budget":
    """An ``aws.budgets.Budget`` child: monthly cost of resources tagged ``tag_key`` = one of ``tag_values``."""
    import pulumi_aws as aws

    threshold = float(args.get("threshold_percent", 100))
    notify = list(args["notify"])
    emails = [a for a in notify if not a.startswith("arn:")]
    topics = [a for a in notify if a.startswith("arn:")]
    notifications = [
        aws.budgets.BudgetNotificationArgs(
            comparison_operator="GREATER_THAN",
            notification_type=kind,
            threshold=threshold,
            threshold_type="PERCENTAGE",
            subscriber_email_addresses=emails or None,
            subscriber_sns_topic_arns=topics or None,
        )
        for kind in ("ACTUAL", "FORECASTED")
    ]
    limit = pulumi.Output.from_input(args["monthly_limit_usd"]).apply(lambda amount: f"{float(amount):.2f}")
    return aws.budgets.Budget(
        name,
        budget_type="COST",
        time_unit="MONTHLY",
        limit_amount=limit,
        limit_unit="USD",
        cost_filters=[aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[f"user:{tag_key}${value}" for value in tag_values])],
        notifications=notifications,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )


# checks


def check_budget(component: str, field: str, value: Any) -> None:
    """A :class:`BudgetArgs`, checked before anything registers (Outputs are left to AWS)."""
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(component, field, f'must be a mapping like {{"monthly_limit_usd": 500, "notify": ["team@example.com"]}}, got {type(value).__name__}')
    unknown = sorted(set(value) - set(BUDGET_ARGUMENTS))
    if unknown:
        raise InvalidArgumentError(component, f"{field}.{unknown[0]}", f"is not a budget argument; expected one of {', '.join(BUDGET_ARGUMENTS)}")
    _positive(component, f"{field}.monthly_limit_usd", value.get("monthly_limit_usd"), required=True)
    _positive(component, f"{field}.threshold_percent", value.get("threshold_percent"), required=False)
    notify = value.get("notify")
    least, most = SUBSCRIBERS_RULE.min_length, SUBSCRIBERS_RULE.max_length
    if not isinstance(notify, (list, tuple)) or not least <= len(notify) <= (most or len(notify)):
        raise InvalidArgumentError(
            component, f"{field}.notify", f"must be a list of {least} to {most} email addresses or SNS topic ARNs (a value, not an Output), got {notify!r}"
        )
    for index, address in enumerate(notify):
        if not isinstance(address, str) or not _is_subscriber(address):
            raise InvalidArgumentError(component, f"{field}.notify[{index}]", f"must be an email address or an SNS topic ARN (arn:<partition>:sns:...), got {address!r}")


def _positive(component: str, field: str, value: Any, required: bool) -> None:
    if value is None:
        if required:
            raise InvalidArgumentError(component, field, "is required: the monthly limit in USD")
        return
    if isinstance(value, pulumi.Output):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InvalidArgumentError(component, field, f"must be a number more than 0, got {value!r}")


def _is_subscriber(address: str) -> bool:
    if address.startswith("arn:"):
        parts = address.split(":")
        return len(parts) == 6 and parts[2] == "sns" and all(parts[3:])
    local, at, domain = address.partition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in address))
