"""AWS error codes mapped onto a few exception types, in one place.

Every message names the action, the resource and the AWS code and message, e.g.
``creating Bedrock application inference profile "chat-prod": ValidationException: ...``,
because the engine shows a provider exception to the user as its message and nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # botocore is imported on the first error, not when a Pulumi program imports this
    from botocore.exceptions import ClientError


class BedrockError(Exception):
    """An AWS call on a Bedrock resource failed."""

    def __init__(self, action: str, resource: str, code: str, message: str) -> None:
        self.action = action
        self.resource = resource
        self.code = code
        self.aws_message = message
        super().__init__(f"{action} {resource}: {code}: {message}" if code else f"{action} {resource}: {message}")


class NotFoundError(BedrockError):
    """The resource does not exist (ResourceNotFoundException)."""


class ConflictError(BedrockError):
    """The name is taken or the resource is in a state that forbids the call (ConflictException)."""


class ThrottledError(BedrockError):
    """AWS kept throttling after botocore's retries (ThrottlingException; Cost Explorer's LimitExceededException)."""


class QuotaExceededError(BedrockError):
    """A service quota or the tag limit is reached (ServiceQuotaExceededException, TooManyTagsException)."""


class InvalidRequestError(BedrockError):
    """AWS rejected the request's content (ValidationException)."""


class AccessDeniedError(BedrockError):
    """The caller's credentials lack a permission (AccessDeniedException)."""


class NotStabilizedError(BedrockError):
    """The resource did not reach the wanted state: it failed, or a wait timed out."""


_BY_CODE: dict[str, type[BedrockError]] = {
    "ResourceNotFoundException": NotFoundError,
    "ConflictException": ConflictError,
    "ThrottlingException": ThrottledError,
    "TooManyRequestsException": ThrottledError,
    "LimitExceededException": ThrottledError,  # Cost Explorer's throttling ("too many calls in a short period")
    "ServiceQuotaExceededException": QuotaExceededError,
    "TooManyTagsException": QuotaExceededError,
    "ValidationException": InvalidRequestError,
    "AccessDeniedException": AccessDeniedError,
    "UnrecognizedClientException": AccessDeniedError,
    "ExpiredTokenException": AccessDeniedError,
}


def from_client_error(error: "ClientError", action: str, resource: str) -> BedrockError:
    """Translate a botocore ClientError into this module's exception for its AWS code."""
    details = error.response.get("Error", {})
    code = details.get("Code", "") or str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
    message = details.get("Message", "") or str(error)
    return _BY_CODE.get(code, BedrockError)(action, resource, code, message)


@contextlib.contextmanager
def aws_call(action: str, resource: str) -> Iterator[None]:
    """Run AWS calls, re-raising any ClientError as a BedrockError naming ``action`` and ``resource``."""
    try:
        yield
    except Exception as error:
        from botocore.exceptions import ClientError

        if isinstance(error, ClientError):
            raise from_client_error(error, action, resource) from error
        raise


def ignore_not_found(call: Callable[[], Any]) -> Any:
    """Run ``call``; a resource that is already gone is not an error (delete, read)."""
    try:
        return call()
    except NotFoundError:
        return None
