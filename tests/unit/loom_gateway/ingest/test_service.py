"""loom_gateway.ingest.service: from a body to records on the data type's topic, with a fake publisher."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.catalog import DataType
from loom_gateway.context import REQUEST_CONTEXT, RequestContext
from loom_gateway.errors import (
    BatchTooLarge,
    BrokerUnavailable,
    InvalidReading,
    LoomError,
    MalformedBody,
    Overloaded,
    ReadingTooLarge,
)
from loom_gateway.ingest import service
from loom_gateway.ingest.service import Ingestor, Outcome, Result, Settler
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics
from tests.support.mobile_bodies import DEVICE_ID, MESSAGE_ID, ROUTE_BODIES, gps

GPS_TOPIC = "device.sensor.gps.raw"
GPS_SCHEMA = b"https://schemas.loom-gateway.dev/device/sensor/gps/v1.json"
NOW = datetime(2025, 7, 8, 14, 53, 8, 123456, tzinfo=UTC)
RECEIVED_AT = "2025-07-08T14:53:08.123456Z"
SERVER_FIELDS = {"received_at": RECEIVED_AT, "schema_version": 1}
"""What the gateway adds to every reading of a v1 data type (besides a missing message_id)."""


class FakePublisher:
    """Stands in for kafka.producer.Publisher: records every call, answers with set outcomes."""

    def __init__(self, *failures: LoomError | None) -> None:
        self.failures = list(failures)
        """Outcomes for the records of the next call, in order; None (acknowledged) when exhausted."""
        self.calls: list[list[Record]] = []

    async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
        self.calls.append(list(records))
        outcomes = [self.failures.pop(0) if self.failures else None for _ in records]
        return outcomes

    @property
    def records(self) -> list[Record]:
        return [record for call in self.calls for record in call]


class _FixedClock:
    """Stands in for the ``time`` module in ``service``: always NOW."""

    gmtime = staticmethod(time.gmtime)
    strftime = staticmethod(time.strftime)

    @staticmethod
    def time_ns() -> int:
        return int(NOW.timestamp()) * 1_000_000_000 + NOW.microsecond * 1000


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "time", _FixedClock)


def encode(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def ingest(
    body: object,
    publisher: FakePublisher,
    metrics: Metrics | None = None,
    data_type: DataType = DEVICE_SENSOR_GPS_V1,
) -> Result:
    ingestor = Ingestor(data_type, Settler(publisher, metrics or Metrics()))  # type: ignore[arg-type]
    raw = body if isinstance(body, bytes) else encode(body)
    return asyncio.run(ingestor.ingest(raw))


def readings(metrics: Metrics, outcome: str, data_type: DataType = DEVICE_SENSOR_GPS_V1) -> float | None:
    return metrics.registry.get_sample_value(
        "loom_readings_total", {"data_type": data_type.qualified_name, "outcome": outcome}
    )


def published(record: Record) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value)
    return value


# One reading.


def test_a_valid_reading_becomes_one_record_on_its_topic() -> None:
    publisher = FakePublisher()
    body = gps()

    result = ingest(body, publisher)

    assert result == Result(False, [Outcome(MESSAGE_ID, None, GPS_TOPIC, None)])
    assert publisher.calls == [
        [
            Record(
                topic=GPS_TOPIC,
                key=DEVICE_ID.encode(),
                value=publisher.records[0].value,
                headers=[
                    ("loom.message_id", MESSAGE_ID.encode()),
                    ("loom.schema", GPS_SCHEMA),
                    ("loom.schema_version", b"1"),
                    ("content-type", b"application/json"),
                ],
            )
        ]
    ]
    assert published(publisher.records[0]) == {**body, **SERVER_FIELDS}


@pytest.mark.parametrize("path", sorted(ROUTE_BODIES))
def test_every_client_body_is_published_as_sent_plus_the_server_fields(path: str) -> None:
    data_type = next(route.data_type for route in CATALOG.routes if route.path == path)
    publisher = FakePublisher()
    body = ROUTE_BODIES[path]()

    result = ingest(body, publisher, data_type=data_type)

    [record] = publisher.records
    [outcome] = result.outcomes
    assert record.topic == data_type.topic.name == outcome.topic
    assert record.key == body[data_type.key_field].encode()
    assert published(record) == {**body, "message_id": outcome.message_id, **SERVER_FIELDS}


@pytest.mark.parametrize("as_array", [False, True], ids=["one", "array"])
@pytest.mark.parametrize("path", sorted(ROUTE_BODIES))
def test_a_reading_its_mirror_takes_makes_the_record_the_model_makes(
    path: str, as_array: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_type = next(route.data_type for route in CATALOG.routes if route.path == path)
    with_id = ROUTE_BODIES[path]()
    without_id = {name: value for name, value in with_id.items() if name != "message_id"}
    body = [with_id, without_id] if as_array else with_id
    mirrored, by_model = FakePublisher(), FakePublisher()
    ingest(body, mirrored, data_type=data_type)
    ingestor = Ingestor(data_type, Settler(by_model, Metrics()))  # type: ignore[arg-type]
    ingestor._mirror = None
    asyncio.run(ingestor.ingest(encode(body)))

    assert len(mirrored.records) == len(by_model.records) == (2 if as_array else 1)
    for mine, theirs in zip(mirrored.records, by_model.records, strict=True):
        assigned = json.loads(theirs.value)["message_id"]
        assert mine._replace(value=b"", headers=[]) == theirs._replace(value=b"", headers=[])
        assert mine.headers[1:] == theirs.headers[1:]
        assert published(mine) == {**published(theirs), "message_id": json.loads(mine.value)["message_id"]}
        if assigned == with_id.get("message_id"):
            assert mine == theirs  # byte for byte


def test_the_mobile_clients_readings_are_taken_by_their_mirror_where_they_have_one() -> None:
    taken = []
    for route in CATALOG.routes:
        if route.path in ROUTE_BODIES:
            mirror = Ingestor(route.data_type, None)._mirror  # type: ignore[arg-type]
            if mirror is not None:
                assert mirror.one(encode(ROUTE_BODIES[route.path]())) is not None, route.path
                taken.append(route.path)

    assert "/sensor/gps" in taken
    assert len(taken) >= 15


def test_received_at_is_utc_with_a_z_suffix() -> None:
    publisher = FakePublisher()

    ingest(gps(), publisher)

    received_at = published(publisher.records[0])["received_at"]
    assert received_at == RECEIVED_AT
    assert received_at.endswith("Z")


def test_a_received_at_sent_by_the_client_is_replaced() -> None:
    publisher = FakePublisher()

    ingest({**gps(), "received_at": "2000-01-01T00:00:00Z"}, publisher)

    assert published(publisher.records[0])["received_at"] == RECEIVED_AT
    assert publisher.records[0].value.count(b'"received_at"') == 1  # not left beside the server's


def test_the_record_key_is_the_device_id_even_when_unknown() -> None:
    publisher = FakePublisher()

    ingest({**gps(), "device_id": "unknown"}, publisher)

    assert publisher.records[0].key == b"unknown"


def test_a_message_id_is_assigned_when_absent_and_used_everywhere() -> None:
    publisher = FakePublisher()
    body = gps()
    del body["message_id"]

    result = ingest(body, publisher)

    [outcome] = result.outcomes
    assert outcome.message_id is not None
    assert uuid.UUID(outcome.message_id).version == 4
    [record] = publisher.records
    assert published(record)["message_id"] == outcome.message_id
    assert dict(record.headers)["loom.message_id"] == outcome.message_id.encode()


def test_each_reading_of_a_batch_without_message_ids_gets_its_own() -> None:
    publisher = FakePublisher()
    body = gps()
    del body["message_id"]

    result = ingest([body, body], publisher)

    ids = [outcome.message_id for outcome in result.outcomes]
    assert len(set(ids)) == 2
    assert [published(record)["message_id"] for record in publisher.records] == ids


def test_explicit_nulls_are_published_and_absent_keys_stay_absent() -> None:
    publisher = FakePublisher()
    body = gps()
    del body["altitude"]

    ingest(body, publisher)

    value = published(publisher.records[0])
    assert (value["timestamp"], value["trace_id"], value["heading"], value["speed"]) == (
        None,
        None,
        None,
        None,
    )
    assert "altitude" not in value


def test_a_string_trace_id_is_reported_in_the_outcome() -> None:
    result = ingest({**gps(), "trace_id": "trace-1"}, FakePublisher())

    assert result.outcomes == [Outcome(MESSAGE_ID, "trace-1", GPS_TOPIC, None)]


def test_an_invalid_reading_is_refused_and_nothing_is_published() -> None:
    publisher, metrics = FakePublisher(), Metrics()

    with pytest.raises(InvalidReading) as caught:
        ingest({**gps(), "latitude": 500}, publisher, metrics)

    assert [e.pointer for e in caught.value.errors] == ["/latitude"]
    assert publisher.calls == []
    assert readings(metrics, "refused") == 1.0
    assert readings(metrics, "accepted") is None


def test_a_malformed_body_is_refused_and_nothing_is_published() -> None:
    publisher, metrics = FakePublisher(), Metrics()

    with pytest.raises(MalformedBody):
        ingest(b'{"device_id": ', publisher, metrics)

    assert publisher.calls == []
    assert readings(metrics, "refused") == 1.0


def test_a_too_long_batch_is_refused_once_and_nothing_is_published() -> None:
    publisher, metrics = FakePublisher(), Metrics()
    small = replace(DEVICE_SENSOR_GPS_V1, max_batch_items=1)

    with pytest.raises(BatchTooLarge):
        ingest([gps(), gps()], publisher, metrics, data_type=small)

    assert publisher.calls == []
    assert readings(metrics, "refused", small) == 1.0


def test_a_publisher_failure_for_a_lone_reading_is_raised_and_counted_failed() -> None:
    failure = BrokerUnavailable("no delivery report from Kafka in time")
    publisher, metrics = FakePublisher(failure), Metrics()

    with pytest.raises(BrokerUnavailable) as caught:
        ingest(gps(), publisher, metrics)

    assert caught.value is failure
    assert len(publisher.records) == 1
    assert readings(metrics, "failed") == 1.0
    assert readings(metrics, "accepted") is None


# Size limits.


def serialised_size(body: dict[str, Any]) -> int:
    publisher = FakePublisher()
    ingest(body, publisher)
    return len(publisher.records[0].value)


def test_a_reading_exactly_at_the_topic_limit_is_published() -> None:
    size = serialised_size(gps())
    at_limit = replace(
        DEVICE_SENSOR_GPS_V1, topic=replace(DEVICE_SENSOR_GPS_V1.topic, max_message_bytes=size)
    )
    publisher = FakePublisher()

    result = ingest(gps(), publisher, data_type=at_limit)

    assert result.outcomes == [Outcome(MESSAGE_ID, None, GPS_TOPIC, None)]
    assert len(publisher.records[0].value) == size


def test_a_reading_over_the_topic_limit_is_refused_without_publishing() -> None:
    size = serialised_size(gps())
    too_small = replace(
        DEVICE_SENSOR_GPS_V1, topic=replace(DEVICE_SENSOR_GPS_V1.topic, max_message_bytes=size - 1)
    )
    publisher, metrics = FakePublisher(), Metrics()

    with pytest.raises(ReadingTooLarge) as caught:
        ingest(gps(), publisher, metrics, data_type=too_small)

    assert caught.value.detail == f"the reading is {size} bytes; {GPS_TOPIC} takes at most {size - 1}"
    assert caught.value.status == 413
    assert publisher.calls == []
    assert readings(metrics, "refused", too_small) == 1.0


def test_a_too_large_item_of_a_batch_is_refused_alone() -> None:
    size = serialised_size(gps())
    limited = replace(DEVICE_SENSOR_GPS_V1, topic=replace(DEVICE_SENSOR_GPS_V1.topic, max_message_bytes=size))
    publisher = FakePublisher()
    large = {**gps(), "content_hash": "h" * 200}

    result = ingest([gps(), large], publisher, data_type=limited)

    assert len(publisher.records) == 1
    assert result.outcomes[0] == Outcome(MESSAGE_ID, None, GPS_TOPIC, None)
    assert (result.outcomes[1].message_id, result.outcomes[1].topic) == (None, None)
    assert isinstance(result.outcomes[1].error, ReadingTooLarge)


# Batches.


def test_a_batch_publishes_only_its_valid_readings_and_reports_each_in_order() -> None:
    publisher, metrics = FakePublisher(), Metrics()
    other_id = str(uuid.uuid4())
    good = [gps(), {**gps(), "device_id": "other-device", "message_id": other_id}]

    result = ingest([good[0], {**gps(), "longitude": "east"}, good[1]], publisher, metrics)

    assert result.is_array is True
    assert [(o.message_id, o.error is None) for o in result.outcomes] == [
        (MESSAGE_ID, True),
        (None, False),
        (other_id, True),
    ]
    assert [o.topic for o in result.outcomes] == [GPS_TOPIC, None, GPS_TOPIC]
    refused = result.outcomes[1].error
    assert isinstance(refused, InvalidReading)
    assert [e.pointer for e in refused.errors] == ["/1/longitude"]
    assert len(publisher.calls) == 1
    assert [(r.key, published(r)) for r in publisher.records] == [
        (DEVICE_ID.encode(), {**good[0], **SERVER_FIELDS}),
        (b"other-device", {**good[1], **SERVER_FIELDS}),
    ]
    assert (readings(metrics, "accepted"), readings(metrics, "refused")) == (2.0, 1.0)


def test_a_publisher_failure_for_one_item_is_that_items_outcome() -> None:
    failure = Overloaded("the producer queue is full")
    publisher, metrics = FakePublisher(None, failure, None), Metrics()
    bodies = [{**gps(), "message_id": str(uuid.uuid4())} for _ in range(3)]

    result = ingest(bodies, publisher, metrics)

    assert result.outcomes == [
        Outcome(bodies[0]["message_id"], None, GPS_TOPIC, None),
        Outcome(bodies[1]["message_id"], None, GPS_TOPIC, failure),
        Outcome(bodies[2]["message_id"], None, GPS_TOPIC, None),
    ]
    assert (readings(metrics, "accepted"), readings(metrics, "failed")) == (2.0, 1.0)
    assert readings(metrics, "refused") is None


def test_publisher_outcomes_line_up_with_readings_around_a_refused_item() -> None:
    failure = BrokerUnavailable("Kafka did not acknowledge the record: Local: Message timed out")
    # Two records reach the publisher (items 0 and 2); the second of them fails.
    publisher = FakePublisher(None, failure)

    result = ingest([gps(), {**gps(), "speed": -1}, gps()], publisher)

    assert result.outcomes[2].error is failure
    assert result.outcomes[0].error is None
    assert isinstance(result.outcomes[1].error, InvalidReading)


def test_a_batch_of_only_refused_items_publishes_nothing() -> None:
    publisher, metrics = FakePublisher(), Metrics()

    result = ingest([{**gps(), "latitude": -91}, {**gps(), "speed": -1}], publisher, metrics)

    assert publisher.records == []
    assert all(isinstance(o.error, InvalidReading) for o in result.outcomes)
    assert readings(metrics, "refused") == 2.0


def test_metrics_are_labelled_with_the_qualified_data_type_name() -> None:
    metrics = Metrics()

    ingest(gps(), FakePublisher(), metrics)

    assert b'loom_readings_total{data_type="device.sensor.gps.v1",outcome="accepted"} 1.0' in metrics.render()


# The device gate.


class Forbidden(LoomError):
    status = 403
    title = "Device may not write"
    problem_type = "device-forbidden"


class FakeDevices:
    """Stands in for the device registry: refuses the listed devices, records what it saw."""

    def __init__(self, *refused: str) -> None:
        self.refused = set(refused)
        self.checked: list[str] = []
        self.seen_readings: list[tuple[str, DataType]] = []

    def check(self, device_id: str) -> None:
        self.checked.append(device_id)
        if device_id in self.refused:
            raise Forbidden(f"device {device_id} was deleted")

    def seen(self, data_type: DataType, readings: Mapping[str, int]) -> None:
        for device_id, count in readings.items():
            self.seen_readings += [(device_id, data_type)] * count


def gated_ingest(body: object, publisher: FakePublisher, devices: FakeDevices, metrics: Metrics) -> Result:
    ingestor = Ingestor(DEVICE_SENSOR_GPS_V1, Settler(publisher, metrics, devices))  # type: ignore[arg-type]
    return asyncio.run(ingestor.ingest(encode(body)))


def test_a_reading_of_a_refused_device_is_raised_counted_refused_and_not_published() -> None:
    publisher, devices, metrics = FakePublisher(), FakeDevices(DEVICE_ID), Metrics()

    with pytest.raises(Forbidden) as caught:
        gated_ingest(gps(), publisher, devices, metrics)

    assert caught.value.detail == f"device {DEVICE_ID} was deleted"
    assert devices.checked == [DEVICE_ID]
    assert publisher.records == []
    assert devices.seen_readings == []
    assert readings(metrics, "refused") == 1.0
    assert readings(metrics, "accepted") is None


def test_the_gate_refuses_only_its_devices_items_and_sees_only_acknowledged_readings() -> None:
    failure = BrokerUnavailable("no delivery report from Kafka in time")
    publisher, devices, metrics = FakePublisher(None, failure), FakeDevices("deleted-device"), Metrics()
    bodies = [
        gps(),
        {**gps(), "device_id": "deleted-device", "message_id": str(uuid.uuid4())},
        {**gps(), "device_id": "other-device", "message_id": str(uuid.uuid4())},
        {**gps(), "latitude": 500},
    ]

    result = gated_ingest(bodies, publisher, devices, metrics)

    # Invalid readings never reach the gate; the refused device's reading never reaches Kafka.
    assert devices.checked == [DEVICE_ID, "deleted-device", "other-device"]
    assert [record.key for record in publisher.records] == [DEVICE_ID.encode(), b"other-device"]
    assert result.outcomes[0] == Outcome(MESSAGE_ID, None, GPS_TOPIC, None)
    assert isinstance(result.outcomes[1].error, Forbidden)
    assert (result.outcomes[1].message_id, result.outcomes[1].topic) == (None, None)
    assert result.outcomes[2] == Outcome(bodies[2]["message_id"], None, GPS_TOPIC, failure)
    assert isinstance(result.outcomes[3].error, InvalidReading)
    assert devices.seen_readings == [(DEVICE_ID, DEVICE_SENSOR_GPS_V1)]
    assert (readings(metrics, "accepted"), readings(metrics, "refused"), readings(metrics, "failed")) == (
        1.0,
        2.0,
        1.0,
    )


# The request's context: the device's trace, and what the log line should name.


def test_every_record_of_a_traced_request_carries_its_trace_and_the_context_learns_the_device() -> None:
    publisher = FakePublisher()
    trace = [("traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    context = RequestContext("req-1", trace)
    token = REQUEST_CONTEXT.set(context)
    try:
        ingest([{**gps(), "message_id": str(uuid.uuid4())} for _ in range(2)], publisher)
    finally:
        REQUEST_CONTEXT.reset(token)

    assert [record.headers[-1] for record in publisher.records] == [trace[0], trace[0]]
    assert (context.device_id, context.topic) == (DEVICE_ID, GPS_TOPIC)


def test_requests_received_in_the_same_microsecond_each_carry_their_own_trace() -> None:
    # What is built once per request (server fields, headers) must not leak into the next one,
    # even with the same received_at (the clock is fixed here) and the same ingestor.
    publisher = FakePublisher()
    ingestor = Ingestor(DEVICE_SENSOR_GPS_V1, Settler(publisher, Metrics()))  # type: ignore[arg-type]
    traces = [[("traceparent", f"00-{index:032x}-00f067aa0ba902b7-01".encode())] for index in (1, 2)]

    async def requests() -> None:
        for trace in [*traces, None]:
            token = REQUEST_CONTEXT.set(RequestContext("req", trace) if trace else None)
            try:
                await ingestor.ingest(encode([{**gps(), "message_id": str(uuid.uuid4())} for _ in range(2)]))
            finally:
                REQUEST_CONTEXT.reset(token)

    asyncio.run(requests())

    traced = [
        [value for name, value in record.headers if name == "traceparent"] for record in publisher.records
    ]
    assert traced == [[traces[0][0][1]]] * 2 + [[traces[1][0][1]]] * 2 + [[]] * 2
    assert {published(record)["received_at"] for record in publisher.records} == {RECEIVED_AT}


def test_no_trace_headers_without_a_traced_request() -> None:
    publisher = FakePublisher()

    ingest(gps(), publisher)

    assert not {"traceparent", "tracestate"} & {name for name, _ in publisher.records[0].headers}
