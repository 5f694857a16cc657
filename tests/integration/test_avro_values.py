"""``LOOM_VALUE_FORMAT=avro`` over the wire: readings posted to ``loom-gateway serve`` land in
Kafka as Confluent-framed Avro, and confluent-kafka's stock ``AvroDeserializer``, pointed at the
gateway's own registry API, gives back the posted values."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.ingest.avro import avro_values
from loom_gateway.kafka.avro import split_wire_format
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import ROUTE_BODIES
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka


def without_nulls(value: Any) -> Any:
    """Avro has no "absent": a nullable field left out reads back as null."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


@pytest.fixture(scope="module")
def server(kafka_bootstrap_servers: str) -> Iterator[tuple[ServeServer, str]]:
    prefix = f"avro{uuid.uuid4().hex[:8]}."
    # Two worker processes: registry requests reach either, and both must agree on the ids.
    with running_serve(
        kafka_bootstrap_servers, workers=2, kafka_topic_prefix=prefix, value_format="avro"
    ) as server:
        yield server, prefix


@pytest.fixture
def registry(server: tuple[ServeServer, str]) -> Iterator[SchemaRegistryClient]:
    """confluent-kafka's registry client, pointed at the gateway."""
    with SchemaRegistryClient({"url": server[0].base_url}) as registry:
        yield registry


def data_type_of(path: str) -> DataType:
    return next(route.data_type for route in CATALOG.routes if route.path == path)


def test_every_route_s_readings_decode_with_the_stock_deserializer(
    server: tuple[ServeServer, str], registry: SchemaRegistryClient, kafka_bootstrap_servers: str
) -> None:
    gateway, prefix = server
    deserializer = AvroDeserializer(registry)
    posted: dict[str, tuple[DataType, dict[str, Any], dict[str, Any]]] = {}
    with httpx.Client(base_url=gateway.base_url, headers=gateway.headers, timeout=10) as client:
        for path, body in sorted(ROUTE_BODIES.items()):
            reading = body()
            if "message_id" in reading:  # the bodies share one id: a second would be a retry
                reading["message_id"] = str(uuid.uuid4())
            response = client.post(path, json=reading)
            assert response.status_code == 202, response.text
            posted[path] = (data_type_of(path), reading, response.json())

    for path, (data_type, reading, answer) in posted.items():
        [record] = [
            record
            for record in read_topic(kafka_bootstrap_servers, prefix + data_type.topic.name, expected=1)
            if record.headers["loom.message_id"] == answer["message_id"].encode()
        ]
        # Ids are the generated catalog's: this process and the server's workers agree.
        assert split_wire_format(record.value)[0] == data_type.avro_schema_id, path
        assert record.headers["content-type"] == b"application/vnd.apache.avro+binary"
        assert record.headers["loom.schema_version"] == str(data_type.version).encode()

        context = SerializationContext(record.topic, MessageField.VALUE)
        datum = deserializer(record.value, context)

        assert isinstance(datum, dict)
        document = avro_values(CATALOG, data_type).document(datum)
        assert document["received_at"].endswith("Z")
        expected = {
            **reading,
            "message_id": answer["message_id"],
            "received_at": document["received_at"],
            "schema_version": data_type.version,
        }
        assert without_nulls(document) == without_nulls(expected), path


def test_json_that_no_avro_type_fits_arrives_as_json_text(
    server: tuple[ServeServer, str], registry: SchemaRegistryClient, kafka_bootstrap_servers: str
) -> None:
    gateway, prefix = server
    reading = ROUTE_BODIES["/device/metadata"]()
    metadata = {"nested": {"list": [1, "two", None, 3.5]}, "ü": True}
    reading["metadata"] = metadata
    response = httpx.post(f"{gateway.base_url}/device/metadata", json=reading, headers=gateway.headers)
    assert response.status_code == 202, response.text
    message_id = response.json()["message_id"]
    data_type = data_type_of("/device/metadata")

    records = read_topic(kafka_bootstrap_servers, prefix + data_type.topic.name, expected=1)
    [record] = [record for record in records if record.headers["loom.message_id"] == message_id.encode()]
    deserializer = AvroDeserializer(registry)
    datum = deserializer(record.value, SerializationContext(record.topic, MessageField.VALUE))

    assert isinstance(datum, dict)
    assert json.loads(datum["metadata"]) == metadata


def test_the_registry_lists_the_deployed_subjects(
    server: tuple[ServeServer, str], registry: SchemaRegistryClient
) -> None:
    _, prefix = server

    subjects = registry.get_subjects()
    gps = data_type_of("/sensor/gps")
    latest = registry.get_latest_version(f"{prefix}{gps.topic.name}-value")

    assert sorted(subjects) == sorted(
        f"{prefix}{data_type.topic.name}-value" for data_type in CATALOG.readings()
    )
    assert (latest.schema_id, latest.version) == (gps.avro_schema_id, gps.version)
    assert json.loads(latest.schema.schema_str) == json.loads(CATALOG.avro_schema(gps))
