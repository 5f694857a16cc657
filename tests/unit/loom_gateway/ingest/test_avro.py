"""loom_gateway.ingest.avro: the JSON ingestion path, with Avro values in the Confluent wire format."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.catalog import DataType
from loom_gateway.errors import ConfigurationError, InvalidReading, ReadingTooLarge
from loom_gateway.ingest.avro import AvroIngestor, avro_values
from loom_gateway.ingest.service import Ingestor, Result, Settler
from loom_gateway.kafka.avro import split_wire_format
from loom_gateway.metrics import Metrics
from tests.support.mobile_bodies import DEVICE_ID, MESSAGE_ID, ROUTE_BODIES, gps
from tests.unit.loom_gateway.ingest.test_service import FakePublisher


def ingest(body: object, publisher: FakePublisher, data_type: DataType = DEVICE_SENSOR_GPS_V1) -> Result:
    settler = Settler(publisher, Metrics())  # type: ignore[arg-type]
    ingestor = AvroIngestor(data_type, settler, avro_values(CATALOG, data_type))
    return asyncio.run(ingestor.ingest(json.dumps(body).encode()))


def json_value(body: object, data_type: DataType) -> dict[str, Any]:
    """What the JSON ingestor would have published for ``body``."""
    publisher = FakePublisher()
    settler = Settler(publisher, Metrics())  # type: ignore[arg-type]
    asyncio.run(Ingestor(data_type, settler).ingest(json.dumps(body).encode()))
    value: dict[str, Any] = json.loads(publisher.records[0].value)
    return value


def without_nulls(value: Any) -> Any:
    """``value`` with null-valued object members left out, at any depth."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def test_a_reading_is_published_as_confluent_framed_avro_with_format_headers() -> None:
    publisher = FakePublisher()

    result = ingest(gps(), publisher)

    [record] = publisher.records
    assert result.outcomes[0].error is None
    assert (record.topic, record.key) == ("device.sensor.gps.raw", DEVICE_ID.encode())
    assert split_wire_format(record.value)[0] == DEVICE_SENSOR_GPS_V1.avro_schema_id
    assert record.headers == [
        ("loom.message_id", MESSAGE_ID.encode()),
        ("loom.schema", DEVICE_SENSOR_GPS_V1.schema_id.encode()),
        ("loom.schema_version", b"1"),
        ("content-type", b"application/vnd.apache.avro+binary"),
    ]


@pytest.mark.parametrize("path", sorted(ROUTE_BODIES))
def test_every_client_body_decodes_to_the_document_json_would_publish(path: str) -> None:
    data_type = next(route.data_type for route in CATALOG.routes if route.path == path)
    publisher = FakePublisher()
    body = ROUTE_BODIES[path]()

    ingest(body, publisher, data_type)

    [record] = publisher.records
    decoded = avro_values(CATALOG, data_type).decode(record.value)
    expected = json_value(body, data_type)
    # Assigned per request: the id when the client sent none, and the time.
    expected |= {"message_id": decoded["message_id"], "received_at": decoded["received_at"]}
    # Avro has no "absent": a nullable field left out reads back as null.
    assert without_nulls(decoded) == without_nulls(expected)
    assert {key for key, value in decoded.items() if value is not None} >= {"message_id", "received_at"}


def test_an_integer_avro_cannot_hold_is_refused_with_its_pointer() -> None:
    data_type = next(
        route.data_type for route in CATALOG.routes if route.data_type.name == "device.health.steps"
    )
    body = ROUTE_BODIES[next(route.path for route in CATALOG.routes if route.data_type == data_type)]()
    publisher = FakePublisher()

    with pytest.raises(InvalidReading) as refused:
        ingest({**body, "step_count": 2**63}, publisher, data_type)

    assert [error.pointer for error in refused.value.errors] == ["/step_count"]
    assert publisher.records == []


def test_the_topic_limit_applies_to_the_avro_value_too() -> None:
    """As JSON first (the JSON path runs unchanged), then as Avro, which is nearly always smaller."""
    topic = DEVICE_SENSOR_GPS_V1.topic
    values = avro_values(CATALOG, DEVICE_SENSOR_GPS_V1)
    settler = Settler(FakePublisher(), Metrics())  # type: ignore[arg-type]
    ingestor = AvroIngestor(DEVICE_SENSOR_GPS_V1, settler, values)
    values.encode = lambda document: b"\0" * (topic.max_message_bytes + 1)  # type: ignore[method-assign]

    with pytest.raises(ReadingTooLarge, match="bytes as Avro"):
        asyncio.run(ingestor.ingest(json.dumps(gps()).encode()))


def test_a_catalog_without_avro_schemas_fails_at_start_up() -> None:
    with pytest.raises(ConfigurationError, match="regenerate it"):
        avro_values(CATALOG, replace(DEVICE_SENSOR_GPS_V1, avro_schema_id=None))
