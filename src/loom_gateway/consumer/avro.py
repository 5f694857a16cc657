"""Avro values (``LOOM_VALUE_FORMAT=avro``): the Confluent wire format, read with the writer
schema the generated catalog holds under the id the value carries.

The value is the magic byte 0, the schema id (4 bytes, big-endian) and the Avro binary body.
The id is looked up among the catalog's data types (``DataType.avro_schema_id``); the body is
read with fastavro's ``schemaless_reader`` and that writer schema, turned back into the JSON
document the gateway validated (``loom_gateway.kafka.avro``: JSON held in strings parsed,
optional fields left out again), and validated as JSON, so both formats give the same model
(that of the version reading it, which may be another version of the writer's data type that
the catalog says can read it: ``DataType.reads``).
"""

from __future__ import annotations

import msgspec
from pydantic import BaseModel

from loom_gateway.catalog import Catalog, DataType
from loom_gateway.kafka.avro import AVRO_CONTENT_TYPE, AvroValues, split_wire_format

__all__ = ["AVRO_MEDIA_TYPE", "AvroDecoder"]

AVRO_MEDIA_TYPE = AVRO_CONTENT_TYPE.decode()


class AvroDecoder:
    """Decodes the wire format of every data type in ``catalog`` that has an Avro schema."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._writers = {
            data_type.avro_schema_id: data_type
            for data_type in catalog.data_types
            if data_type.avro_schema_id is not None
        }
        self._values: dict[int, AvroValues] = {}  # parsed on first use
        self._encode_json = msgspec.json.Encoder()

    def decode(self, value: bytes, data_type: DataType) -> BaseModel:
        schema_id, _body = split_wire_format(value)
        writer = self._writers.get(schema_id)
        if writer is None:
            raise ValueError(f"the value names Avro schema {schema_id}, which the catalog does not have")
        if writer.name != data_type.name or not data_type.can_read(writer.version):
            # Read with the writer's schema, validated as ``data_type``: another version of it
            # only when the catalog says every reading of the writer's is a valid one of its own.
            raise ValueError(
                f"the value was written as {writer.qualified_name} (Avro schema {schema_id}), "
                f"which {data_type.qualified_name} cannot read"
            )
        values = self._values.get(schema_id)
        if values is None:
            values = self._values[schema_id] = AvroValues(self._catalog.avro_schema(writer), schema_id)
        # A body that does not match raises whatever fastavro meets (EOFError, ...): Decoders
        # turns any of it into UndecodableRecord.
        document = values.decode(value)
        return data_type.model.model_validate_json(self._encode_json.encode(document))
