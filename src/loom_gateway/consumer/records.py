"""Records as the consumer sees them: the raw Kafka record, and the typed one a handler gets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import confluent_kafka
from pydantic import BaseModel

from loom_gateway.catalog import DataType

__all__ = ["MESSAGE_ID_HEADER", "SCHEMA_HEADER", "Consumed", "Header", "RawRecord"]

MESSAGE_ID_HEADER = "loom.message_id"
SCHEMA_HEADER = "loom.schema"
"""The schema ``$id`` of the record's data type, as the gateway writes it."""

Header = tuple[str, bytes | None]
M = TypeVar("M", bound=BaseModel)


def _header(headers: Sequence[Header], name: str) -> bytes | None:
    """The last value of a header (Kafka allows repeats; the last one wins, as in most clients)."""
    for key, value in reversed(headers):
        if key == name:
            return value
    return None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One Kafka record, before decoding: independent of the client, so the pipeline is testable."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[Header, ...]
    timestamp_ms: int | None = None

    @classmethod
    def from_message(cls, message: confluent_kafka.Message) -> RawRecord:
        timestamp_type, timestamp = message.timestamp()
        return cls(
            topic=message.topic() or "",
            partition=message.partition() or 0,
            offset=message.offset() or 0,
            key=message.key(),
            value=message.value(),
            headers=_headers(message),
            timestamp_ms=None if timestamp_type == confluent_kafka.TIMESTAMP_NOT_AVAILABLE else timestamp,
        )

    def header(self, name: str) -> bytes | None:
        return _header(self.headers, name)

    @property
    def message_id(self) -> str | None:
        value = self.header(MESSAGE_ID_HEADER)
        return None if value is None else value.decode("utf-8", "replace")


def _headers(message: confluent_kafka.Message) -> tuple[Header, ...]:
    headers = message.headers()
    if not headers:
        return ()
    items = headers.items() if isinstance(headers, dict) else headers
    # The consumer gives bytes (or None); a str only comes from a Message built by hand.
    return tuple((name, value.encode() if isinstance(value, str) else value) for name, value in items)


@dataclass(frozen=True, slots=True)
class Consumed(Generic[M]):
    """What a handler receives: the reading as its generated model, and where it came from."""

    value: M
    """The decoded reading (the handler's data type's generated Pydantic model). Optional fields
    the device left out read as None, like explicit nulls; ``"name" in value.model_fields_set``
    tells them apart (True only when the field was in the record)."""
    data_type: DataType
    """The version ``value`` was validated and decoded as: the handler's."""
    record: RawRecord
    written_as: DataType | None = None
    """The version the record was written as, when a handler of another version reads it (the
    catalog says every reading of it is a valid reading of ``data_type``); None: ``data_type``."""

    @property
    def written(self) -> DataType:
        """The version the record was written as (``loom.schema``): ``data_type`` or one it reads."""
        return self.written_as or self.data_type

    @property
    def key(self) -> bytes | None:
        """The record key: the device id, as the gateway writes it."""
        return self.record.key

    @property
    def headers(self) -> tuple[Header, ...]:
        return self.record.headers

    def header(self, name: str) -> bytes | None:
        return self.record.header(name)

    @property
    def message_id(self) -> str | None:
        """The ``loom.message_id`` header: the same for every delivery of one reading."""
        return self.record.message_id

    @property
    def topic(self) -> str:
        return self.record.topic

    @property
    def partition(self) -> int:
        return self.record.partition

    @property
    def offset(self) -> int:
        return self.record.offset
