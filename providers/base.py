"""What every Bedrock dynamic provider here shares: stack config, region, naming, tokens, tags, diff.

Providers are stateless module-level classes: the SDK pickles them by reference (module path and
class name) into every resource's state, so nothing but the stack config that ``configure`` hands
the provider process ever lives on an instance.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable, ClassVar, Mapping

import pulumi
from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider
from pulumi.output import Unknown

from . import tags as tagging
from .client import bedrock_client, default_region
from .config import ProviderConfig
from .errors import NotFoundError, aws_call
from .validation import REGION_RULE, InputChecker, LinearPattern, contains_unknown, is_unknown

AUTONAME = "_autoname"
"""Internal input: ``project/stack/resource-name``, sent by the resource class when ``name`` is absent."""

Equal = Callable[[Any, Any], bool]

BEDROCK_ARN = LinearPattern(r"arn:(?P<partition>[^:]+):bedrock:(?P<region>[^:]*):(?P<account>[^:]*):(?P<kind>[^/]+)/(?P<id>.+)")
"""Any Bedrock ARN: ``arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123def456``."""


class BedrockProvider(ResourceProvider):
    """Base of the Bedrock dynamic providers; subclasses are one cloud resource each."""

    serialize_as_secret_always = False
    kind: ClassVar[str] = "Bedrock resource"
    """The resource's name in messages, e.g. ``Bedrock application inference profile``."""

    def configure(self, req: ConfigureRequest) -> None:
        """Read the stack config. Never raises: ``check_region`` reports its problems on every check."""
        try:
            self._stack_config = ProviderConfig.from_stack_config(req.config.get)
        except Exception as error:  # a bug here must not turn every Check into a traceback
            self._stack_config = ProviderConfig(problems=(("aws", f"aws stack config could not be read: {error!r}"),))

    @property
    def stack_config(self) -> ProviderConfig:
        return self.__dict__.get("_stack_config") or ProviderConfig()

    def label(self, name: Any) -> str:
        return f'{self.kind} "{name}"'

    def client(self, region: str) -> Any:
        config = self.stack_config
        config.require_valid()
        attempts = config.max_retries + 1 if config.max_retries is not None else None
        return bedrock_client(region, config.profile, config.endpoint, attempts)

    # check

    def check_region(self, checker: InputChecker) -> None:
        """Report the stack config's problems (every check calls this first, so every resource shows
        them), then resolve ``region``: the input, else stack config ``aws:region``, else the environment."""
        config = self.stack_config
        for key, reason in config.problems:
            checker.fail(key, reason)
        if checker.present("region"):
            checker.string("region", REGION_RULE)
            return
        if config.problem_keys & {"aws:region", "aws:profile"}:
            return  # reported above; a region from elsewhere would only add a misleading failure
        region = config.region
        if not region:
            from botocore.exceptions import ProfileNotFound

            try:
                region = default_region(config.profile)
            except ProfileNotFound as error:
                checker.fail("region", f"could not be read from AWS profile: {error}")
                return
        if not region:
            checker.fail("region", "is required: set the resource's region input, stack config aws:region, or AWS_REGION")
            return
        checker.inputs["region"] = region

    def check_tags(self, checker: InputChecker) -> None:
        for field, reason in tagging.tag_problems(checker.inputs.get("tags"), "tags", self.stack_config.default_tags):
            checker.fail(field, reason)

    def check_name(self, checker: InputChecker, field: str, rule: Any, identity: Mapping[str, Any]) -> None:
        """Validate an explicit name, or derive one from ``_autoname`` and the inputs that replace the resource.

        The derived name is deterministic: a create retried after an interrupted ``pulumi up`` gets
        the same name (and client token), while any change that replaces the resource gets a new
        name, so create-before-delete never collides with the old one.
        """
        seed = checker.inputs.pop(AUTONAME, None)
        if checker.present(field):
            checker.string(field, rule)
            return
        if seed is None or is_unknown(seed):
            checker.fail(field, "is required")
            return
        checker.inputs[AUTONAME] = seed
        if contains_unknown(identity):
            checker.inputs[field] = Unknown()
            return
        checker.inputs[field] = autoname(str(seed), identity, rule.max_length or 63)

    # diff

    def diff_fields(
        self,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        replace: Mapping[str, Equal],
        update: Mapping[str, Equal],
        name_field: str,
    ) -> DiffResult:
        """Changed fields; a replacement is delete-before-replace when an explicit name stays the same."""
        replaces = [f for f, equal in replace.items() if _changed(olds.get(f), news.get(f), equal)]
        updates = [f for f, equal in update.items() if _changed(olds.get(f), news.get(f), equal)]
        if self.tags_changed(olds, news):
            updates.append("tags")
        explicit_name_kept = AUTONAME not in news and olds.get(name_field) == news.get(name_field)
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            delete_before_replace=bool(replaces) and explicit_name_kept,
        )

    def tags_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new_tags = news.get("tags")
        if contains_unknown(new_tags):
            return True
        wanted_all = tagging.merge_default_tags(self.stack_config.default_tags, new_tags)
        return (olds.get("tags") or {}) != (new_tags or {}) or (olds.get("tags_all") or {}) != wanted_all

    # create / update helpers

    def tags_all(self, props: Mapping[str, Any]) -> dict[str, str]:
        return tagging.merge_default_tags(self.stack_config.default_tags, props.get("tags"))

    def sync_tags(self, client: Any, arn: str, name: str, current: Mapping[str, str], wanted: Mapping[str, str]) -> None:
        """Untag then tag (in that order, so the 50-tag limit is never crossed on the way)."""
        to_set, to_remove = tagging.delta(current, wanted)
        if to_remove:
            with aws_call("untagging", self.label(name)):
                client.untag_resource(resourceARN=arn, tagKeys=to_remove)
        if to_set:
            with aws_call("tagging", self.label(name)):
                client.tag_resource(resourceARN=arn, tags=tagging.to_aws(to_set))

    def read_tags(self, client: Any, arn: str, name: str) -> dict[str, str]:
        with aws_call("listing tags of", self.label(name)):
            return tagging.from_aws(client.list_tags_for_resource(resourceARN=arn).get("tags"))

    def tag_outputs(self, tags_all: Mapping[str, str], previous_own: Mapping[str, str] | None) -> dict[str, Any]:
        return {
            "tags": tagging.own_tags(tags_all, self.stack_config.default_tags, previous_own),
            "tags_all": dict(tags_all),
        }


def resource_props(args: Any, inputs: tuple[str, ...], outputs: tuple[str, ...], resource_name: str) -> dict[str, Any]:
    """The props a resource class registers: its inputs, the autoname seed, and outputs as ``None``
    (a dynamic resource exposes only the properties it registered)."""
    props: dict[str, Any] = {field: getattr(args, field) for field in inputs if field != AUTONAME}
    props[AUTONAME] = f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
    props.update({field: None for field in outputs})
    return props


def client_token(kind: str, region: str, name: str, request: Mapping[str, Any]) -> str:
    """A clientRequestToken stable for the resource's identity and request: retries never duplicate."""
    body = json.dumps({"kind": kind, "region": region, "name": name, "request": request}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def autoname(seed: str, identity: Mapping[str, Any], max_length: int) -> str:
    """``<resource-name>-<8 hex>``; the suffix hashes the stack identity and the replace-triggering inputs."""
    prefix = re.sub(r"[^0-9a-zA-Z]+", "-", seed.rsplit("/", 1)[-1]).strip("-") or "bedrock"
    digest = hashlib.sha256(json.dumps({"seed": seed, "identity": identity}, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix[: max_length - 9].rstrip('-')}-{digest[:8]}"


def ignore_not_found(call: Callable[[], Any]) -> Any:
    """Run ``call``; a resource that is already gone is not an error (delete, read)."""
    try:
        return call()
    except NotFoundError:
        return None


def _changed(old: Any, new: Any, equal: Equal) -> bool:
    if contains_unknown(new):
        return True
    return not equal(old, new)


def same(old: Any, new: Any) -> bool:
    return old == new


def same_or_absent(old: Any, new: Any) -> bool:
    return (old or None) == (new or None)

