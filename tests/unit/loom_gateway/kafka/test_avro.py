"""loom_gateway.kafka.avro: JSON documents to Confluent-framed Avro and back."""

from __future__ import annotations

import io
import json
from typing import Any

import fastavro
import pytest

from loom_gateway.kafka.avro import AvroValueError, AvroValues, split_wire_format

JSON_STRING = {"type": "string", "loom.json": True}
SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Reading",
    "namespace": "device.test.v1",
    "fields": [
        {"name": "device_id", "type": "string"},
        {"name": "count", "type": "long"},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "level", "type": ["null", "long"], "default": None, "loom.optional": True},
        {"name": "anything", "type": JSON_STRING},
        {"name": "metadata", "type": ["null", JSON_STRING], "default": None, "loom.optional": True},
        {
            "name": "samples",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "Sample",
                    "fields": [{"name": "at", "type": "long"}, {"name": "value", "type": JSON_STRING}],
                },
            },
        },
        {"name": "counts", "type": ["null", {"type": "map", "values": "long"}], "default": None},
    ],
}
SCHEMA_ID = 123456789


@pytest.fixture
def values() -> AvroValues:
    return AvroValues(json.dumps(SCHEMA), SCHEMA_ID)


def encode(values: AvroValues, document: dict[str, Any]) -> bytes:
    return values.encode(json.dumps(document).encode())


def test_the_wire_format_is_magic_byte_big_endian_id_and_the_avro_body(values: AvroValues) -> None:
    document = {"device_id": "d1", "count": 3, "anything": None, "samples": []}

    value = encode(values, document)

    assert value[:5] == b"\x00\x07\x5b\xcd\x15"  # 0, then 123456789 in 4 bytes, big-endian
    assert split_wire_format(value)[0] == SCHEMA_ID
    # A stock Avro reader reads the body with the schema alone.
    datum = fastavro.schemaless_reader(io.BytesIO(value[5:]), fastavro.parse_schema(SCHEMA), None)
    assert datum == {
        "device_id": "d1",
        "count": 3,
        "note": None,
        "level": None,
        "anything": "null",
        "metadata": None,
        "samples": [],
        "counts": None,
    }


def test_json_held_in_strings_and_nested_values_round_trip(values: AvroValues) -> None:
    document = {
        "device_id": "d1",
        "count": -(2**63),
        "note": None,
        "level": 2**63 - 1,
        "anything": {"nested": [1, 2.5, "ü", None, {"deep": True}]},
        "metadata": None,
        "samples": [{"at": 1, "value": "text"}, {"at": 2, "value": [None]}],
        "counts": {"a": 1, "b": 0},
    }

    value = encode(values, document)

    assert values.decode(value) == document
    datum = fastavro.schemaless_reader(io.BytesIO(value[5:]), fastavro.parse_schema(SCHEMA), None)
    assert isinstance(datum, dict)
    assert json.loads(datum["anything"]) == document["anything"]
    assert datum["metadata"] == "null"  # a JSON null, sent: not the same as left out
    assert datum["samples"][1]["value"] == "[null]"


def test_fields_left_out_read_back_as_left_out_or_null(values: AvroValues) -> None:
    document = {"device_id": "d1", "count": 1, "anything": "x", "samples": []}

    decoded = values.decode(encode(values, document))

    # Not nullable in JSON (marked loom.optional): left out again. Nullable: null.
    assert decoded == {**document, "note": None, "counts": None}


def test_an_integer_beyond_64_bits_is_located(values: AvroValues) -> None:
    sample = {"at": 0, "value": 1}
    document = {"device_id": "d1", "count": 1, "anything": 1, "samples": [sample, {**sample, "at": 2**63}]}

    with pytest.raises(AvroValueError) as raised:
        encode(values, document)
    assert raised.value.pointer == "/samples/1/at"

    with pytest.raises(AvroValueError) as raised:
        encode(values, {**document, "samples": [], "counts": {"a/b": -(2**63) - 1}})
    assert raised.value.pointer == "/counts/a~1b"


def test_values_of_another_schema_or_without_framing_are_refused(values: AvroValues) -> None:
    other = AvroValues(json.dumps(SCHEMA), SCHEMA_ID + 1)
    value = encode(other, {"device_id": "d1", "count": 1, "anything": 1, "samples": []})

    with pytest.raises(ValueError, match="written with schema 123456790"):
        values.decode(value)
    with pytest.raises(ValueError, match="not a Confluent wire-format value"):
        split_wire_format(b"\x01\x00\x00\x00\x01")
    with pytest.raises(ValueError, match="positive int32"):
        AvroValues(json.dumps(SCHEMA), 0)
