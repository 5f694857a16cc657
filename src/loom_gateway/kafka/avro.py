"""Avro record values in the Confluent wire format, from the JSON documents the gateway publishes.

A value is the magic byte 0, the schema id (4 bytes, big-endian), then the Avro binary body
(what any Confluent-compatible deserializer reads, given the gateway's registry API). The
generated ``.avsc`` says how JSON maps onto Avro (``codegen/render/avro.py``); here, strings
marked ``"loom.json"`` take the JSON text of their value, and longs are checked to fit 64 bits.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import fastavro
import msgspec

__all__ = [
    "AVRO_CONTENT_TYPE",
    "MAGIC_BYTE",
    "AvroValueError",
    "AvroValues",
    "split_wire_format",
]

MAGIC_BYTE = 0
AVRO_CONTENT_TYPE = b"application/vnd.apache.avro+binary"
"""The ``content-type`` header of Avro values (the Confluent wire format's framing included)."""

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1

Convert = Callable[[Any], Any]
_ABSENT = object()


class AvroValueError(ValueError):
    """A value Avro cannot carry (an integer beyond 64 bits); ``pointer`` locates it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.segments: list[str] = []

    @property
    def pointer(self) -> str:
        return "".join(f"/{segment}" for segment in reversed(self.segments))


class AvroValues:
    """One data type's Avro schema: JSON documents in, Confluent-framed Avro out, and back."""

    def __init__(self, schema_text: str, schema_id: int) -> None:
        if not 0 < schema_id < 2**31:
            raise ValueError(f"schema id {schema_id} is not a positive int32")
        schema = json.loads(schema_text)
        self.schema_id = schema_id
        self._parsed = fastavro.parse_schema(schema)
        self._to_avro = _writer(schema) or _same
        self._from_avro = _reader(schema) or _same
        self._prefix = bytes([MAGIC_BYTE]) + schema_id.to_bytes(4, "big")
        self._decode_json = msgspec.json.Decoder()

    def encode(self, document: bytes) -> bytes:
        """The wire-format value for a JSON document (an object); AvroValueError if Avro cannot hold it."""
        datum = self._to_avro(self._decode_json.decode(document))
        out = io.BytesIO()
        out.write(self._prefix)
        fastavro.schemaless_writer(out, self._parsed, datum)
        return out.getvalue()

    def decode(self, value: bytes) -> dict[str, Any]:
        """The JSON document back from a wire-format value written with this schema."""
        schema_id, body = split_wire_format(value)
        if schema_id != self.schema_id:
            raise ValueError(f"the value was written with schema {schema_id}, not {self.schema_id}")
        return self.document(fastavro.schemaless_reader(io.BytesIO(body), self._parsed, None))

    def document(self, datum: Any) -> dict[str, Any]:
        """The JSON document for a datum a stock Avro reader returned (JSON held in strings parsed,
        optional fields that were left out left out again)."""
        document: dict[str, Any] = self._from_avro(datum)
        return document


def split_wire_format(value: bytes) -> tuple[int, bytes]:
    """(schema id, Avro body) of a Confluent wire-format value."""
    if len(value) < 5 or value[0] != MAGIC_BYTE:
        raise ValueError("not a Confluent wire-format value (magic byte 0, 4-byte schema id)")
    return int.from_bytes(value[1:5], "big"), value[5:]


def _same(value: Any) -> Any:
    return value


def _is_json_string(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "string" and schema.get("loom.json") is True


def _writer(schema: Any) -> Convert | None:
    """JSON value → Avro datum for ``schema``; None where the JSON value already is the datum."""
    if isinstance(schema, list):  # the generator writes unions as ["null", T]
        branch = next(branch for branch in schema if branch != "null")
        if _is_json_string(branch):
            return _to_json_text  # a JSON null is "null"; null stands for a field left out
        return _nullable(_writer(branch))
    if _is_json_string(schema):
        return _to_json_text
    kind = schema.get("type") if isinstance(schema, dict) else schema
    if kind == "long":
        return _checked_long
    if kind == "record":
        fields = [(field["name"], _writer(field["type"])) for field in schema["fields"]]
        converted = [(name, convert) for name, convert in fields if convert is not None]
        return _record_writer(converted) if converted else None
    return _container(schema, _writer, _located_items, _located_values)


def _nullable(inner: Convert | None) -> Convert | None:
    if inner is None:
        return None
    return lambda value: None if value is None else inner(value)


def _container(
    schema: Any,
    step: Callable[[Any], Convert | None],
    array: Callable[[Convert], Convert] | None = None,
    map_: Callable[[Convert], Convert] | None = None,
) -> Convert | None:
    """Arrays and maps: ``step`` applied to their items or values (None: nothing to convert)."""
    kind = schema.get("type") if isinstance(schema, dict) else schema
    if kind == "array" and (items := step(schema["items"])) is not None:
        return (array or _each_item)(items)
    if kind == "map" and (values := step(schema["values"])) is not None:
        return (map_ or _each_value)(values)
    return None


def _each_item(items: Convert) -> Convert:
    return lambda values: [items(value) for value in values]


def _each_value(values: Convert) -> Convert:
    return lambda mapping: {key: values(value) for key, value in mapping.items()}


def _located_items(items: Convert) -> Convert:
    def convert(values: list[Any]) -> list[Any]:
        converted = []
        for index, value in enumerate(values):
            try:
                converted.append(items(value))
            except AvroValueError as error:
                error.segments.append(str(index))
                raise
        return converted

    return convert


def _located_values(values: Convert) -> Convert:
    def convert(mapping: dict[str, Any]) -> dict[str, Any]:
        converted = {}
        for key, value in mapping.items():
            try:
                converted[key] = values(value)
            except AvroValueError as error:
                error.segments.append(key.replace("~", "~0").replace("/", "~1"))
                raise
        return converted

    return convert


def _record_writer(fields: list[tuple[str, Convert]]) -> Convert:
    def write(document: dict[str, Any]) -> dict[str, Any]:
        datum = dict(document)
        for name, convert in fields:
            value = document.get(name, _ABSENT)
            if value is not _ABSENT:
                try:
                    datum[name] = convert(value)
                except AvroValueError as error:
                    error.segments.append(name)
                    raise
        return datum

    return write


def _to_json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _checked_long(value: int) -> int:
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise AvroValueError("the integer does not fit Avro's long (64 bits)")
    return value


def _reader(schema: Any) -> Convert | None:
    """Avro datum → JSON value for ``schema``; None where the datum already is the JSON value."""
    if isinstance(schema, list):
        return _nullable(_reader(next(branch for branch in schema if branch != "null")))
    if _is_json_string(schema):
        return json.loads
    if isinstance(schema, dict) and schema.get("type") == "record":
        fields = [
            (field["name"], _reader(field["type"]), field.get("loom.optional") is True)
            for field in schema["fields"]
        ]
        return _record_reader(fields)
    return _container(schema, _reader)


def _record_reader(fields: list[tuple[str, Convert | None, bool]]) -> Convert:
    def read(datum: dict[str, Any]) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for name, convert, optional in fields:
            value = datum.get(name)
            if value is None:
                if not optional:
                    document[name] = None
            else:
                document[name] = value if convert is None else convert(value)
        return document

    return read
