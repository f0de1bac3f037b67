"""Client tokens: every create is idempotent under either reading of AWS's clientRequestToken.

Bedrock's API reference says a repeated token makes Bedrock ignore the request; the EC2 page it
links says a repeat returns the original response, even for a resource deleted since. The token
is derived from the resource's identity and request (:func:`client_token`), so a retried create
resumes the same resource, and :func:`create_with_token` follows a token that answers with a
deleted resource to a salted one.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol

from .errors import ConflictError, aws_call, ignore_not_found

MAX_TOKEN_REPLAYS = 100
"""How many deleted resources in a row a create follows through salted client tokens before giving up:
one per time the resource was re-created within AWS's token window (24 h or more under EC2's reading),
two calls each."""


class TokenCreate(Protocol):
    """One resource's create call and the two reads :func:`create_with_token` needs around it."""

    label: str
    """The resource in messages, e.g. ``Bedrock application inference profile "chat"``."""

    def send(self, token: str) -> str:
        """Send the create with ``token``; the ARN AWS answers with."""

    def find(self, arn: str) -> Any:
        """Describe ``arn``; raises NotFoundError when it no longer exists."""

    def holder(self) -> str | None:
        """The ARN of the resource that holds the name now, if any."""


Describe = Callable[[Any, str, str], Mapping[str, Any]]
"""``(client, ARN or name, label)`` → the resource's description; NotFoundError when there is none."""


@dataclass(frozen=True)
class CreateOperation:
    """A Bedrock create operation: the client method, the response key of the new ARN, the request
    key of the name, and how a resource is described by ARN (``describe``) and by name
    (``describe_by_name``, when the read by ARN does not take a name)."""

    method: str
    arn_key: str
    name_key: str
    describe: Describe
    describe_by_name: Describe | None = None

    def call(self, client: Any, request: Mapping[str, Any], label: str) -> "CreateCall":
        return CreateCall(self, client, request, label)


@dataclass(frozen=True)
class CreateCall:
    """One create request of a :class:`CreateOperation`, as a :class:`TokenCreate`."""

    operation: CreateOperation
    client: Any
    request: Mapping[str, Any]
    label: str

    def send(self, token: str) -> str:
        with aws_call("creating", self.label):
            response = getattr(self.client, self.operation.method)(**self.request, clientRequestToken=token)
        return response[self.operation.arn_key]

    def find(self, arn: str) -> Any:
        return self.operation.describe(self.client, arn, self.label)

    def holder(self) -> str | None:
        describe = self.operation.describe_by_name or self.operation.describe
        found = ignore_not_found(lambda: describe(self.client, self.request[self.operation.name_key], self.label))
        return found[self.operation.arn_key] if found else None


def create_with_token(token: str, create: TokenCreate) -> tuple[str, Any]:
    """Send a create with the deterministic ``token``; return the ARN and its first description
    (None when it could not be read yet).

    Under EC2's reading of client tokens, a token repeated after its resource was deleted
    (``pulumi destroy`` then ``up``; a refresh that dropped a resource deleted out of band; a
    Failed create the provider deleted) answers with the deleted resource's ARN. Such an answer
    (``create.find`` says it is gone) is followed by a create with a token salted with that ARN:
    deterministic too, so a crash at any step resumes the same chain without a duplicate. If
    the salted create finds the name taken by the very ARN that seemed gone (````create.holder``: the
    ARN holding the name), that resource was only not readable yet, and it is the result.
    """
    answered: list[str] = []
    for _ in range(MAX_TOKEN_REPLAYS):
        try:
            arn = create.send(token)
        except ConflictError:
            taken_by = create.holder() if answered else None
            if taken_by is not None and taken_by in answered:
                return taken_by, None
            raise
        found = ignore_not_found(lambda: create.find(arn))
        if found is not None:
            return arn, found
        print(f"{create.label}: client token answered with {arn}, which no longer exists; creating anew", file=sys.stderr, flush=True)
        answered.append(arn)
        token = salted_token(token, arn)
    raise ConflictError(
        "creating", create.label, "TokenReplayed",
        f"{MAX_TOKEN_REPLAYS} client tokens in a row answered with resources that no longer exist; try again later",
    )


def client_token(kind: str, region: str, name: str, request: Mapping[str, Any]) -> str:
    """A clientRequestToken stable for the resource's identity and request: retries never duplicate."""
    body = json.dumps({"kind": kind, "region": region, "name": name, "request": request}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def salted_token(token: str, gone_arn: str) -> str:
    """The token to create with after ``token`` answered with ``gone_arn``, a deleted resource."""
    return hashlib.sha256(f"{token}/{gone_arn}".encode()).hexdigest()
