"""For every reading data type, derived from its schema alone: JSON → model → Avro → model.

Generated valid readings are validated as the gateway validates them, prepared as the gateway
publishes them with ``LOOM_VALUE_FORMAT=avro`` (the JSON document, server fields included,
written as Confluent-framed Avro), read back with the generated ``.avsc`` and validated again:
the model must be the one posted. Avro has no "absent", so a nullable field left out comes back
as null; that, and only that, is allowed to differ.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given, settings

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.errors import InvalidReading
from loom_gateway.ingest.avro import AvroIngestor, avro_values
from loom_gateway.ingest.service import Prepared, Settler
from loom_gateway.metrics import Metrics
from tests.support.schemas import bundled_schema, valid_readings

RECEIVED_AT = "2025-07-08T14:53:08.123456Z"


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


@pytest.mark.parametrize(
    "data_type", list(CATALOG.readings()), ids=lambda data_type: data_type.qualified_name
)
def test_readings_survive_json_model_avro_model(data_type: DataType) -> None:
    values = avro_values(CATALOG, data_type)
    ingestor = AvroIngestor(data_type, Settler(None, Metrics()), values)  # type: ignore[arg-type]
    model = data_type.model

    @settings(max_examples=10)
    @given(reading=valid_readings(bundled_schema(data_type)))
    def round_trip(reading: dict[str, Any]) -> None:
        posted = model.model_validate_json(json.dumps(reading), strict=True)
        prepared = ingestor.prepare(posted, RECEIVED_AT)
        # Avro's long is 64 bits; the gateway refuses (422) the rare integer beyond.
        assume(not isinstance(prepared, InvalidReading))
        assert isinstance(prepared, Prepared), prepared

        document = values.decode(prepared.record.value)
        read_back = model.model_validate_json(json.dumps(document), strict=True)

        expected = without_nulls(posted.model_dump(mode="json", by_alias=True))
        expected |= {
            "received_at": RECEIVED_AT,
            "schema_version": data_type.version,
            "message_id": prepared.message_id,
        }
        assert without_nulls(read_back.model_dump(mode="json", by_alias=True)) == expected

    round_trip()
