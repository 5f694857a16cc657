"""One data type's ingestion: validate, stamp server fields, publish, and report per reading."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import MISSING, BaseModel

from loom_gateway.catalog import DataType
from loom_gateway.errors import InvalidReading, LoomError, ReadingTooLarge
from loom_gateway.ingest.validation import parse_body
from loom_gateway.kafka.producer import Publisher
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics

__all__ = ["Ingestor", "Outcome", "Result"]

_CONTENT_TYPE = ("content-type", b"application/json")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one reading: ``error`` is None when the broker acknowledged it."""

    message_id: str | None
    trace_id: str | None
    error: LoomError | None


@dataclass(frozen=True, slots=True)
class Result:
    topic: str
    is_array: bool
    outcomes: Sequence[Outcome]


@dataclass(frozen=True, slots=True)
class _Prepared:
    record: Record
    message_id: str
    trace_id: str | None


class Ingestor:
    """Turns request bodies for one data type into acknowledged records on its topic."""

    def __init__(self, data_type: DataType, publisher: Publisher, metrics: Metrics) -> None:
        self.data_type = data_type
        self._publisher = publisher
        self._metrics = metrics
        self._schema_header = ("loom.schema", data_type.schema_id.encode())

    async def ingest(self, body: bytes) -> Result:
        """Raises for a body refused as a whole; otherwise reports each reading."""
        received_at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        try:
            batch = parse_body(self.data_type, body)
            prepared = [self._prepare(item, received_at) for item in batch.items]
            if not batch.is_array and isinstance(prepared[0], LoomError):
                raise prepared[0]
        except LoomError:
            self._metrics.refused(self.data_type)
            raise
        publishable = [item for item in prepared if isinstance(item, _Prepared)]
        failures = iter(await self._publisher.publish([item.record for item in publishable]))
        outcomes = [
            Outcome(None, None, item)
            if isinstance(item, LoomError)
            else Outcome(item.message_id, item.trace_id, next(failures))
            for item in prepared
        ]
        self._metrics.count(self.data_type, outcomes)
        if not batch.is_array and outcomes[0].error is not None:
            raise outcomes[0].error
        return Result(self.data_type.topic.name, batch.is_array, outcomes)

    def _prepare(self, item: BaseModel | InvalidReading, received_at: str) -> _Prepared | LoomError:
        if isinstance(item, InvalidReading):
            return item
        try:
            record, message_id = self._record(item, received_at)
        except ReadingTooLarge as error:
            return error
        return _Prepared(record, message_id, _present(getattr(item, "trace_id", None)))

    def _record(self, reading: BaseModel, received_at: str) -> tuple[Record, str]:
        # Optional fields the client left out hold MISSING and are not serialised; what the
        # client sent (explicit nulls included) is published as sent.
        message_id = getattr(reading, "message_id", MISSING)
        if message_id is MISSING:
            message_id = str(uuid.uuid4())
            setattr(reading, "message_id", message_id)  # noqa: B010
        setattr(reading, "received_at", received_at)  # noqa: B010
        value = reading.model_dump_json(by_alias=True).encode()
        if len(value) > self.data_type.topic.max_message_bytes:
            raise ReadingTooLarge(
                f"the reading is {len(value)} bytes; {self.data_type.topic.name} takes at most "
                f"{self.data_type.topic.max_message_bytes}"
            )
        key = str(getattr(reading, self.data_type.key_field)).encode()
        headers = (("loom.message_id", message_id.encode()), self._schema_header, _CONTENT_TYPE)
        return Record(self.data_type.topic.name, key, value, headers), message_id


def _present(value: object) -> str | None:
    return value if isinstance(value, str) else None
