"""Ingestion with Avro values (``LOOM_VALUE_FORMAT=avro``): the JSON path, then one more step.

Each reading is prepared exactly as for JSON (validated, server fields stamped, the JSON
document the gateway would publish), and that document is written as Avro in the Confluent
wire format under the data type's generated schema. The JSON ingestor is left as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct
from pydantic import BaseModel

from loom_gateway.catalog import Catalog, DataType
from loom_gateway.errors import ConfigurationError, FieldError, InvalidReading, LoomError, ReadingTooLarge
from loom_gateway.ingest.service import Ingestor, Prepared, Settler
from loom_gateway.kafka.avro import AVRO_CONTENT_TYPE, AvroValueError, AvroValues

__all__ = ["AvroIngestor", "avro_values"]

_CONTENT_TYPE = "content-type"


def avro_values(catalog: Catalog, data_type: DataType) -> AvroValues:
    """The data type's Avro schema and id from the generated catalog (ConfigurationError if none)."""
    if data_type.avro_schema_id is None:
        raise ConfigurationError(
            f"LOOM_VALUE_FORMAT is avro, but the catalog has no Avro schema for {data_type.qualified_name}: "
            "regenerate it with `python -m codegen generate`"
        )
    return AvroValues(catalog.avro_schema(data_type), data_type.avro_schema_id)


class AvroIngestor(Ingestor):
    """An Ingestor whose records carry Avro (Confluent wire format) instead of JSON."""

    def __init__(self, data_type: DataType, settler: Settler, values: AvroValues) -> None:
        super().__init__(data_type, settler)
        self._values = values
        self._format_headers: list[tuple[str, str | bytes | None]] = [(_CONTENT_TYPE, AVRO_CONTENT_TYPE)]

    def prepare_all(
        self, readings: Sequence[BaseModel | Struct | LoomError], received_at: str
    ) -> list[Prepared | LoomError]:
        return [
            item if isinstance(item, LoomError) else self._as_avro(item)
            for item in super().prepare_all(readings, received_at)
        ]

    def _as_avro(self, prepared: Prepared) -> Prepared | LoomError:
        record = prepared.record
        try:
            value = self._values.encode(record.value)
        except AvroValueError as error:
            return InvalidReading(
                f"the reading cannot be written as Avro: {error}",
                [FieldError(error.pointer, "type", str(error))],
                self.data_type.schema_id,
            )
        topic = self.data_type.topic
        if len(value) > topic.max_message_bytes:
            return ReadingTooLarge(
                f"the reading is {len(value)} bytes as Avro; "
                f"{topic.name} takes at most {topic.max_message_bytes}"
            )
        headers = [header for header in record.headers if header[0] != _CONTENT_TYPE]
        headers += self._format_headers
        return prepared._replace(record=record._replace(value=value, headers=headers))
