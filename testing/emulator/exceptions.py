"""Bedrock's modelled errors, rendered by moto as REST-JSON error responses."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class BedrockError(JsonRESTError):
    """Base class: ``{"__type": code, "message": ...}`` with an HTTP status per error."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(type(self).__name__, message)


class ValidationException(BedrockError):
    code = 400


class ResourceNotFoundException(BedrockError):
    code = 404


class ConflictException(BedrockError):
    code = 409


class TooManyTagsException(BedrockError):
    code = 400


class ServiceQuotaExceededException(BedrockError):
    code = 400


class AccessDeniedException(BedrockError):
    code = 403


class ThrottlingException(BedrockError):
    code = 429


class InternalServerException(BedrockError):
    code = 500


class ServiceUnavailableException(BedrockError):
    code = 503


class UnknownOperationException(BedrockError):
    code = 404


class NotImplementedByEmulator(BedrockError):
    """A Bedrock operation the emulator does not serve (HTTP 501)."""

    code = 501

    def __init__(self, message: str) -> None:
        JsonRESTError.__init__(self, "NotImplementedException", message)


ERRORS_BY_CODE: dict[str, type[BedrockError]] = {
    cls.__name__: cls
    for cls in (
        ValidationException,
        ResourceNotFoundException,
        ConflictException,
        TooManyTagsException,
        ServiceQuotaExceededException,
        AccessDeniedException,
        ThrottlingException,
        InternalServerException,
        ServiceUnavailableException,
    )
}


def error_for_code(code: str, message: str, status: int | None = None) -> JsonRESTError:
    """An error response with Bedrock's status for ``code`` (or ``status``, or 400 for unknown codes)."""
    known = ERRORS_BY_CODE.get(code)
    error = known(message) if known else JsonRESTError(code, message)
    if status is not None:
        error.code = status
    elif known is None:
        error.code = 400
    return error
