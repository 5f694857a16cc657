"""A dispatch array validated in one pass over its bytes, each item straight into its target's reading.

``/sensor/batch`` items carry a generic envelope and, when ``sensor_type`` names a target, that
target's fields in ``value``. The reference semantics (``Dispatcher`` item by item) validate each
item against the generic schema, then its envelope fields the target declares merged with the
payload (the payload's fields win) against the target's schema. Done that way for a whole array,
every item was parsed, validated, dumped, serialised and validated again.

Here one pydantic validator takes the whole array. Each target has an *item model*: the generic
schema's fields as they are, except ``sensor_type`` (only this target's tag) and ``value`` (the
target's fields, each optional, validated exactly as the target validates them). Items whose tag
names no target are generic readings. What a single schema cannot say is checked after, in one
loop: a field the target requires that neither the payload nor the envelope holds; an envelope
field the target declares differently from the generic schema (a ``unit`` enum, say), validated
again as the target's. Anything short of "every item valid" answers None, and the caller goes
item by item, which says what is wrong and where.

A target whose model this cannot mirror exactly (aliases, model-level validators, defaults other
than "missing") is left to the generic model: its items then fall back item by item, slower and
still correct. ``tests/unit/loom_gateway/ingest/test_one_pass.py`` holds this to the reference
with hypothesis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, NamedTuple, Union

import pydantic_core
from pydantic import MISSING, BaseModel, Field, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo

from loom_gateway.catalog import DataType, Dispatch

__all__ = ["Group", "OnePassDispatch"]

_new_object = object.__new__
# BaseModel's slots, set as ``model_construct`` sets them, through their descriptors (cheaper than
# object.__setattr__'s lookup by name).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Group(NamedTuple):
    """The readings of one data type in an array, and where each item stood."""

    data_type: DataType
    indexes: list[int]
    readings: list[BaseModel]


class _Target(NamedTuple):
    """How one target's item model becomes that target's reading."""

    data_type: DataType
    model: type[BaseModel]
    """The item model (the reading's is ``data_type.model``)."""
    payload: str
    """The item's field holding the payload."""
    envelope: frozenset[str]
    """The target's fields the envelope may hold."""
    required: tuple[str, ...]
    """Fields the target requires that the generic envelope does not guarantee."""
    revalidate: Mapping[str, TypeAdapter[Any]]
    """Envelope fields the target declares differently, each validated again as the target's."""


class OnePassDispatch:
    """Validates a dispatch array in one pass: see the module's docstring."""

    def __init__(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        self._generic = dispatch.data_type.model
        self._tags = frozenset(dispatch.targets)
        item_models: list[type[BaseModel]] = []
        self._targets: dict[type[BaseModel], _Target] = {}
        if _is_plain_payload(self._generic.model_fields[dispatch.payload]):
            for tag, target in dispatch.targets.items():
                mirrored = self._mirror(tag, target)
                if mirrored is not None:
                    item_models.append(mirrored.model)
                    self._targets[mirrored.model] = mirrored
        self._adapter: TypeAdapter[list[BaseModel]] | None = None
        if item_models:
            tagged: Any = (
                Annotated[Union[tuple(item_models)], Field(discriminator=dispatch.discriminator)]  # noqa: UP007
                if len(item_models) > 1
                else item_models[0]
            )
            # Left to right: the tagged targets first (a tag none of them has is refused at once,
            # before any field), then the generic reading.
            item: Any = Annotated[Union[tagged, self._generic], Field(union_mode="left_to_right")]  # noqa: UP007
            self._adapter = TypeAdapter(list[item])

    @property
    def mirrored(self) -> frozenset[DataType]:
        """The targets validated in one pass (the rest go item by item)."""
        return frozenset(target.data_type for target in self._targets.values())

    def readings(self, array: bytes) -> list[Group] | None:
        """Every item of a JSON array as the reading it is sent on to, grouped by data type, when
        every one is valid (strict, JSON mode); None otherwise. No batch limit: the caller's to
        enforce."""
        if self._adapter is None:
            return None
        try:
            items = self._adapter.validate_json(array, strict=True)
        except ValidationError:
            return None
        # Grouped by the item's class: a type hashes in C, a DataType in Python.
        targets, groups = self._targets, dict[type, tuple[_Target | None, list[int], list[BaseModel]]]()
        for index, item in enumerate(items):
            kind = type(item)
            group = groups.get(kind)
            if group is None:
                group = groups[kind] = (targets.get(kind), [], [])
            target, indexes, readings = group
            if target is not None:
                reading = _as_reading(item, target)
                if reading is None:
                    return None
                readings.append(reading)
            elif getattr(item, self._dispatch.discriminator) in self._tags:
                return None  # a target's item its item model refused (or one not mirrored)
            else:
                readings.append(item)
            indexes.append(index)
        return [
            Group(self._dispatch.data_type if target is None else target.data_type, indexes, readings)
            for target, indexes, readings in groups.values()
        ]

    def _mirror(self, tag: str, target: DataType) -> _Target | None:
        """The item model of one target, or None when it cannot mirror the reference exactly."""
        dispatch, generic = self._dispatch, self._generic
        model = target.model
        decorators = model.__pydantic_decorators__
        if (
            model.model_config.get("extra") != "forbid"
            or model.__private_attributes__
            or model.__pydantic_post_init__ is not None
            or decorators.model_validators
            or decorators.field_validators
            or decorators.validators
            or decorators.root_validators
            or not _is_valid_tag(generic.model_fields[dispatch.discriminator], tag)
        ):
            return None
        payload_fields: dict[str, Any] = {}
        for name, field in model.model_fields.items():
            if field.alias not in (None, name) or not (field.is_required() or field.default is MISSING):
                return None
            # The target's own validation, the field merely optional: whether the merged reading has
            # every required field is decided after, with the envelope.
            payload_fields[name] = (field.annotation, _with_default(field, MISSING))
        generic_fields = generic.model_fields
        if any(field.alias not in (None, name) for name, field in generic_fields.items()):
            return None
        envelope = frozenset(
            name
            for name in model.model_fields
            if name in generic_fields and name not in (dispatch.discriminator, dispatch.payload)
        )
        payload = create_model(f"{model.__name__}Payload", __config__=model.model_config, **payload_fields)
        item_fields: dict[str, Any] = {}
        for name, field in generic_fields.items():
            if name == dispatch.discriminator:
                item_fields[name] = (Literal[tag], ...)
            elif name == dispatch.payload:
                item_fields[name] = (payload, ...)
            else:
                item_fields[name] = (field.annotation, _with_default(field, field.default))
        item_model = create_model(f"{model.__name__}Item", __config__=generic.model_config, **item_fields)
        required = tuple(
            name
            for name, field in model.model_fields.items()
            if field.is_required() and not (name in envelope and generic_fields[name].is_required())
        )
        revalidate: dict[str, TypeAdapter[Any]] = {
            name: _adapter(model.model_fields[name])
            for name in envelope
            if _validation(model.model_fields[name]) != _validation(generic_fields[name])
        }
        return _Target(
            target,
            item_model,
            dispatch.payload,
            envelope,
            required,
            revalidate,
        )


def _as_reading(item: BaseModel, target: _Target) -> BaseModel | None:
    """The target's reading an item model holds, as the target's own validation of the merged
    fields builds it (its fields in order, the fields set); None when the target refuses it."""
    data_type, _, payload_field, envelope_fields, required, revalidate = target
    envelope = item.__dict__
    payload = envelope[payload_field]
    # The target's fields in its order, MISSING where the payload has none: the envelope's fill in.
    values: dict[str, Any] = payload.__dict__.copy()
    payload_set: set[str] = payload.__pydantic_fields_set__
    if payload_set.isdisjoint(envelope_fields):  # the usual item: no field in both places
        for name in envelope_fields:
            values[name] = envelope[name]
    else:
        for name in envelope_fields:
            if name not in payload_set:
                values[name] = envelope[name]
    for name, adapter in revalidate.items():
        value = values[name]
        if name not in payload_set and value is not MISSING:
            try:
                # As the reference does: the generic's value, serialised, validated as the target's.
                values[name] = adapter.validate_json(pydantic_core.to_json(value), strict=True)
            except ValidationError:
                return None
    for name in required:
        if values[name] is MISSING:
            return None
    # What ``model_construct`` does, without its per-field Python: every value is validated already.
    reading = _new_object(data_type.model)
    _set_dict(reading, values)
    _set_fields_set(reading, payload_set | (item.__pydantic_fields_set__ & envelope_fields))
    _set_extra(reading, None)
    _set_private(reading, None)
    return reading


def _with_default(field: FieldInfo, default: object) -> FieldInfo:
    return FieldInfo.merge_field_infos(field, default=default)


def _adapter(field: FieldInfo) -> TypeAdapter[Any]:
    annotated: Any = Annotated[field.annotation, field]
    return TypeAdapter(annotated)


def _validation(field: FieldInfo) -> tuple[object, ...]:
    """What decides how a field validates (not its description)."""
    return (field.annotation, tuple(field.metadata), field.validate_default, field.discriminator)


def _is_plain_payload(field: FieldInfo) -> bool:
    """The generic's payload field takes any JSON: the item model may narrow it to the target's fields."""
    return field.annotation is Any and not field.metadata and field.is_required()


def _is_valid_tag(field: FieldInfo, tag: str) -> bool:
    """The tag is a valid discriminator for the generic schema, so ``Literal[tag]`` refuses no more."""
    try:
        _adapter(field).validate_python(tag, strict=True)
    except ValidationError:
        return False
    return True
