"""One schema per resource (issue 17, item 1): what each provider and resource class does comes from it."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Optional

import pytest

from pulumi_bedrock_inference.providers import (
    ApplicationInferenceProfile,
    ApplicationInferenceProfileArgs,
    CostAllocationTags,
    CostAllocationTagsArgs,
    CustomModelDeployment,
    CustomModelDeploymentArgs,
    ProvisionedModelThroughput,
    ProvisionedModelThroughputArgs,
)
from pulumi_bedrock_inference.providers.base import RESOURCE_OPTIONS_DOC
from pulumi_bedrock_inference.providers.naming import AUTONAME
from pulumi_bedrock_inference.providers.provisioned_throughput import ProvisionedModelThroughputProvider
from pulumi_bedrock_inference.providers.schema import Input, NoChange, Output, Replaces, Schema, Updates, argument, boolean
from tests.unit.conftest import FakeConfigureRequest

RESOURCES = [
    (ApplicationInferenceProfile, ApplicationInferenceProfileArgs),
    (CustomModelDeployment, CustomModelDeploymentArgs),
    (ProvisionedModelThroughput, ProvisionedModelThroughputArgs),
    (CostAllocationTags, CostAllocationTagsArgs),
]


@pytest.mark.parametrize("resource, args", RESOURCES, ids=lambda r: getattr(r, "__name__", ""))
def test_the_args_class_has_exactly_the_schemas_inputs_each_documented_with_what_a_change_does(resource, args) -> None:
    schema = resource.provider_class.schema
    assert set(args.__dataclass_fields__) == set(schema.input_names) - {AUTONAME}
    for declared in schema.inputs:
        line = next(line for line in args.__doc__.splitlines() if line.strip().startswith(f"- ``{declared.name}``:"))
        assert declared.doc and declared.doc in line
        if isinstance(declared.change, Updates):
            assert line.endswith("Updated in place.")
        elif isinstance(declared.change, Replaces) and declared.change.when is Replaces().when:
            assert line.endswith("Replaces on change.")
        else:
            assert "Replaces on change" not in line and "Updated in place" not in line


def test_an_args_class_that_disagrees_with_its_schema_is_refused_at_import() -> None:
    schema = Schema(inputs=(Input("flag", boolean, NoChange(), doc="A flag."),), outputs=())

    @dataclass
    class Args:
        flag: Optional[bool] = None
        other: Optional[str] = None

    with pytest.raises(TypeError, match="other"):
        schema.documents(Args)


@pytest.mark.parametrize("resource, args", RESOURCES, ids=lambda r: getattr(r, "__name__", ""))
def test_the_naming_attributes_and_the_resource_options_paragraph_come_from_the_schema(resource, args) -> None:
    provider, schema = resource.provider_class, resource.provider_class.schema
    assert provider.replacing == schema.replacing
    name = schema.name_input
    if name is None:
        assert RESOURCE_OPTIONS_DOC not in resource.__doc__
        return
    assert (provider.name_field, provider.name_rule) == (name.name, name.name_rule)
    assert provider.name_replaces == isinstance(name.change, Replaces)
    assert resource.__doc__.count(RESOURCE_OPTIONS_DOC) == 1


def test_replacements_are_reported_in_the_order_the_providers_always_used() -> None:
    """What the resource is, then region, then the inputs that replace only for some changes (the
    throughput's warning line names them in this order)."""
    order = {r.provider_class.__name__: [x.field for x in r.provider_class.replacing] for r, _ in RESOURCES}
    assert order == {
        "ApplicationInferenceProfileProvider": ["description", "model_source", "region"],
        "CustomModelDeploymentProvider": ["description", "region"],
        "ProvisionedModelThroughputProvider": ["model_units", "commitment_duration", "region", "model_arn"],
        "CostAllocationTagsProvider": [],
    }


def test_check_reports_failures_in_schema_order() -> None:
    provider = ProvisionedModelThroughputProvider()
    provider.configure(FakeConfigureRequest({"aws:region": "us-east-1"}))
    result = provider.check({}, {
        "region": "nowhere", "model_arn": "", "model_units": 0.5, "commitment_duration": "Forever",
        "timeouts": {"create": "soon"}, "adopt_existing": "yes", "provisioned_model_name": "-bad-",
    })
    fields = [failure.property for failure in result.failures]
    assert fields == ["region", "model_arn", "model_units", "commitment_duration", "timeouts.create", "adopt_existing", "provisioned_model_name"]


def test_whole_numbers_are_decoded_from_the_engines_floats_once_at_the_boundary() -> None:
    schema = ProvisionedModelThroughputProvider.schema
    decoded = schema.decode({"model_units": 2.0, "region": "us-east-1", "tags": {"n": "1.0"}})
    assert decoded["model_units"] == 2 and type(decoded["model_units"]) is int
    assert decoded["tags"] == {"n": "1.0"}
    assert schema.decode({"model_units": 2.5})["model_units"] == 2.5  # left to check, which refuses it
    checked = ProvisionedModelThroughputProvider()
    checked.configure(FakeConfigureRequest({"aws:region": "us-east-1"}))
    inputs = checked.check({}, {"model_arn": "amazon.titan-text-express-v1:0:8k", "model_units": 3.0}).inputs
    assert type(inputs["model_units"]) is int


def test_outputs_derived_from_an_input_are_declared_on_that_input() -> None:
    assert ApplicationInferenceProfile.provider_class.schema.derived == {"model_source": ("models",), "tags": ("tags_all",)}
    assert CustomModelDeployment.provider_class.schema.derived == {"model_arn": ("update_details",), "tags": ("tags_all",)}
    assert ProvisionedModelThroughput.provider_class.schema.derived == {"model_arn": ("foundation_model_arn",), "tags": ("tags_all",)}
    assert CostAllocationTags.provider_class.schema.derived == {}


# the typed properties: one declaration per property, decoded once at the provider boundary


@pytest.mark.parametrize("resource, args", RESOURCES, ids=lambda r: getattr(r, "__name__", ""))
def test_each_property_is_declared_once_in_the_resources_typed_dict_with_its_type_and_doc(resource, args) -> None:
    schema = resource.provider_class.schema
    hints = typing.get_type_hints(schema.props)
    assert list(hints) == [i.name for i in schema.inputs] + list(schema.outputs)
    assert set(resource.__annotations__) - {"provider_class"} <= set(hints)
    for output in schema.outputs:
        assert schema.output_docs[output]
        assert f"- ``{output}``: {schema.output_docs[output]}" in resource.__doc__
    for declared in schema.inputs:
        assert declared.integer == (hints[declared.name] is int)
        if declared.output_doc:
            assert f"- ``{declared.name}``: {declared.output_doc}" in resource.__doc__


def test_a_field_declared_neither_as_an_argument_nor_as_an_output_is_refused() -> None:
    class Props(typing.TypedDict, total=False):
        flag: typing.Annotated[Optional[bool], argument(boolean, NoChange())]
        stray: Optional[str]

    with pytest.raises(TypeError, match="Props.stray"):
        Schema.of(Props)


def test_whole_numbers_are_the_fields_typed_int() -> None:
    class Props(typing.TypedDict, total=False):
        count: typing.Annotated[int, argument(boolean, NoChange())]
        maybe: typing.Annotated[Optional[int], argument(boolean, NoChange())]
        ratio: typing.Annotated[float, argument(boolean, NoChange())]
        label: typing.Annotated[str, Output("A label.")]

    decoded = Schema.of(Props).decode({"count": 2.0, "maybe": 3.0, "ratio": 1.0, "label": "4.0", "extra": 5.0})
    assert decoded == {"count": 2, "maybe": 3, "ratio": 1.0, "label": "4.0", "extra": 5.0}
    assert [type(decoded[k]) for k in ("count", "maybe", "ratio", "extra")] == [int, int, float, float]


def test_the_sdks_entry_points_hand_the_decoded_properties_to_the_resources_methods(monkeypatch) -> None:
    seen: list[tuple[str, object]] = []
    provider = ProvisionedModelThroughputProvider()
    for method in ("_diff", "_create", "_read", "_update", "_delete"):
        monkeypatch.setattr(provider, method, lambda *args, _m=method: seen.append((_m, args)))
    olds, news = {"model_units": 1.0, "region": "us-east-1"}, {"model_units": 2.0, "region": "us-east-1"}
    provider.diff("arn", olds, news)
    provider.create(news)
    provider.read("arn", news)
    provider.update("arn", olds, news)
    provider.delete("arn", olds)
    assert [name for name, _ in seen] == ["_diff", "_create", "_read", "_update", "_delete"]
    for _name, args in seen:
        for props in (a for a in args if isinstance(a, dict)):
            assert type(props["model_units"]) is int


@pytest.mark.parametrize("resource, args", RESOURCES[:3], ids=lambda r: getattr(r, "__name__", ""))
def test_the_name_doc_states_the_api_models_length_limits(resource, args) -> None:
    name = resource.provider_class.schema.name_input
    rule = name.name_rule
    assert name.doc.startswith(f"{rule.min_length}–{rule.max_length} characters: ")


def test_the_tags_doc_states_the_api_models_limits() -> None:
    from pulumi_bedrock_inference.providers.schema import TAGS
    from pulumi_bedrock_inference.providers.tags import KEY_RULE, MAX_TAGS, VALUE_RULE

    assert f"Up to {MAX_TAGS} tags" in TAGS.doc
    assert f"key {KEY_RULE.min_length}–{KEY_RULE.max_length} and value {VALUE_RULE.min_length}–{VALUE_RULE.max_length} characters" in TAGS.doc
    assert KEY_RULE.pattern == VALUE_RULE.pattern and f"``{KEY_RULE.pattern.removesuffix('*')}``" in TAGS.doc
