"""Tags of the emulated resources: TagResource, UntagResource, ListTagsForResource and the checks
a create with tags gets, on moto's tagger."""

from __future__ import annotations

from typing import Iterable

from ..exceptions import ResourceNotFoundException, TooManyTagsException, ValidationException
from .base import RegionalBackend

# Service rules the backend enforces beyond botocore's shapes, each with its source.
#: Bedrock's per-resource tag limit, although the API's tag list allows 200 (TagResource API reference).
MAX_TAGS_PER_RESOURCE = 50
#: Tag keys may not start with ``aws:`` in any letter case. The Bedrock User Guide ("Tagging Amazon
#: Bedrock resources") defers to "Tagging your AWS resources" for tag restrictions; AWS's tag
#: references word the rule "Don't use aws:, AWS:, or any upper or lowercase combination of such
#: as a prefix for either keys or values, as it is reserved for AWS use" (AWS Batch User Guide,
#: "Tag restrictions"; ECS API reference, Tag). Bedrock's control-plane TagKey shape does not encode
#: it (pattern ``[a-zA-Z0-9\s._:/=+@-]*``), so it is a server-side check. Bedrock documents no
#: dedicated error for it; TagResource and the Create operations report invalid input as
#: ValidationException. Values are not checked: services differ there and Bedrock says nothing.
RESERVED_TAG_KEY_PREFIX = "aws:"


class Tagging(RegionalBackend):
    """Tag operations over every taggable resource of the backend: the composed backend's
    ``_list_arns``; system-defined profiles (``find_system_profile``) refuse tags."""

    def _check_tags(self, arn: str, tags: list[dict[str, str]] | None) -> None:
        """The checks a create with ``tags`` gets: reserved keys, then the tag limit."""
        _check_reserved_tag_keys(tags)
        _check_tag_count(arn, len(tags or []))

    def _apply_tags(self, arn: str, tags: list[dict[str, str]] | None) -> None:
        if tags:
            self.tagger.tag_resource(arn, [{"Key": t["key"], "Value": t["value"]} for t in tags])
            self.runtime.tags_applied(self.account_id, arn, [t["key"] for t in tags])

    def _remove_tags(self, arn: str, keys: Iterable[str] | None = None) -> None:
        """Untag ``keys`` of ``arn`` (all of them by default), telling billing's observations."""
        present = [t["Key"] for t in self.tagger.list_tags_for_resource(arn)["Tags"]]
        removed = present if keys is None else [k for k in keys if k in present]
        self.runtime.tags_removed(self.account_id, arn, removed)
        if keys is None:
            self.tagger.delete_all_tags_for_resource(arn)
        else:
            self.tagger.untag_resource_using_names(arn, list(keys))

    def _check_taggable(self, resource_arn: str) -> None:
        if self.find_system_profile(resource_arn) is not None:
            raise ValidationException(
                f"The resource {resource_arn} is a system-defined inference profile and does not support tags."
            )
        if resource_arn not in self._list_arns():
            raise ResourceNotFoundException(f"The resource {resource_arn} was not found.")

    def tag_resource(self, resource_arn: str, tags: list[dict[str, str]]) -> None:
        self._check_taggable(resource_arn)
        _check_reserved_tag_keys(tags)
        existing = {t["key"] for t in self.list_tags_for_resource(resource_arn)}
        _check_tag_count(resource_arn, len(existing | {t["key"] for t in tags}))
        self._apply_tags(resource_arn, tags)

    def untag_resource(self, resource_arn: str, tag_keys: list[str]) -> None:
        self._check_taggable(resource_arn)
        self._remove_tags(resource_arn, tag_keys)

    def list_tags_for_resource(self, resource_arn: str) -> list[dict[str, str]]:
        self._check_taggable(resource_arn)
        tags = self.tagger.list_tags_for_resource(resource_arn)["Tags"]
        return [{"key": t["Key"], "value": t["Value"]} for t in tags]


def _check_tag_count(arn: str, count: int) -> None:
    if count > MAX_TAGS_PER_RESOURCE:
        raise TooManyTagsException(
            f"The number of tags ({count}) for resource {arn} exceeds the maximum of {MAX_TAGS_PER_RESOURCE}."
        )


def _check_reserved_tag_keys(tags: list[dict[str, str]] | None) -> None:
    """ValidationException naming the first tag whose key starts with ``aws:`` (any case)."""
    for index, tag in enumerate(tags or [], start=1):
        if tag["key"][: len(RESERVED_TAG_KEY_PREFIX)].lower() == RESERVED_TAG_KEY_PREFIX:
            raise ValidationException(
                f"Value '{tag['key']}' at 'tags.{index}.member.key' failed to satisfy constraint: "
                f"tag keys starting with '{RESERVED_TAG_KEY_PREFIX}' (in any letter case) are reserved for AWS use."
            )
