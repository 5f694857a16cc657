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


class Ingestor:
    """Turns request bodies for one data type into acknowledged records on its topic."""

    def __init__(self, data_type: DataType, publisher: Publisher, metrics: Metrics) -> None:
        self.data_type = data_type
        self._publisher = publisher
        self._metrics = metrics
        self._schema_header = ("loom.schema", data_type.schema_id.encode())

    async def ingest(self, body: bytes) -> Result:
        """Raises for a body that is refused as a whole; otherwise reports each reading."""
        try:
            batch = parse_body(self.data_type, body)
        except LoomError:
            self._metrics.refused(self.data_type)
            raise
        received_at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        outcomes: list[Outcome | None] = [None] * len(batch.items)
        records: list[Record] = []
        positions: list[int] = []
        for index, item in enumerate(batch.items):
            if isinstance(item, InvalidReading):
                outcomes[index] = Outcome(None, None, item)
                continue
            try:
                record, message_id = self._record(item, received_at)
            except ReadingTooLarge as error:
                outcomes[index] = Outcome(None, None, error)
                continue
            records.append(record)
            positions.append(index)
            outcomes[index] = Outcome(message_id, _present(getattr(item, "trace_id", None)), None)
        if not batch.is_array and outcomes[0] is not None and outcomes[0].error is not None:
            self._metrics.refused(self.data_type)
            raise outcomes[0].error
        for index, error in zip(positions, await self._publisher.publish(records), strict=True):
            if error is not None:
                previous = outcomes[index]
                outcomes[index] = Outcome(previous.message_id if previous else None, None, error)
        settled = [outcome for outcome in outcomes if outcome is not None]
        self._metrics.count(self.data_type, settled)
        if not batch.is_array and settled[0].error is not None:
            raise settled[0].error
        return Result(self.data_type.topic.name, batch.is_array, settled)

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
