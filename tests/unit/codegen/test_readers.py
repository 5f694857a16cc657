"""The gate's reader-compatibility verdicts are right, checked by generating readings.

For each kind of change, both ways: where the gate says "readable", every reading generated from
the written schema is valid under the reader's (an independent validator decides); where it says
"not readable", hypothesis finds a reading valid under the written schema that the reader refuses.
The expected verdicts are stated too, so a checker that answered everything one way would fail.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis.errors import NoSuchExample
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from codegen.compat.readers import readable

Schema = dict[str, Any]

V1: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["device_id", "latitude"],
    "properties": {
        "device_id": {"type": "string", "maxLength": 8},
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "altitude": {"type": ["number", "null"]},
        "mode": {"enum": ["walk", "drive"]},
        "samples": {"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 4},
        "note": {"type": "string", "maxLength": 4},
    },
}


def changed(edit: Callable[[Schema], None]) -> Schema:
    schema = copy.deepcopy(V1)
    edit(schema)
    return schema


def narrowed_type(schema: Schema) -> None:
    schema["properties"]["altitude"]["type"] = "number"


def new_required_field(schema: Schema) -> None:
    schema["properties"]["fix"] = {"enum": ["2d", "3d"]}
    schema["required"].append("fix")


def new_optional_field(schema: Schema) -> None:
    schema["properties"]["fix"] = {"enum": ["2d", "3d"]}


def tighter_bound(schema: Schema) -> None:
    schema["properties"]["latitude"]["minimum"] = 0


def widened_enum(schema: Schema) -> None:
    schema["properties"]["mode"]["enum"] = ["walk", "drive", "fly"]


def removed_field(schema: Schema) -> None:
    del schema["properties"]["note"]


def tighter_items(schema: Schema) -> None:
    schema["properties"]["samples"]["items"]["maximum"] = 100


def documentation_only(schema: Schema) -> None:
    schema["properties"]["latitude"]["description"] = "Degrees north."


# (change, does v1 read v2?, does v2 read v1?)
CHANGES = [
    (narrowed_type, True, False),
    (new_required_field, False, False),
    (new_optional_field, False, True),
    (tighter_bound, True, False),
    (widened_enum, False, True),
    (removed_field, True, False),
    (tighter_items, True, False),
    (documentation_only, True, True),
]


def pairs() -> list[Any]:
    cases = []
    for change, old_reads_new, new_reads_old in CHANGES:
        new = changed(change)
        cases.append(pytest.param(V1, new, old_reads_new, id=f"{change.__name__}: v1 reads v2"))
        cases.append(pytest.param(new, V1, new_reads_old, id=f"{change.__name__}: v2 reads v1"))
    return cases


@pytest.mark.parametrize(("reader", "written", "expected"), pairs())
def test_the_verdict_is_the_expected_one(reader: Schema, written: Schema, expected: bool) -> None:
    verdict = readable(reader, written)
    assert verdict.readable is expected, verdict.reason
    assert bool(verdict.reasons) is not expected  # a "no" always says where


@pytest.mark.parametrize(("reader", "written", "expected"), pairs())
def test_the_verdict_holds_for_generated_readings(reader: Schema, written: Schema, expected: bool) -> None:
    reader_validator = Draft202012Validator(reader)
    if readable(reader, written):

        @settings(max_examples=30)
        @given(from_schema(written))
        def every_written_reading_is_read(reading: dict[str, Any]) -> None:
            assert reader_validator.is_valid(reading), reading

        every_written_reading_is_read()
    else:
        counterexample = find(from_schema(written), lambda reading: not reader_validator.is_valid(reading))
        assert Draft202012Validator(written).is_valid(counterexample)
        assert not reader_validator.is_valid(counterexample)


@pytest.mark.parametrize(
    ("first", "second"),
    [pytest.param(a, b, id=f"{a.__name__} + {b.__name__}") for (a, *_), (b, *_) in combinations(CHANGES, 2)],
)
def test_two_changes_at_once_are_judged_soundly(
    first: Callable[[Schema], None], second: Callable[[Schema], None]
) -> None:
    """Where the check says "readable" for combined changes, no counter-example is found."""
    new = changed(lambda schema: (first(schema), second(schema)))
    for reader, written in ((V1, new), (new, V1)):
        if readable(reader, written):
            validator = Draft202012Validator(reader)
            with pytest.raises(NoSuchExample):
                find(
                    from_schema(written),
                    lambda reading, validator=validator: not validator.is_valid(reading),
                    settings=settings(max_examples=25),
                )
