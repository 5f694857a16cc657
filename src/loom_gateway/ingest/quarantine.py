"""Quarantine: refused readings written, with the error and schema id, to the catalog's
quarantine topic, so operators can see what devices send wrong (``LOOM_QUARANTINE_ENABLED``).

Only refusals after authentication whose error says so (``LoomError.quarantined``: bad JSON,
schema violations, sizes, devices not allowed): not 401, 429 or 503. The refusal is answered
once Kafka has the quarantine record (or gave up on it: bounded by the delivery timeout), so
quarantine writes share the request's back-pressure; a failed write is counted and logged,
never turned into a different answer. A refused reading never reaches its data topic, so it is never
both quarantined and published.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import pydantic_core

from loom_gateway.auth import Principal
from loom_gateway.catalog import DataType
from loom_gateway.errors import InvalidReading, LoomError
from loom_gateway.ingest.service import Result, received_now
from loom_gateway.kafka.producer import Publisher
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics

__all__ = ["Ingest", "Quarantine"]

Ingest = Callable[[bytes, Principal | None], Awaitable[Result]]

logger = logging.getLogger(__name__)

_BODY_TEXT_LIMIT = 16_384
"""Bytes of a body kept as text when it cannot be kept whole as a reading."""
_ENVELOPE_ROOM = 4_096
"""Room left in a record for everything but the reading."""


class Quarantine:
    def __init__(self, data_type: DataType, publisher: Publisher, metrics: Metrics) -> None:
        """``data_type``: the catalog's quarantine data type (its topic and key field)."""
        self._data_type = data_type
        self._publisher = publisher
        self._metrics = metrics
        self._schema_header = ("loom.schema", data_type.schema_id.encode())

    def guarding(self, route: str, data_type: DataType, ingest: Ingest) -> Ingest:
        """``ingest`` for ``route``, quarantining what it refuses, as a whole body or per item."""

        async def ingest_or_quarantine(body: bytes, principal: Principal | None) -> Result:
            try:
                result = await ingest(body, principal)
            except LoomError as error:
                if error.quarantined:
                    await self._write([self._record(route, data_type, principal, body, None, error)])
                raise
            refused = [
                (index, outcome.error)
                for index, outcome in enumerate(result.outcomes)
                if outcome.error is not None and outcome.error.quarantined
            ]
            if refused:
                items = _items(body) if result.is_array else None
                await self._write(
                    [
                        self._record(
                            route,
                            data_type,
                            principal,
                            body,
                            None if items is None else index,
                            error,
                            items[index] if items is not None and index < len(items) else None,
                        )
                        for index, error in refused
                    ]
                )
            return result

        return ingest_or_quarantine

    async def _write(self, records: list[Record]) -> None:
        errors = await self._publisher.publish(records)
        failed = [error for error in errors if error is not None]
        self._metrics.quarantined.labels("written").inc(len(records) - len(failed))
        if failed:
            self._metrics.quarantined.labels("failed").inc(len(failed))
            logger.warning("%d refused reading(s) not quarantined: %s", len(failed), failed[0].detail)

    def _record(
        self,
        route: str,
        data_type: DataType,
        principal: Principal | None,
        body: bytes,
        index: int | None,
        error: LoomError,
        item: object = None,
    ) -> Record:
        reading: object = item if index is not None else _parsed(body)
        source = _source(reading, data_type.key_field, principal)
        document: dict[str, Any] = {
            "source": source,
            "quarantined_at": received_now(),
            "route": route,
            "schema_id": error.schema_id if isinstance(error, InvalidReading) else data_type.schema_id,
            "key_id": None if principal is None else principal.key_id,
            "index": index,
            "error": {
                "type": error.problem_type,
                "status": error.status,
                "detail": error.detail,
                "errors": _broken_rules(error),
            },
            "reading": None if reading is _NOT_JSON else reading,
            "body": None,
            "body_truncated": False,
        }
        value = msgspec.json.encode(document)
        if reading is _NOT_JSON or len(value) > self._data_type.topic.max_message_bytes - _ENVELOPE_ROOM:
            # Not JSON, or too large to keep whole: the start of what was sent, as text.
            text = body if index is None else msgspec.json.encode(item)
            document["reading"] = None
            document["body"] = text[:_BODY_TEXT_LIMIT].decode("utf-8", errors="replace")
            document["body_truncated"] = len(text) > _BODY_TEXT_LIMIT
            value = msgspec.json.encode(document)
        return Record(
            self._data_type.topic.name,
            source.encode(),
            value,
            [self._schema_header, ("loom.refused_schema", document["schema_id"].encode())],
        )


class _NotJson:
    """A body that did not parse (``reading`` is then null and ``body`` holds the text)."""


_NOT_JSON: Any = _NotJson()


def _parsed(body: bytes) -> object:
    try:
        return pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError:
        return _NOT_JSON


def _items(body: bytes) -> list[object] | None:
    items = _parsed(body)
    return items if isinstance(items, list) else None


def _broken_rules(error: LoomError) -> list[dict[str, str]]:
    if not isinstance(error, InvalidReading):
        return []
    return [dataclasses.asdict(e) for e in error.errors]


def _source(reading: object, key_field: str, principal: Principal | None) -> str:
    claimed = reading.get(key_field) if isinstance(reading, dict) else None
    if isinstance(claimed, str) and claimed:
        return claimed[:256]
    return "anonymous" if principal is None else principal.key_id
