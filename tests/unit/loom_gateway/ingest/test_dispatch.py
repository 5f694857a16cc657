"""loom_gateway.ingest.dispatch: each item of a dispatch array sent on to the data type it names,
with a fake publisher."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

import pytest

from loom_catalog import CATALOG
from loom_gateway.catalog import Dispatch
from loom_gateway.errors import (
    BatchTooLarge,
    BrokerUnavailable,
    FieldError,
    InvalidReading,
    MalformedBody,
    ReadingTooLarge,
)
from loom_gateway.ingest import service
from loom_gateway.ingest.dispatch import Dispatcher
from loom_gateway.ingest.service import Ingestor, Outcome, Result, Settler
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics
from tests.support.mobile_bodies import DEVICE_ID, MESSAGE_ID, ROUTE_BODIES, envelope
from tests.unit.loom_gateway.ingest.test_service import (
    SERVER_FIELDS,
    FakePublisher,
    _FixedClock,
    encode,
    published,
    readings,
)

DISPATCH = next(dispatch for dispatch in CATALOG.dispatches if dispatch.path == "/sensor/batch")
GENERIC = DISPATCH.data_type
ACCELEROMETER = DISPATCH.targets["accelerometer"]
TEMPERATURE = DISPATCH.targets["temperature"]
GPS = DISPATCH.targets["gps"]
ENVELOPE_KEYS = frozenset(envelope())


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "time", _FixedClock)


def dispatch(
    body: object, publisher: FakePublisher, metrics: Metrics | None = None, spec: Dispatch = DISPATCH
) -> Result:
    settler = Settler(publisher, metrics or Metrics())  # type: ignore[arg-type]
    ingestors = {
        data_type: Ingestor(data_type, settler) for data_type in (spec.data_type, *spec.targets.values())
    }
    raw = body if isinstance(body, bytes) else encode(body)
    return asyncio.run(Dispatcher(spec, ingestors, settler).ingest(raw))


def item(sensor_type: str, value: object, **changes: Any) -> dict[str, Any]:
    """A generic reading as the mobile client batches it: envelope, sensor_type, value, unit, accuracy."""
    return {
        **envelope(),
        "sensor_type": sensor_type,
        "value": value,
        "unit": None,
        "accuracy": None,
        **changes,
    }


def acceleration() -> dict[str, Any]:
    return {"x": 0.0, "y": -0.12, "z": 9.81}


def headers(record: Record) -> dict[str, bytes]:
    return dict(record.headers)


def test_the_catalog_dispatches_sensor_batches_to_readings_with_their_own_topics() -> None:
    assert DISPATCH.discriminator == "sensor_type"
    assert DISPATCH.payload == "value"
    assert DISPATCH.targets
    assert all(target.kind == "reading" for target in DISPATCH.targets.values())
    assert GENERIC.topic.name not in {target.topic.name for target in DISPATCH.targets.values()}


# Known sensor types.


def test_an_item_with_a_known_sensor_type_becomes_that_types_record_on_that_types_topic() -> None:
    publisher, metrics = FakePublisher(), Metrics()

    result = dispatch([item("accelerometer", acceleration(), unit="m/s²", accuracy=0.5)], publisher, metrics)

    assert result == Result(True, [Outcome(MESSAGE_ID, None, ACCELEROMETER.topic.name, None)])
    assert publisher.calls == [
        [
            Record(
                topic=ACCELEROMETER.topic.name,
                key=DEVICE_ID.encode(),
                value=publisher.records[0].value,
                headers=[
                    ("loom.message_id", MESSAGE_ID.encode()),
                    ("loom.schema", ACCELEROMETER.schema_id.encode()),
                    ("loom.schema_version", b"1"),
                    ("content-type", b"application/json"),
                ],
            )
        ]
    ]
    # The payload's fields and the envelope; unit and accuracy are not accelerometer fields.
    assert published(publisher.records[0]) == {**envelope(), **acceleration(), **SERVER_FIELDS}
    assert readings(metrics, "accepted", ACCELEROMETER) == 1.0
    assert readings(metrics, "accepted", GENERIC) is None


@pytest.mark.parametrize("sensor_type", sorted(DISPATCH.targets))
def test_every_target_receives_the_payload_plus_its_envelope_as_its_own_route_would(sensor_type: str) -> None:
    target = DISPATCH.targets[sensor_type]
    path = next(route.path for route in CATALOG.routes if route.data_type == target)
    body = ROUTE_BODIES[path]()
    payload = {key: value for key, value in body.items() if key not in ENVELOPE_KEYS}
    sent = {key: value for key, value in body.items() if key in ENVELOPE_KEYS}
    publisher = FakePublisher()

    result = dispatch([{**sent, "sensor_type": sensor_type, "value": payload}], publisher)

    [record] = publisher.records
    [outcome] = result.outcomes
    assert outcome == Outcome(body.get("message_id", outcome.message_id), None, target.topic.name, None)
    assert record.topic == target.topic.name
    assert record.key == body[target.key_field].encode()
    assert headers(record)["loom.schema"] == target.schema_id.encode()
    assert published(record) == {**body, "message_id": outcome.message_id, **SERVER_FIELDS}


def test_envelope_fields_the_target_declares_are_kept_and_the_payload_wins() -> None:
    publisher = FakePublisher()
    body = [
        item("temperature", {"temperature": 22.4}, unit="celsius", accuracy=0.5),
        item("temperature", {"temperature": 295.5, "unit": "kelvin"}, unit="celsius"),
        item("gps", {"latitude": 52.3676, "longitude": 4.9041}, accuracy=3.0, unit="deg"),
    ]
    for index, reading in enumerate(body):
        reading["message_id"] = str(uuid.UUID(int=index + 1))

    result = dispatch(body, publisher)

    assert [outcome.error for outcome in result.outcomes] == [None, None, None]
    assert [published(record) for record in publisher.records] == [
        {
            **envelope(message_id=body[0]["message_id"]),
            "temperature": 22.4,
            "unit": "celsius",
            **SERVER_FIELDS,
        },
        {
            **envelope(message_id=body[1]["message_id"]),
            "temperature": 295.5,
            "unit": "kelvin",
            **SERVER_FIELDS,
        },
        {
            **envelope(message_id=body[2]["message_id"]),
            "latitude": 52.3676,
            "longitude": 4.9041,
            "accuracy": 3.0,
            **SERVER_FIELDS,
        },
    ]


def test_a_dispatched_reading_without_a_message_id_gets_its_own_and_keeps_its_trace_id() -> None:
    publisher = FakePublisher()
    first, second = (item("accelerometer", acceleration(), trace_id="trace-1") for _ in range(2))
    del first["message_id"], second["message_id"]

    result = dispatch([first, second], publisher)

    ids = [outcome.message_id for outcome in result.outcomes]
    assert all(message_id is not None and uuid.UUID(message_id).version == 4 for message_id in ids)
    assert len(set(ids)) == 2
    assert [published(record)["message_id"] for record in publisher.records] == ids
    assert [headers(record)["loom.message_id"].decode() for record in publisher.records] == ids
    assert [outcome.trace_id for outcome in result.outcomes] == ["trace-1", "trace-1"]


# Unknown sensor types.


@pytest.mark.parametrize("value", [{"lux": 320.5}, 320.5, "dim", [1, 2], None], ids=repr)
def test_an_unknown_sensor_type_stays_a_generic_record_on_the_generic_topic(value: object) -> None:
    assert "light" not in DISPATCH.targets
    publisher, metrics = FakePublisher(), Metrics()
    reading = item("light", value, unit="lx", accuracy=2.0)

    result = dispatch([reading], publisher, metrics)

    assert result == Result(True, [Outcome(MESSAGE_ID, None, GENERIC.topic.name, None)])
    [record] = publisher.records
    assert (record.topic, record.key) == (GENERIC.topic.name, DEVICE_ID.encode())
    assert headers(record)["loom.schema"] == GENERIC.schema_id.encode()
    assert published(record) == {**reading, **SERVER_FIELDS}
    assert readings(metrics, "accepted", GENERIC) == 1.0


# Refused items.


def test_a_payload_that_is_not_an_object_is_refused_at_the_value() -> None:
    publisher, metrics = FakePublisher(), Metrics()

    result = dispatch([item("temperature", 31.0, unit="celsius")], publisher, metrics)

    [outcome] = result.outcomes
    assert (outcome.message_id, outcome.topic) == (None, None)
    error = outcome.error
    assert isinstance(error, InvalidReading)
    assert error.errors == (
        FieldError(
            "/0/value",
            "type",
            f"must be an object holding a {TEMPERATURE.title} when sensor_type is 'temperature'",
        ),
    )
    assert error.detail == f"{TEMPERATURE.title} is invalid at /0/value"
    assert error.schema_id == TEMPERATURE.schema_id
    assert publisher.records == []
    assert readings(metrics, "refused", TEMPERATURE) == 1.0


@pytest.mark.parametrize(
    ("payload", "pointer", "rule"),
    [
        ({"temperature": "hot", "unit": "celsius"}, "/3/value/temperature", "type"),
        ({"temperature": 31.0, "unit": "rankine"}, "/3/value/unit", "enum"),
        ({"unit": "celsius"}, "/3/value/temperature", "required"),
        ({"temperature": 31.0, "unit": "celsius", "lux": 3}, "/3/value/lux", "additionalProperties"),
    ],
    ids=["wrong-type", "not-in-enum", "missing", "undeclared"],
)
def test_a_target_schema_violation_in_the_payload_is_reported_inside_the_value(
    payload: dict[str, Any], pointer: str, rule: str
) -> None:
    publisher = FakePublisher()
    valid = item("accelerometer", acceleration())

    result = dispatch([valid, valid, valid, item("temperature", payload)], publisher)

    error = result.outcomes[3].error
    assert isinstance(error, InvalidReading)
    assert [(e.pointer, e.rule) for e in error.errors] == [(pointer, rule)]
    assert error.schema_id == TEMPERATURE.schema_id
    assert len(publisher.records) == 3


def test_an_envelope_field_only_the_target_refuses_is_reported_at_the_item() -> None:
    publisher, metrics = FakePublisher(), Metrics()

    # "lx" is a fine generic unit, but not one of the temperature schema's units.
    result = dispatch(
        [item("accelerometer", acceleration()), item("temperature", {"temperature": 31.0}, unit="lx")],
        publisher,
        metrics,
    )

    error = result.outcomes[1].error
    assert isinstance(error, InvalidReading)
    assert [(e.pointer, e.rule) for e in error.errors] == [("/1/unit", "enum")]
    assert error.detail == f"{TEMPERATURE.title} is invalid at /1/unit"
    assert [record.topic for record in publisher.records] == [ACCELEROMETER.topic.name]
    assert readings(metrics, "refused", TEMPERATURE) == 1.0


@pytest.mark.parametrize(
    ("changes", "pointer", "rule"),
    [
        ({"recorded_at": "yesterday"}, "/1/recorded_at", "pattern"),
        ({"device_id": ""}, "/1/device_id", "pattern"),
        ({"sensor_type": "Temperature!"}, "/1/sensor_type", "pattern"),
        ({"accuracy": -1}, "/1/accuracy", "minimum"),
        ({"colour": "red"}, "/1/colour", "additionalProperties"),
    ],
    ids=["recorded_at", "device_id", "sensor_type", "accuracy", "undeclared"],
)
def test_an_envelope_violation_is_reported_at_the_item_against_the_generic_schema(
    changes: dict[str, Any], pointer: str, rule: str
) -> None:
    publisher, metrics = FakePublisher(), Metrics()
    body = [item("temperature", {"temperature": 31.0, "unit": "celsius"}) for _ in range(2)]
    body[1].update(changes)

    result = dispatch(body, publisher, metrics)

    assert result.outcomes[0].error is None
    error = result.outcomes[1].error
    assert isinstance(error, InvalidReading)
    assert [(e.pointer, e.rule) for e in error.errors] == [(pointer, rule)]
    assert error.schema_id == GENERIC.schema_id
    assert len(publisher.records) == 1
    assert readings(metrics, "refused", GENERIC) == 1.0


@pytest.mark.parametrize("sensor_type", ["temperature", "light"], ids=["target", "generic"])
def test_a_reading_over_its_topics_limit_is_refused_alone_and_counted(sensor_type: str) -> None:
    # The Ingestor counts a too-large item of an array as refused; a dispatch array should too.
    original = DISPATCH.targets.get(sensor_type, GENERIC)
    small = replace(original, topic=replace(original.topic, max_message_bytes=64))
    if sensor_type in DISPATCH.targets:
        spec = replace(DISPATCH, targets={**DISPATCH.targets, sensor_type: small})
    else:
        spec = replace(DISPATCH, data_type=small)
    publisher, metrics = FakePublisher(), Metrics()

    result = dispatch(
        [
            item(sensor_type, {"temperature": 31.0, "unit": "celsius"}),
            item("accelerometer", acceleration()),
        ],
        publisher,
        metrics,
        spec,
    )

    error = result.outcomes[0].error
    assert isinstance(error, ReadingTooLarge)
    assert error.detail.endswith(f"{original.topic.name} takes at most 64")
    assert (result.outcomes[0].message_id, result.outcomes[0].topic) == (None, None)
    assert result.outcomes[1].error is None
    assert [record.topic for record in publisher.records] == [ACCELEROMETER.topic.name]
    assert readings(metrics, "accepted", ACCELEROMETER) == 1.0
    assert readings(metrics, "refused", small) == 1.0


# Mixed batches.


def test_a_mixed_batchs_outcomes_line_up_with_its_items() -> None:
    failure = BrokerUnavailable("Kafka did not acknowledge the record: Local: Message timed out")
    # Four records reach the publisher (items 0, 1, 3 and 5); the third of them fails.
    publisher, metrics = FakePublisher(None, None, failure), Metrics()
    ids = [str(uuid.UUID(int=index + 1)) for index in range(6)]
    body = [
        item("accelerometer", acceleration(), message_id=ids[0]),
        item("light", {"lux": 3.5}, message_id=ids[1]),
        item("temperature", {"temperature": "hot", "unit": "celsius"}, message_id=ids[2]),
        item("gps", {"latitude": 52.3676, "longitude": 4.9041}, message_id=ids[3]),
        item("gps", "52.3676,4.9041", message_id=ids[4]),
        item("temperature", {"temperature": 31.0, "unit": "celsius"}, message_id=ids[5]),
    ]

    result = dispatch(body, publisher, metrics)

    assert result.is_array is True
    assert [(o.message_id, o.topic) for o in result.outcomes] == [
        (ids[0], ACCELEROMETER.topic.name),
        (ids[1], GENERIC.topic.name),
        (None, None),
        (ids[3], GPS.topic.name),
        (None, None),
        (ids[5], TEMPERATURE.topic.name),
    ]
    errors = [outcome.error for outcome in result.outcomes]
    assert (errors[0], errors[1], errors[3], errors[5]) == (None, None, failure, None)
    assert isinstance(errors[2], InvalidReading)
    assert [e.pointer for e in errors[2].errors] == ["/2/value/temperature"]
    assert isinstance(errors[4], InvalidReading)
    assert [e.pointer for e in errors[4].errors] == ["/4/value"]
    assert len(publisher.calls) == 1
    assert [(record.topic, published(record)["message_id"]) for record in publisher.records] == [
        (ACCELEROMETER.topic.name, ids[0]),
        (GENERIC.topic.name, ids[1]),
        (GPS.topic.name, ids[3]),
        (TEMPERATURE.topic.name, ids[5]),
    ]
    assert [
        (readings(metrics, "accepted", t), readings(metrics, "refused", t), readings(metrics, "failed", t))
        for t in (ACCELEROMETER, GENERIC, GPS, TEMPERATURE)
    ] == [(1.0, None, None), (1.0, None, None), (None, 1.0, 1.0), (1.0, 1.0, None)]


# One pass per data type for a valid array, the same records as item by item.


def every_kind_of_item() -> list[dict[str, Any]]:
    """A valid item for every target (from its own route's body), a generic one, and items whose
    envelope and payload overlap."""
    items = []
    for sensor_type, target in sorted(DISPATCH.targets.items()):
        path = next(route.path for route in CATALOG.routes if route.data_type == target)
        body = ROUTE_BODIES[path]()
        payload = {key: value for key, value in body.items() if key not in ENVELOPE_KEYS}
        sent = {key: value for key, value in body.items() if key in ENVELOPE_KEYS}
        items.append({**sent, "sensor_type": sensor_type, "value": payload})
    items += [
        item("light", {"lux": 320.5}, unit="lx", accuracy=2.0),
        item("temperature", {"temperature": 295.5, "unit": "kelvin"}, unit="celsius", accuracy=0.5),
        item("gps", {"latitude": 52.3676, "longitude": 4.9041}, accuracy=3.0, unit="deg"),
    ]
    for index, reading in enumerate(items):
        reading["message_id"] = str(uuid.UUID(int=index + 1))
    return items


def test_a_valid_array_is_validated_in_one_pass_never_item_by_item(monkeypatch: pytest.MonkeyPatch) -> None:
    from loom_gateway.ingest import dispatch as module

    def item_by_item(*_: object, **__: object) -> None:
        raise AssertionError("a valid array was validated item by item")

    monkeypatch.setattr(module, "validate_item", item_by_item)
    monkeypatch.setattr(module, "parse_array", item_by_item)
    publisher = FakePublisher()
    items = every_kind_of_item()

    result = dispatch(items, publisher)

    assert [outcome.error for outcome in result.outcomes] == [None] * len(items)
    assert len(publisher.records) == len(items)


def test_a_valid_array_publishes_what_item_by_item_validation_publishes() -> None:
    # One invalid item sends the whole array item by item: the valid ones must come out the same.
    items = every_kind_of_item()
    one_pass, by_item = FakePublisher(), FakePublisher()

    valid = dispatch(items, one_pass)
    mixed = dispatch([*items, item("temperature", {"temperature": "hot"})], by_item)

    assert isinstance(mixed.outcomes[-1].error, InvalidReading)
    assert valid.outcomes == mixed.outcomes[:-1]
    assert by_item.records == one_pass.records


def test_an_empty_array_is_an_empty_result() -> None:
    assert dispatch([], FakePublisher()) == Result(True, [])


# Bodies refused as a whole.


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (item("accelerometer", acceleration()), "the body must be a JSON array of readings"),
        ("readings", "the body must be a JSON array of readings"),
        (b"[{", "the body is not valid JSON"),
    ],
    ids=["object", "string", "not-json"],
)
def test_a_body_that_is_not_a_json_array_is_malformed(body: object, detail: str) -> None:
    publisher, metrics = FakePublisher(), Metrics()

    with pytest.raises(MalformedBody) as caught:
        dispatch(body, publisher, metrics)

    assert caught.value.detail.startswith(detail)
    assert publisher.calls == []
    assert readings(metrics, "refused", GENERIC) == 1.0


def test_a_too_long_array_is_refused_once_and_nothing_is_published() -> None:
    short = replace(GENERIC, max_batch_items=1)
    publisher, metrics = FakePublisher(), Metrics()

    with pytest.raises(BatchTooLarge):
        dispatch(
            [item("accelerometer", acceleration())] * 2,
            publisher,
            metrics,
            replace(DISPATCH, data_type=short),
        )

    assert publisher.calls == []
    assert readings(metrics, "refused", short) == 1.0
