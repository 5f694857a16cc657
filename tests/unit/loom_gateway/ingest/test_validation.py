"""loom_gateway.ingest.validation: strict parsing with the generated models, errors as JSON pointers."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from loom_catalog import CATALOG
from loom_catalog.catalog import (
    DEVICE_AUDIO_V1,
    DEVICE_HEALTH_HEARTRATE_V1,
    DEVICE_SENSOR_GPS_V1,
    DEVICE_STATE_POWER_V1,
    DEVICE_SYSTEM_APPS_ANDROID_V1,
)
from loom_gateway.catalog import DataType
from loom_gateway.errors import BatchTooLarge, FieldError, InvalidReading, MalformedBody
from loom_gateway.ingest.validation import Batch, parse_body, require_finite_numbers
from tests.support.mobile_bodies import ROUTE_BODIES, envelope, gps

DATA_TYPE_OF = {route.path: route.data_type for route in CATALOG.routes}

DATE_TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def encode(value: object) -> bytes:
    """Compact UTF-8 JSON, as dio sends it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def accepted(data_type: DataType, body: object) -> BaseModel:
    batch = parse_body(data_type, encode(body))
    assert batch.is_array is False
    [reading] = batch.items
    assert isinstance(reading, data_type.model)
    return reading


def refused(data_type: DataType, body: object) -> InvalidReading:
    with pytest.raises(InvalidReading) as caught:
        parse_body(data_type, encode(body))
    return caught.value


def as_json(reading: BaseModel) -> Any:
    return json.loads(reading.model_dump_json(by_alias=True))


def android_app(**changes: Any) -> dict[str, Any]:
    app = {"pid": 0, "name": "Maps", "package_name": "com.google.android.apps.maps", "active": False}
    return {**app, "hidden": False, **changes}


# The mobile contract, accepted as sent.


def test_every_catalog_route_has_a_mobile_body() -> None:
    # Each path is also served at /v<N>/…, with the same body.
    unversioned = {route.path for route in CATALOG.routes if not route.path.startswith("/v1/")}
    assert set(ROUTE_BODIES) == unversioned


@pytest.mark.parametrize("path", sorted(ROUTE_BODIES))
def test_the_client_body_is_accepted_and_reads_back_unchanged(path: str) -> None:
    body = ROUTE_BODIES[path]()

    reading = accepted(DATA_TYPE_OF[path], body)

    # Explicit nulls stay null, absent keys stay absent, nothing is added or coerced away.
    assert as_json(reading) == body


@pytest.mark.parametrize("path", sorted(ROUTE_BODIES))
def test_the_client_body_is_accepted_inside_a_json_array(path: str) -> None:
    body = ROUTE_BODIES[path]()

    batch = parse_body(DATA_TYPE_OF[path], encode([body, body]))

    assert batch.is_array is True
    assert [type(item) for item in batch.items] == [DATA_TYPE_OF[path].model] * 2, [
        item.errors for item in batch.items if isinstance(item, InvalidReading)
    ]
    assert [as_json(item) for item in batch.items] == [body, body]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "recorded_at",
    [
        "2025-07-08T16:53:08.123456",  # Dart toIso8601String of a DateTime.now()
        "2025-07-08T16:53:08.123",  # from Android epoch milliseconds
        "2025-07-08T16:53:08",
        "2025-07-08T14:53:08.123456Z",
        "2025-07-08T16:53:08.123+02:00",
    ],
)
def test_recorded_at_is_accepted_with_or_without_an_offset(recorded_at: str) -> None:
    reading = accepted(DEVICE_SENSOR_GPS_V1, {**gps(), "recorded_at": recorded_at})

    assert reading.recorded_at == recorded_at  # type: ignore[attr-defined]


def test_device_id_unknown_is_accepted() -> None:
    reading = accepted(DEVICE_SENSOR_GPS_V1, {**gps(), "device_id": "unknown"})

    assert reading.device_id == "unknown"  # type: ignore[attr-defined]


def test_integer_valued_double_is_accepted_and_stays_a_double() -> None:
    body = {**ROUTE_BODIES["/sensor/power"](), "battery_level": 78.0}

    reading = accepted(DEVICE_STATE_POWER_V1, body)

    assert reading.battery_level == 78.0  # type: ignore[attr-defined]
    assert '"battery_level":78.0' in reading.model_dump_json()


def test_an_integer_is_accepted_where_the_schema_says_number() -> None:
    reading = accepted(DEVICE_STATE_POWER_V1, {**ROUTE_BODIES["/sensor/power"](), "battery_level": 78})

    assert reading.battery_level == 78.0  # type: ignore[attr-defined]


def test_power_source_may_be_null() -> None:
    body = {**ROUTE_BODIES["/sensor/power"](), "power_source": None}

    assert as_json(accepted(DEVICE_STATE_POWER_V1, body)) == body


def test_pid_zero_and_an_epoch_ms_integer_launch_date_are_accepted() -> None:
    body = {
        "device_id": "unknown",
        "timestamp": "2025-07-08T16:53:08.123",
        "running_applications": [
            android_app(pid=0, launch_date=0),
            android_app(pid=1, launch_date=1720450388123),
        ],
    }

    reading = accepted(DEVICE_SYSTEM_APPS_ANDROID_V1, body)

    assert [app.pid for app in reading.running_applications] == [0, 1]  # type: ignore[attr-defined]


def test_a_reading_without_message_id_is_accepted() -> None:
    body = gps()
    del body["message_id"]

    assert as_json(accepted(DEVICE_SENSOR_GPS_V1, body)) == body


def test_audio_base64_with_plus_slash_and_padding_is_accepted() -> None:
    body = {**ROUTE_BODIES["/audio/upload"](), "data": "+/8A/w=="}

    assert accepted(DEVICE_AUDIO_V1, body).data == "+/8A/w=="  # type: ignore[attr-defined]


# Strictness: what the schema refuses, by JSON pointer and JSON Schema keyword.

REFUSALS = [
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "latitude": "52.3676"},
        FieldError("/latitude", "type", "Input should be a valid number"),
        id="number-as-string",
    ),
    pytest.param(
        DEVICE_HEALTH_HEARTRATE_V1,
        {**ROUTE_BODIES["/sensor/heartrate"](), "bpm": "5"},
        FieldError("/bpm", "type", "Input should be a valid integer"),
        id="integer-as-string",
    ),
    pytest.param(
        DEVICE_HEALTH_HEARTRATE_V1,
        {**ROUTE_BODIES["/sensor/heartrate"](), "bpm": 72.0},
        FieldError("/bpm", "type", "Input should be a valid integer"),
        id="double-for-integer",
    ),
    pytest.param(
        DEVICE_STATE_POWER_V1,
        {**ROUTE_BODIES["/sensor/power"](), "is_charging": 1},
        FieldError("/is_charging", "type", "Input should be a valid boolean"),
        id="integer-for-boolean",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "message_id": None},
        FieldError("/message_id", "type", "Input should be a valid string"),
        id="null-for-non-nullable-optional",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "recorded_at": None},
        FieldError("/recorded_at", "type", "Input should be a valid string"),
        id="null-for-required",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "altitude_msl": 2.5},
        FieldError("/altitude_msl", "additionalProperties", "Extra inputs are not permitted"),
        id="unknown-field",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {key: value for key, value in gps().items() if key != "latitude"},
        FieldError("/latitude", "required", "Field required"),
        id="missing-field",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "latitude": 90.5},
        FieldError("/latitude", "maximum", "Input should be less than or equal to 90"),
        id="above-maximum",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "speed": -1},
        FieldError("/speed", "minimum", "Input should be greater than or equal to 0"),
        id="below-minimum",
    ),
    pytest.param(
        DEVICE_HEALTH_HEARTRATE_V1,
        {**ROUTE_BODIES["/sensor/heartrate"](), "bpm": 0},
        FieldError("/bpm", "minimum", "Input should be greater than or equal to 1"),
        id="integer-below-minimum",
    ),
    pytest.param(
        DEVICE_STATE_POWER_V1,
        {**ROUTE_BODIES["/sensor/power"](), "battery_level": 100.5},
        FieldError("/battery_level", "maximum", "Input should be less than or equal to 100"),
        id="percent-above-maximum",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "recorded_at": "2025-07-08 16:53:08"},
        FieldError("/recorded_at", "pattern", f"String should match pattern '{DATE_TIME_PATTERN}'"),
        id="date-time-pattern",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "timestamp": "yesterday"},
        FieldError("/timestamp", "pattern", f"String should match pattern '{DATE_TIME_PATTERN}'"),
        id="nullable-date-time-pattern",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "message_id": "not-a-uuid"},
        FieldError("/message_id", "pattern", f"String should match pattern '{UUID_PATTERN}'"),
        id="uuid-pattern",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "device_id": ""},
        FieldError(
            "/device_id", "pattern", "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'"
        ),
        id="empty-device-id",
    ),
    pytest.param(
        DEVICE_AUDIO_V1,
        {**ROUTE_BODIES["/audio/upload"](), "data": "not base64!"},
        FieldError(
            "/data",
            "pattern",
            "String should match pattern '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$'",
        ),
        id="base64-pattern",
    ),
    pytest.param(
        DEVICE_AUDIO_V1,
        {**ROUTE_BODIES["/audio/upload"](), "data": ""},
        FieldError("/data", "minLength", "String should have at least 4 characters"),
        id="min-length",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "trace_id": "t" * 129},
        FieldError("/trace_id", "maxLength", "String should have at most 128 characters"),
        id="max-length",
    ),
    pytest.param(
        DEVICE_SENSOR_GPS_V1,
        {**gps(), "services_encountered": ["mobile-client"] * 65},
        FieldError(
            "/services_encountered", "maxItems", "List should have at most 64 items after validation, not 65"
        ),
        id="max-items",
    ),
    pytest.param(
        DEVICE_STATE_POWER_V1,
        {**ROUTE_BODIES["/sensor/power"](), "power_source": "solar"},
        FieldError(
            "/power_source",
            "enum",
            "Input should be 'ac_charger', 'usb', 'wireless', 'battery', 'unknown' or None",
        ),
        id="enum",
    ),
    pytest.param(
        DEVICE_SYSTEM_APPS_ANDROID_V1,
        {**ROUTE_BODIES["/system/apps/android"](), "running_applications": [android_app(pid=-1)]},
        FieldError("/running_applications/0/pid", "minimum", "Input should be greater than or equal to 0"),
        id="nested-minimum",
    ),
    pytest.param(
        DEVICE_SYSTEM_APPS_ANDROID_V1,
        {
            **ROUTE_BODIES["/system/apps/android"](),
            "running_applications": [android_app(), android_app(uid=1)],
        },
        FieldError("/running_applications/1/uid", "additionalProperties", "Extra inputs are not permitted"),
        id="nested-unknown-field",
    ),
]


@pytest.mark.parametrize(("data_type", "body", "expected"), REFUSALS)
def test_a_lone_reading_is_refused_with_its_pointer_and_rule(
    data_type: DataType, body: dict[str, Any], expected: FieldError
) -> None:
    error = refused(data_type, body)

    assert error.errors == (expected,)
    assert error.schema_id == data_type.schema_id
    assert error.detail == f"{data_type.title} is invalid at {expected.pointer}"


@pytest.mark.parametrize(("data_type", "body", "expected"), REFUSALS)
def test_an_array_item_is_refused_by_the_same_rule_with_its_index_in_the_pointer(
    data_type: DataType, body: dict[str, Any], expected: FieldError
) -> None:
    batch = parse_body(data_type, encode([body]))

    [item] = batch.items
    assert isinstance(item, InvalidReading)
    assert item.errors == (replace(expected, pointer="/0" + expected.pointer),)


def test_every_broken_rule_is_reported_in_field_order() -> None:
    error = refused(DEVICE_SENSOR_GPS_V1, {**gps(), "latitude": -91, "speed": -0.5, "extra": True})

    assert error.errors == (
        FieldError("/latitude", "minimum", "Input should be greater than or equal to -90"),
        FieldError("/speed", "minimum", "Input should be greater than or equal to 0"),
        FieldError("/extra", "additionalProperties", "Extra inputs are not permitted"),
    )
    assert error.detail == "GPS reading is invalid at /extra, /latitude, /speed"
    assert error.status == 422
    assert error.extensions() == {
        "schema": "https://schemas.loom-gateway.dev/device/sensor/gps/v1.json",
        "errors": [
            {
                "pointer": "/latitude",
                "rule": "minimum",
                "message": "Input should be greater than or equal to -90",
            },
            {"pointer": "/speed", "rule": "minimum", "message": "Input should be greater than or equal to 0"},
            {
                "pointer": "/extra",
                "rule": "additionalProperties",
                "message": "Extra inputs are not permitted",
            },
        ],
    }


@pytest.mark.parametrize(
    ("key", "pointer"),
    [("a/b", "/a~1b"), ("m~n", "/m~0n"), ("~1", "/~01"), ("a~b/c", "/a~0b~1c"), ("", "/")],
)
def test_unknown_keys_are_escaped_in_the_pointer(key: str, pointer: str) -> None:
    error = refused(DEVICE_SENSOR_GPS_V1, {**gps(), key: 1})

    assert [(e.pointer, e.rule) for e in error.errors] == [(pointer, "additionalProperties")]


def test_a_json_value_that_is_not_an_object_is_refused_at_the_root() -> None:
    error = refused(DEVICE_SENSOR_GPS_V1, 5)

    assert error.errors == (FieldError("", "type", "Input should be an object"),)
    assert error.detail == "GPS reading is invalid at /"


# Bodies that are not JSON at all.


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"device_id": ', "Invalid JSON: EOF while parsing a value at line 1 column 14"),
        (b"\xff\xfe{}", "Invalid JSON: expected value at line 1 column 1"),
        (b'{"device_id": "\xff"}', "Invalid JSON: invalid unicode code point at line 1 column 16"),
        (b"", "Invalid JSON: EOF while parsing a value at line 1 column 0"),
        (b'{"latitude": 1} {}', "Invalid JSON: trailing characters at line 1 column 17"),
        (b'[{"device_id": ', "EOF while parsing a value at line 1 column 15"),
        (b"[\xff]", "expected value at line 1 column 2"),
        (b"[{},]", "trailing comma at line 1 column 5"),
    ],
    ids=[
        "truncated",
        "invalid-utf8",
        "invalid-utf8-in-string",
        "empty",
        "trailing-data",
        "truncated-array",
        "invalid-utf8-array",
        "trailing-comma-array",
    ],
)
def test_a_body_that_is_not_json_is_malformed(body: bytes, detail: str) -> None:
    with pytest.raises(MalformedBody) as caught:
        parse_body(DEVICE_SENSOR_GPS_V1, body)

    assert caught.value.detail == f"the body is not valid JSON: {detail}"
    assert caught.value.status == 400


# JSON arrays: one result per item.


def test_a_lone_object_is_a_batch_of_one_that_is_not_an_array() -> None:
    batch = parse_body(DEVICE_SENSOR_GPS_V1, encode(gps()))

    assert isinstance(batch, Batch)
    assert batch.is_array is False
    assert len(batch.items) == 1


def test_an_array_gives_one_item_per_reading_with_refused_ones_in_place() -> None:
    good, bad = gps(), {**gps(), "latitude": 500}

    batch = parse_body(DEVICE_SENSOR_GPS_V1, b" \n\t" + encode([good, bad, {**good, "device_id": "other"}]))

    assert batch.is_array is True
    first, second, third = batch.items
    assert isinstance(first, DEVICE_SENSOR_GPS_V1.model)
    assert isinstance(third, DEVICE_SENSOR_GPS_V1.model)
    assert third.device_id == "other"  # type: ignore[attr-defined]
    assert isinstance(second, InvalidReading)
    assert second.errors == (
        FieldError("/1/latitude", "maximum", "Input should be less than or equal to 90"),
    )
    assert second.detail == "GPS reading is invalid at /1/latitude"
    assert second.schema_id == DEVICE_SENSOR_GPS_V1.schema_id


def test_a_nested_error_in_an_array_item_has_the_full_pointer() -> None:
    body = {
        **ROUTE_BODIES["/system/apps/android"](),
        "running_applications": [android_app(), android_app(pid=-3)],
    }

    [item] = parse_body(DEVICE_SYSTEM_APPS_ANDROID_V1, encode([body])).items

    assert isinstance(item, InvalidReading)
    assert [(e.pointer, e.rule) for e in item.errors] == [("/0/running_applications/1/pid", "minimum")]


def test_an_array_item_that_is_not_an_object_is_refused_at_its_index() -> None:
    [item] = parse_body(DEVICE_SENSOR_GPS_V1, b"[5]").items

    assert isinstance(item, InvalidReading)
    assert [(e.pointer, e.rule) for e in item.errors] == [("/0", "type")]


def test_an_empty_array_is_an_empty_batch() -> None:
    batch = parse_body(DEVICE_SENSOR_GPS_V1, b"[]")

    assert batch.is_array is True
    assert list(batch.items) == []


def test_an_array_of_at_most_max_batch_items_is_parsed() -> None:
    small = replace(DEVICE_SENSOR_GPS_V1, max_batch_items=2)

    batch = parse_body(small, encode([gps(), gps()]))

    assert len(batch.items) == 2


def test_an_array_longer_than_max_batch_items_is_refused_as_a_whole() -> None:
    small = replace(DEVICE_SENSOR_GPS_V1, max_batch_items=2)

    with pytest.raises(BatchTooLarge) as caught:
        parse_body(small, encode([gps(), gps(), gps()]))

    assert caught.value.detail == "3 readings in one request; at most 2"
    assert caught.value.status == 413


def test_the_catalog_batch_limit_applies_before_items_are_validated() -> None:
    with pytest.raises(BatchTooLarge, match=r"^1001 readings in one request; at most 1000$"):
        parse_body(DEVICE_SENSOR_GPS_V1, b"[" + b"{}," * 1000 + b"{}]")


def test_envelope_helper_matches_the_contract_keys() -> None:
    # Guards the fixture itself: the envelope the contract lists, in its order.
    assert list(envelope()) == [
        "device_id",
        "recorded_at",
        "timestamp",
        "message_id",
        "trace_id",
        "services_encountered",
        "content_hash",
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"x":NaN}', "not valid JSON"),
        (b'{"a":[1,{"b":-Infinity}]}', "not valid JSON"),
        (b'{"x":1e400}', "the number at /x is too large for a double"),
        (b'[{"v":{"l/x":1E+999}}]', "the number at /0/v/l~1x is too large for a double"),
        (b"1e400", "the number at / is too large for a double"),
        (b'{"x": 2.5e0308 }', "the number at /x is too large for a double"),
        (b'[\n  {"x": 1e1000\n  }\n]', "the number at /0/x is too large for a double"),
        (b'{"id":"3e456-aa","x":[1e400]}', "the number at /x/0 is too large for a double"),
        (b'{"x":1' + b"0" * 400 + b".0}", "the number at /x is too large for a double"),
        (b'{"x":-1' + b"0" * 400 + b"}", "the number at /x is too large for a double"),  # an integer
        (b'{"x":1' + b"0" * 300 + b"e10}", "the number at /x is too large for a double"),
        (b'{"x":[0.5,1' + b"0" * 309 + b"]}", "the number at /x/1 is too large for a double"),  # 1e309
    ],
)
def test_numbers_json_cannot_carry_are_malformed(body: bytes, detail: str) -> None:
    with pytest.raises(MalformedBody, match=detail):
        require_finite_numbers(body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"s":"NaN and Infinity"}',
        b'{"x":1e300}',
        b'{"x":1e-400}',
        b"[]",
        b'{"x":1.5e308}',
        b'{"id":"0e3f4c1e-9e12-4e45-8e00-3e456e7890ab"}',
        b'{"x":1' + b"0" * 307 + b".0}",  # 1e307, written out
        b'{"x":0.' + b"0" * 400 + b"1}",  # tiny: a double's 0, as 1e-400 is
        b'{"s":"' + b"7" * 1000 + b'"}',  # digits in a string
    ],
)
def test_finite_numbers_and_strings_that_look_alike_pass(body: bytes) -> None:
    require_finite_numbers(body)


# JSON numbers as clients write them: any sign, up to 420 digits before the point, a fraction,
# an exponent of either case and sign with up to four digits (leading zeros included).
_JSON_NUMBERS = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{whole}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    st.one_of(st.just("0"), st.from_regex(r"[1-9][0-9]{0,420}", fullmatch=True)),
    st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,12}", fullmatch=True)),
    st.one_of(st.just(""), st.from_regex(r"[eE][+-]?[0-9]{1,4}", fullmatch=True)),
)


@settings(max_examples=300, deadline=None)
@given(
    numbers=st.lists(_JSON_NUMBERS, min_size=1, max_size=5),
    text=st.text(alphabet="0123456789eE+-.NaI ", max_size=30),
)
def test_the_quick_search_refuses_exactly_what_a_full_parse_finds_too_large(
    numbers: list[str], text: str
) -> None:
    # The searches only decide whether the full parse runs: they must never let through a body
    # that the parse would refuse, whatever the strings beside the numbers look like.
    body = ('{"s":' + json.dumps(text) + ',"x":[' + ",".join(numbers) + "]}").encode()
    parsed = [float(number) for number in numbers]
    too_large = any(math.isinf(value) for value in parsed)

    if too_large:
        with pytest.raises(MalformedBody, match="too large for a double"):
            require_finite_numbers(body)
    else:
        require_finite_numbers(body)
