"""Inference profiles: application profiles (CreateInferenceProfile, Get, List, Delete) and the
system-defined profiles of the catalogue as one region and account see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.utilities.paginator import paginate

from pulumi_bedrock_inference.identifiers import parse_arn

from ..catalogue import SYSTEM_PROFILE_CREATED_AT, SystemInferenceProfile, system_inference_profiles_in
from ..exceptions import ConflictException, ResourceNotFoundException, ValidationException
from .base import list_pagination, resource_id
from .foundation_models import FoundationModels
from .managed import ManagedResources

PAGINATION_MODEL = {"list_inference_profiles": list_pagination("arn")}


@dataclass
class ApplicationInferenceProfile:
    """An ``APPLICATION`` inference profile created with CreateInferenceProfile."""

    inference_profile_id: str
    arn: str
    name: str
    description: str | None
    model_arns: list[str]
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "inferenceProfileName": self.name,
            "description": self.description,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "inferenceProfileArn": self.arn,
            "models": [{"modelArn": arn} for arn in self.model_arns],
            "inferenceProfileId": self.inference_profile_id,
            "status": "ACTIVE",
            "type": "APPLICATION",
        }


@dataclass
class SystemInferenceProfileView:
    """A system-defined profile as seen from one region and account."""

    profile: SystemInferenceProfile
    arn: str

    @property
    def model_arns(self) -> list[str]:
        """The profile's ``models`` as seen from its region (a global profile's depend on it)."""
        return self.profile.model_arns(parse_arn(self.arn).region)  # type: ignore[union-attr]

    def to_dict(self) -> dict[str, Any]:
        return {
            "inferenceProfileName": self.profile.inference_profile_name,
            "description": self.profile.description,
            "createdAt": SYSTEM_PROFILE_CREATED_AT,
            "updatedAt": SYSTEM_PROFILE_CREATED_AT,
            "inferenceProfileArn": self.arn,
            "models": [{"modelArn": arn} for arn in self.model_arns],
            "inferenceProfileId": self.profile.inference_profile_id,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        }


class InferenceProfiles(FoundationModels, ManagedResources):
    def __init__(self) -> None:
        self.inference_profiles: dict[str, ApplicationInferenceProfile] = {}

    def find_system_profile(self, identifier: str) -> SystemInferenceProfileView | None:
        """The system-defined profile an ID, or an ARN of this region and account, names; None otherwise."""
        profile_id = identifier
        if identifier.startswith("arn:"):
            prefix = self._arn("inference-profile/")
            if not identifier.startswith(prefix):
                return None
            profile_id = identifier[len(prefix) :]
        for profile in system_inference_profiles_in(self.region_name):
            if profile.inference_profile_id == profile_id:
                return SystemInferenceProfileView(profile, profile.arn(self.region_name, self.account_id))
        return None

    def find_application_profile(self, identifier: str) -> ApplicationInferenceProfile | None:
        """The application profile an ARN or profile ID names; None if there is none."""
        if identifier in self.inference_profiles:
            return self.inference_profiles[identifier]
        for profile in self.inference_profiles.values():
            if profile.inference_profile_id == identifier:
                return profile
        return None

    def create_inference_profile(
        self,
        inference_profile_name: str,
        model_source: dict[str, str],
        description: str | None = None,
        client_request_token: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> ApplicationInferenceProfile:
        request = {"name": inference_profile_name, "source": model_source, "description": description, "tags": tags}
        replayed = self._replay("CreateInferenceProfile", client_request_token, request)
        if replayed is not None:
            return replayed
        copy_from = model_source["copyFrom"]
        model_arns = self._models_to_copy(copy_from)
        if any(p.name == inference_profile_name for p in self.inference_profiles.values()):
            raise ConflictException(f"An inference profile named {inference_profile_name} already exists.")
        arn_placeholder = self._arn("application-inference-profile/")
        self._check_tags(arn_placeholder, tags)
        profile_id = resource_id()
        now = self._now()
        profile = ApplicationInferenceProfile(
            inference_profile_id=profile_id,
            arn=arn_placeholder + profile_id,
            name=inference_profile_name,
            description=description,
            model_arns=model_arns,
            created_at=now,
            updated_at=now,
        )
        self._add(self.inference_profiles, profile, tags, "CreateInferenceProfile", client_request_token, request)
        return profile

    def _models_to_copy(self, copy_from: str) -> list[str]:
        """The model ARNs a new application profile gets from ``modelSource.copyFrom``."""
        if ":foundation-model/" in copy_from:
            model = self.find_foundation_model(copy_from)
            if model is not None:
                return [model.arn(self.region_name)]
        else:
            system = self.find_system_profile(copy_from)
            if system is not None:
                return system.model_arns
        raise ValidationException(
            f"The provided modelSource.copyFrom {copy_from} is not a foundation model ARN or a "
            f"system-defined inference profile ARN available in {self.region_name}."
        )

    def get_inference_profile(self, identifier: str) -> ApplicationInferenceProfile | SystemInferenceProfileView:
        profile = self.find_application_profile(identifier) or self.find_system_profile(identifier)
        if profile is None:
            raise ResourceNotFoundException(f"The inference profile {identifier} was not found.")
        return profile

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_inference_profiles(
        self, type_equals: str = "SYSTEM_DEFINED"
    ) -> list[ApplicationInferenceProfile | SystemInferenceProfileView]:
        """Profiles of one type; like the service, SYSTEM_DEFINED unless asked otherwise."""
        if type_equals == "APPLICATION":
            return sorted(self.inference_profiles.values(), key=lambda p: p.created_at)
        return [
            SystemInferenceProfileView(profile, profile.arn(self.region_name, self.account_id))
            for profile in system_inference_profiles_in(self.region_name)
        ]

    def delete_inference_profile(self, identifier: str) -> None:
        profile = self.find_application_profile(identifier)
        if profile is None:
            if self.find_system_profile(identifier) is not None:
                raise ValidationException(f"The system-defined inference profile {identifier} cannot be deleted.")
            raise ResourceNotFoundException(f"The inference profile {identifier} was not found.")
        self._delete(self.inference_profiles, profile)
