"""loom_gateway.ingest.one_pass: a dispatch array in one pass, held to the item-by-item reference.

The reference is what ``Dispatcher`` does for an array it cannot take in one pass: each item
validated against the generic schema, then (when its ``sensor_type`` names a target) its envelope
fields the target declares merged with its payload and validated against the target's schema.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, model_validator

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.errors import InvalidReading
from loom_gateway.ingest.dispatch import Dispatcher
from loom_gateway.ingest.one_pass import Group, OnePassDispatch
from loom_gateway.ingest.validation import validate_item
from tests.support.schemas import bundled_schema, invalid_readings, valid_readings

DISPATCH = next(dispatch for dispatch in CATALOG.dispatches if dispatch.path == "/sensor/batch")
GENERIC = DISPATCH.data_type
GENERIC_SCHEMA = bundled_schema(GENERIC)
ENVELOPE = frozenset(GENERIC_SCHEMA["properties"]) - {DISPATCH.discriminator, DISPATCH.payload}
ONE_PASS = OnePassDispatch(DISPATCH)
REFERENCE = Dispatcher(DISPATCH, {}, None)  # type: ignore[arg-type]  # only its item-by-item merge


def reference(item: object) -> tuple[DataType, BaseModel] | None:
    """What item-by-item validation makes of one item (None: refused)."""
    generic = validate_item(GENERIC, item, "")
    if isinstance(generic, InvalidReading):
        return None
    target = DISPATCH.targets.get(getattr(generic, DISPATCH.discriminator))
    if target is None:
        return GENERIC, generic
    assert isinstance(item, dict)
    reading = REFERENCE._as_target(item, target, "")
    return None if isinstance(reading, InvalidReading) else (target, reading)


def in_item_order(groups: list[Group] | None) -> list[tuple[DataType, BaseModel]] | None:
    """The grouped readings back in the array's order."""
    if groups is None:
        return None
    placed = {
        index: (group.data_type, reading)
        for group in groups
        for index, reading in zip(group.indexes, group.readings, strict=True)
    }
    assert sorted(placed) == list(range(len(placed)))
    return [placed[index] for index in range(len(placed))]


def as_published(data_type: DataType, reading: BaseModel) -> tuple[object, ...]:
    """Everything of a reading that reaches its record: type, fields in order, fields set, JSON."""
    return (
        data_type,
        list(reading.__dict__.items()),
        reading.__pydantic_fields_set__,
        data_type.model.__pydantic_serializer__.to_json(reading, by_alias=True),
    )


@st.composite
def target_items(draw: st.DrawFn) -> dict[str, Any]:
    """A target's reading (valid or broken in one way) as a generic item: each field the generic
    schema also declares in the envelope, the payload or both (with another value), the rest in
    the payload; sometimes generic-only fields beside it, or a payload that is no object."""
    sensor_type, target = draw(st.sampled_from(sorted(DISPATCH.targets.items())))
    schema = bundled_schema(target)
    readings = invalid_readings(schema) if draw(st.integers(0, 3)) == 0 else valid_readings(schema)
    reading, other = draw(readings), draw(valid_readings(schema))
    envelope: dict[str, Any] = {}
    payload: dict[str, Any] = {}
    for name, value in reading.items():
        place = draw(st.sampled_from(["envelope", "payload", "both"])) if name in ENVELOPE else "payload"
        if place == "envelope":
            envelope[name] = value
        elif place == "payload":
            payload[name] = value
        else:  # both: the payload's value is the one the target gets
            envelope[name] = other.get(name, value)
            payload[name] = value
    generic = draw(valid_readings(GENERIC_SCHEMA))
    for name in draw(st.sets(st.sampled_from(sorted(ENVELOPE - envelope.keys())), max_size=2)):
        envelope[name] = generic[name] if name in generic else draw(st.sampled_from([None, "x" * 40, -1]))
    value: object = payload if draw(st.integers(0, 15)) else draw(st.sampled_from([31.0, "dim", None, []]))
    return {**envelope, DISPATCH.discriminator: sensor_type, DISPATCH.payload: value}


def generic_items() -> st.SearchStrategy[dict[str, Any]]:
    """Generic readings, most of them naming no target."""
    return valid_readings(GENERIC_SCHEMA).map(
        lambda reading: (
            {**reading, DISPATCH.discriminator: "light"}
            if reading[DISPATCH.discriminator] in DISPATCH.targets
            else reading
        )
    )


def test_every_target_of_the_catalog_is_validated_in_one_pass() -> None:
    assert ONE_PASS.mirrored == frozenset(DISPATCH.targets.values())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.one_of(target_items(), target_items(), generic_items()), min_size=1, max_size=4))
def test_one_pass_makes_of_an_array_exactly_what_item_by_item_validation_makes(
    items: list[dict[str, Any]],
) -> None:
    expected = [reference(item) for item in items]

    readings = in_item_order(ONE_PASS.readings(json.dumps(items).encode()))

    if any(reading is None for reading in expected):
        assert readings is None
    else:
        assert readings is not None
        assert [as_published(*reading) for reading in readings] == [
            as_published(*reading) for reading in expected if reading is not None
        ]


@pytest.mark.parametrize(
    ("payload", "envelope"),
    [
        ({"temperature": 21.5}, {"unit": "celsius"}),
        ({"temperature": 21.5, "unit": "kelvin"}, {"unit": "lx"}),
        ({"temperature": 21.5}, {"unit": "lx"}),
        ({"unit": "celsius"}, {}),
        ({"temperature": 21.5, "device_id": "other-device"}, {}),
    ],
    ids=[
        "unit-from-envelope",
        "payload-wins",
        "envelope-unit-the-target-refuses",
        "required-missing",
        "both",
    ],
)
def test_the_cases_one_schema_cannot_say_are_decided_as_the_reference_decides(
    payload: dict[str, Any], envelope: dict[str, Any]
) -> None:
    item = {
        "device_id": "phone-1",
        "recorded_at": "2025-07-08T16:53:08.123456",
        **envelope,
        DISPATCH.discriminator: "temperature",
        DISPATCH.payload: payload,
    }
    expected = reference(item)

    readings = in_item_order(ONE_PASS.readings(json.dumps([item]).encode()))

    if expected is None:
        assert readings is None
    else:
        assert readings is not None
        assert [as_published(*reading) for reading in readings] == [as_published(*expected)]


def test_a_target_it_cannot_mirror_is_left_to_item_by_item_validation() -> None:
    class WithValidator(DISPATCH.targets["gps"].model):  # type: ignore[name-defined,misc]
        @model_validator(mode="after")
        def _check(self) -> WithValidator:
            return self

    gps = replace(DISPATCH.targets["gps"], model=WithValidator)
    one_pass = OnePassDispatch(replace(DISPATCH, targets={**DISPATCH.targets, "gps": gps}))
    item = {
        "device_id": "phone-1",
        "recorded_at": "2025-07-08T16:53:08.123456",
        DISPATCH.discriminator: "gps",
        DISPATCH.payload: {"latitude": 52.3676, "longitude": 4.9041},
    }

    assert gps not in one_pass.mirrored
    assert one_pass.readings(json.dumps([item]).encode()) is None
