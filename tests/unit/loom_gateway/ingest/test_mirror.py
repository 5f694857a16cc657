"""loom_gateway.ingest.mirror: a model's msgspec mirror, held to the model it mirrors.

The promise: what the mirror accepts, the model accepts (strict, JSON mode), and the mirror's JSON
is the model's (the same document: same keys in the same order, same values of the same types).
What the mirror refuses is left to the model, so refusing more is allowed; but a valid reading it
refuses would be a mirror that does not pay for itself, so that is checked too.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.ingest.mirror import StructMirror
from loom_gateway.ingest.service import Ingestor
from tests.support.schemas import bundled_schema, invalid_readings, valid_readings

SERVER_FIELDS = frozenset({"received_at", "schema_version"})
# Each mirror as ingestion builds it (server fields left out, the record key checked).
MIRRORS = {
    data_type: mirror
    for data_type in CATALOG.data_types
    if (mirror := Ingestor(data_type, None)._mirror) is not None  # type: ignore[arg-type]  # no settler needed
}
EACH_MIRRORED_TYPE = pytest.mark.parametrize(
    "data_type",
    sorted(MIRRORS, key=lambda data_type: data_type.qualified_name),
    ids=lambda data_type: data_type.qualified_name,
)
GPS = next(
    data_type for data_type in CATALOG.data_types if data_type.qualified_name == "device.sensor.gps.v1"
)
GPS_READING = {
    "device_id": "phone-1",
    "recorded_at": "2025-07-08T16:53:08.123456",
    "message_id": "7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40",
    "latitude": 52.3676,
    "longitude": 4.9041,
    "accuracy": 8.0,
}

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def model_json(data_type: DataType, body: bytes) -> bytes | None:
    """What the model makes of a body (None: refused)."""
    try:
        reading = data_type.model.model_validate_json(body, strict=True)
    except ValidationError:
        return None
    return data_type.model.__pydantic_serializer__.to_json(reading, by_alias=True)


def same_json(left: object, right: object) -> bool:
    """Equal as JSON documents, types included (``1`` is not ``1.0``) and keys in the same order."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return list(left) == list(right) and all(same_json(left[key], right[key]) for key in left)
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(map(same_json, left, right))
    return left == right


def assert_agrees(data_type: DataType, body: bytes) -> bool:
    """The mirror's answer for one reading, held to the model's; whether the mirror took it."""
    mirror = MIRRORS[data_type]
    mirrored = mirror.one(body)
    if mirrored is None:
        return False
    expected = model_json(data_type, body)
    assert expected is not None, f"the mirror took what the model refuses: {body!r}"
    assert same_json(json.loads(mirror.encode(mirrored)), json.loads(expected)), body
    return True


@st.composite
def hostile_bodies(draw: st.DrawFn, data_type: DataType) -> bytes:
    """A reading of the data type as a client could send it: valid, invalid in a way the schema
    names, or bent at the level of JSON text (a field replaced by any JSON value, a duplicate key,
    a string ending in a newline, a lone surrogate, a server field)."""
    schema = bundled_schema(data_type)
    if draw(st.integers(0, 4)) == 0:
        return json.dumps(draw(invalid_readings(schema))).encode()
    reading = dict(draw(valid_readings(schema)))
    names = sorted(reading)
    bend = draw(st.sampled_from(["none", "replace", "duplicate", "newline", "surrogate", "server"]))
    if bend == "replace" and names:
        reading[draw(st.sampled_from(names))] = draw(_JSON_VALUES)
    elif bend == "newline":
        strings = sorted(name for name, value in reading.items() if isinstance(value, str))
        if strings:
            name = draw(st.sampled_from(strings))
            reading[name] += "\n"
    elif bend == "surrogate":
        strings = sorted(name for name, value in reading.items() if isinstance(value, str))
        if strings:
            text = json.dumps(reading).replace(f'"{draw(st.sampled_from(strings))}": "', '"\\ud800', 1)
            return text.encode()
    elif bend == "server":
        reading[draw(st.sampled_from(sorted(SERVER_FIELDS)))] = "2025-07-08T16:53:08Z"
    text = json.dumps(reading)
    if bend == "duplicate" and names:
        name = draw(st.sampled_from(names))
        extra = f"{json.dumps(name)}: {json.dumps(draw(_JSON_VALUES))}"
        text = "{" + extra + ", " + text[1:] if draw(st.booleans()) else text[:-1] + ", " + extra + "}"
    return text.encode()


def test_most_of_the_catalog_is_mirrored() -> None:
    # Readings of every kind a Loom phone sends are; the few that are not go through the model alone.
    assert GPS in MIRRORS
    assert len(MIRRORS) >= 20


@EACH_MIRRORED_TYPE
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_mirror_takes_only_what_the_model_takes_and_writes_what_it_writes(
    data_type: DataType, data: st.DataObject
) -> None:
    assert_agrees(data_type, data.draw(hostile_bodies(data_type)))


@EACH_MIRRORED_TYPE
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_mirror_takes_every_valid_reading_without_server_fields(
    data_type: DataType, data: st.DataObject
) -> None:
    reading = data.draw(valid_readings(bundled_schema(data_type)))
    body = json.dumps({name: value for name, value in reading.items() if name not in SERVER_FIELDS})

    assert assert_agrees(data_type, body.encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(hostile_bodies(GPS), min_size=1, max_size=5))
def test_an_array_is_taken_whole_as_each_reading_would_be_or_not_at_all(bodies: list[bytes]) -> None:
    mirror = MIRRORS[GPS]
    each = [mirror.one(body) for body in bodies]

    readings = mirror.array(b"[" + b",".join(bodies) + b"]")

    if any(reading is None for reading in each):
        assert readings is None
    else:
        assert readings is not None
        assert [mirror.encode(reading) for reading in readings] == [
            mirror.encode(reading) for reading in each if reading is not None
        ]


def test_json_nested_too_deep_for_the_decoder_is_left_to_the_model() -> None:
    generic = next(
        data_type for data_type in MIRRORS if data_type.qualified_name == "device.sensor.generic.v1"
    )
    reading = {"device_id": "phone-1", "recorded_at": "2025-07-08T16:53:08", "sensor_type": "light"}
    depth = 100_000  # msgspec raises RecursionError, not a DecodeError, for this
    deep = json.dumps({**reading, "value": 0})[:-2] + "[" * depth + "]" * depth + "}"

    assert MIRRORS[generic].one(json.dumps({**reading, "value": [[1]]}).encode()) is not None
    assert MIRRORS[generic].one(deep.encode()) is None
    assert MIRRORS[generic].array(("[" + deep + "]").encode()) is None


def test_an_array_with_one_reading_its_check_refuses_is_left_to_the_model() -> None:
    impossible = {**GPS_READING, "recorded_at": "2025-02-30T16:53:08"}
    body = json.dumps([GPS_READING, impossible, GPS_READING]).encode()

    assert MIRRORS[GPS].array(json.dumps([GPS_READING, GPS_READING]).encode()) is not None
    assert MIRRORS[GPS].array(body) is None


@pytest.mark.parametrize(
    "body",
    [
        # The model's Rust regex: "$" is the end, not "before a final newline" as in Python's re.
        json.dumps({**GPS_READING, "device_id": "phone-1\n"}),
        # Of a repeated key the model keeps the last; an invalid earlier one is no reason to accept.
        '{"latitude": 91.0, ' + json.dumps(GPS_READING)[1:],
        json.dumps(GPS_READING)[:-1] + ', "latitude": 91.0}',
        json.dumps(GPS_READING).replace('"phone-1"', '"\\ud800"'),
        json.dumps({**GPS_READING, "recorded_at": "2025-02-30T16:53:08"}),  # the format check
        json.dumps({**GPS_READING, "accuracy": True}),
        json.dumps({**GPS_READING, "received_at": "2025-07-08T16:53:08Z"}),  # a server field: the model's
        json.dumps({**GPS_READING, "colour": "red"}),
        json.dumps(GPS_READING) + "x",
    ],
    ids=[
        "trailing-newline",
        "duplicate-invalid-first",
        "duplicate-invalid-last",
        "lone-surrogate",
        "impossible-date",
        "bool-for-number",
        "server-field",
        "unknown-field",
        "trailing-garbage",
    ],
)
def test_what_the_mirror_leaves_to_the_model(body: str) -> None:
    assert MIRRORS[GPS].one(body.encode()) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"latitude": 52}, 52.0),  # an integer where the schema says number: a float, as the model makes it
        ({"latitude": 1e-7}, 1e-7),
        ({"accuracy": None}, None),  # an explicit null is published as sent
    ],
    ids=["integer-as-float", "exponent", "null"],
)
def test_the_mirror_writes_values_as_the_model_does(fields: dict[str, Any], expected: object) -> None:
    body = json.dumps({**GPS_READING, **fields}).encode()
    name = next(iter(fields))

    assert assert_agrees(GPS, body)
    written = json.loads(MIRRORS[GPS].encode(MIRRORS[GPS].one(body)))  # type: ignore[arg-type]
    assert same_json(written[name], expected)
    assert "timestamp" not in written  # left out: not written, as the model leaves it out


@pytest.mark.parametrize(
    ("pattern", "values"),
    [
        ("^[a-z]{1,3}$", ["ab", "cd", "e"]),
        ("^[a-z]{1,3}$", ["ab", "c\nd", "e"]),  # a newline inside a value: each half would pass
        ("^[a-z]{1,3}$", ["ab", "cd\n"]),
        ("^ab|cd$", ["abyy", "xxcd"]),  # a top-level alternative: each branch anchored at one end
        ("^ab|cd$", ["ab\ncd"]),
        ("^(ab|cd)$", ["ab", "cd", "abcd"]),
        ("^https?://", ["https://a", "http://b\n"]),  # anchored at the start only
        ("^a{2}$", ["aa", "aa"]),
        ("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$", ["QUJD", "QUI=", "QQ==", "Q"]),
    ],
)
def test_values_of_a_patterned_field_across_an_array_are_taken_as_the_model_takes_each(
    pattern: str, values: list[str]
) -> None:
    class Patterned(_Base):
        value: str = Field(pattern=pattern)

    mirror = StructMirror.of(Patterned)
    assert mirror is not None
    for chosen in ([values], [[value] for value in values], [values[:2]], [values[1:]]):
        for array in chosen:
            body = json.dumps([{"value": value} for value in array]).encode()
            try:
                TypeAdapter(list[Patterned]).validate_json(body, strict=True)
                accepted = True
            except ValidationError:
                accepted = False

            assert (mirror.array(body) is not None) == accepted, array


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Aliased(_Base):
    name: str = Field(alias="Name")


class _ValidatedBefore(_Base):
    name: str

    @field_validator("name", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class _ModelValidated(_Base):
    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self) -> _ModelValidated:
        if self.low > self.high:
            raise ValueError("low above high")
        return self


class _Union(_Base):
    value: int | str


class _FloatStep(_Base):
    value: float = Field(multiple_of=0.1)


class _CheckInList(_Base):
    values: list[Annotated[str, AfterValidator(str.strip)]]


class _UnicodeClass(_Base):
    value: str = Field(pattern=r"^\d+$")


class _InlineFlag(_Base):
    value: str = Field(pattern=r"(?i)^abc$")


class _NamedGroup(_Base):
    value: str = Field(pattern=r"^(?P<word>[a-z]+)$")


class _Open(_Base):
    model_config = ConfigDict(extra="allow")
    value: str


class _Tree(_Base):
    children: list[_Tree]


@pytest.mark.parametrize(
    "model",
    [
        _Aliased,
        _ValidatedBefore,
        _ModelValidated,
        _Union,
        _FloatStep,
        _CheckInList,
        _UnicodeClass,
        _InlineFlag,
        _NamedGroup,
        _Open,
        _Tree,
    ],
    ids=[
        "alias",
        "before-validator",
        "model-validator",
        "union",
        "float-multiple-of",
        "check-in-list",
        "unicode-class",
        "inline-flag",
        "named-group",
        "extra-allow",
        "recursive",
    ],
)
def test_a_model_it_cannot_say_the_same_way_has_no_mirror(model: type[BaseModel]) -> None:
    assert StructMirror.of(model) is None


def test_a_check_that_would_change_the_value_leaves_the_reading_to_the_model() -> None:
    class Stripped(_Base):
        value: Annotated[str, AfterValidator(str.strip)]

    mirror = StructMirror.of(Stripped)

    assert mirror is not None
    assert mirror.one(b'{"value": "kept"}') is not None
    assert mirror.one(b'{"value": " padded "}') is None


def test_a_record_key_must_be_a_plain_required_string() -> None:
    class Keyed(_Base):
        device: str
        count: int
        label: str | None = None

    assert StructMirror.of(Keyed, key="device") is not None
    assert StructMirror.of(Keyed, key="count") is None
    assert StructMirror.of(Keyed, key="label") is None


def test_a_nested_model_and_plain_defaults_are_mirrored() -> None:
    class Inner(_Base):
        unit: str = "m"

    class Outer(_Base):
        inner: Inner
        tags: dict[str, int] = Field(default_factory=dict)

    class Plain(_Base):
        inner: Inner
        flag: bool = False

    assert StructMirror.of(Outer) is None  # a default factory
    mirror = StructMirror.of(Plain)
    assert mirror is not None
    reading = mirror.one(b'{"inner": {}}')
    assert reading is not None
    assert msgspec.json.decode(mirror.encode(reading)) == {"inner": {"unit": "m"}, "flag": False}
    assert mirror.encode(reading) == Plain.__pydantic_serializer__.to_json(
        Plain.model_validate_json(b'{"inner": {}}')
    )
