"""Decoding a record's value into its data type's model, with the decoder its ``content-type``
header names.

JSON (``application/json``, what the gateway writes by default) is built in;
``Decoders.for_catalog`` adds Avro (``application/vnd.apache.avro+binary``, written with
``LOOM_VALUE_FORMAT=avro``: ``loom_gateway.consumer.avro``). Other formats plug in as one more
``Decoder`` under their content type (``with_decoder``). The choice is per record, so a topic
that changes format mid-way (a deployment switching to Avro) reads on. A record without a
``content-type`` header is read as JSON, the format the gateway wrote before it sent the header.
Optional fields the reading left out are None in the decoded model (``consumer.absent``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from pydantic import BaseModel, ValidationError

from loom_gateway.catalog import Catalog, DataType
from loom_gateway.consumer.absent import absent_as_none
from loom_gateway.consumer.avro import AVRO_MEDIA_TYPE, AvroDecoder
from loom_gateway.consumer.errors import UndecodableRecord
from loom_gateway.consumer.records import RawRecord

__all__ = ["CONTENT_TYPE_HEADER", "JSON_CONTENT_TYPE", "Decoder", "Decoders", "JsonDecoder", "media_type"]

CONTENT_TYPE_HEADER = "content-type"
JSON_CONTENT_TYPE = "application/json"


class Decoder(Protocol):
    def decode(self, value: bytes, data_type: DataType) -> BaseModel:
        """The value as ``data_type.model``; raises (ValueError, ValidationError, ...) when it is not."""
        ...


class JsonDecoder:
    """The value as the gateway writes it: the reading's JSON document, server fields included."""

    def decode(self, value: bytes, data_type: DataType) -> BaseModel:
        return data_type.model.model_validate_json(value)


def media_type(content_type: bytes) -> str:
    """``application/json`` of ``application/json; charset=utf-8``, lower-cased."""
    return content_type.decode("latin-1").partition(";")[0].strip().lower()


class Decoders:
    """Decoders by media type; chooses one per record from its ``content-type`` header."""

    def __init__(self, decoders: Mapping[str, Decoder] | None = None) -> None:
        self._decoders: dict[str, Decoder] = {JSON_CONTENT_TYPE: JsonDecoder()}
        self._decoders.update(decoders or {})

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> Decoders:
        """JSON, and Avro for the catalog's data types that have an Avro schema."""
        return cls({AVRO_MEDIA_TYPE: AvroDecoder(catalog)})

    def with_decoder(self, content_type: str, decoder: Decoder) -> Decoders:
        return Decoders({**self._decoders, media_type(content_type.encode()): decoder})

    def media_types(self) -> list[str]:
        return sorted(self._decoders)

    def decode(self, record: RawRecord, data_type: DataType) -> BaseModel:
        """The record's value as ``data_type``'s model, or UndecodableRecord saying why not."""
        header = record.header(CONTENT_TYPE_HEADER)
        kind = JSON_CONTENT_TYPE if header is None else media_type(header)
        decoder = self._decoders.get(kind)
        if decoder is None:
            raise UndecodableRecord(
                f"no decoder for content-type {kind!r} (have {', '.join(self.media_types())})"
            )
        if record.value is None:
            raise UndecodableRecord("the record has no value (a tombstone)")
        try:
            return absent_as_none(decoder.decode(record.value, data_type))
        except ValidationError as error:
            raise UndecodableRecord(
                f"not a valid {data_type.qualified_name} ({kind}): {error.error_count()} error(s), "
                f"first: {_first(error)}"
            ) from error
        except Exception as error:
            # Whatever a decoder meets in bytes it cannot read (fastavro raises EOFError, say):
            # the record is dead-lettered, never allowed to stop the partition.
            detail = str(error) or type(error).__name__
            raise UndecodableRecord(f"not a valid {data_type.qualified_name} ({kind}): {detail}") from error


def _first(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = "/".join(str(part) for part in first["loc"])
    return f"{where or '(root)'}: {first['msg']}"
