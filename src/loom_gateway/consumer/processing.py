"""One record, start to finish: decode it, skip it if already handled, hand it to its handler
with retries, and dead-letter it when it cannot be decoded or its handler keeps failing.

Whatever the record holds, ``process`` ends in an outcome that lets the partition move on:
a poison record costs at most the retries' backoff, never the partition.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from typing import Any

from loom_gateway.catalog import DataType
from loom_gateway.consumer._log import log
from loom_gateway.consumer.dead_letter import DeadLetterSink, Stage, dead_letter_headers
from loom_gateway.consumer.decoding import Decoders
from loom_gateway.consumer.dedupe import SeenMessages
from loom_gateway.consumer.errors import UndecodableRecord
from loom_gateway.consumer.handlers import Handler, Handlers
from loom_gateway.consumer.metrics import ConsumerMetrics
from loom_gateway.consumer.records import Consumed, RawRecord
from loom_gateway.consumer.retry import RetryPolicy
from loom_gateway.consumer.subscription import Subscription

__all__ = ["Outcome", "RecordProcessor"]

logger = logging.getLogger("loom_gateway.consumer")

_UNKNOWN = "unknown"


class Outcome(enum.Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"
    ABANDONED = "abandoned"
    """Stopped while waiting to retry: not done with, so not committed (read again later)."""

    @property
    def done(self) -> bool:
        return self is not Outcome.ABANDONED


class RecordProcessor:
    def __init__(
        self,
        subscription: Subscription,
        handlers: Handlers,
        decoders: Decoders,
        retry: RetryPolicy,
        dead_letters: DeadLetterSink,
        metrics: ConsumerMetrics,
        group_id: str,
        stopping: asyncio.Event,
        seen: SeenMessages | None = None,
    ) -> None:
        self._subscription = subscription
        self._handlers = handlers
        self._decoders = decoders
        self._retry = retry
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._group_id = group_id
        self._stopping = stopping
        self._seen = seen

    async def process(self, record: RawRecord) -> Outcome:
        """Raises DeadLetterFailed when a record must be dead-lettered and cannot be."""
        written: DataType | None = None
        try:
            written = self._subscription.resolve(record)
            reader = self._subscription.reader(written)
            handler = None if reader is None else self._handlers.get(reader)
            if reader is None or handler is None:
                raise UndecodableRecord(
                    f"no handler for {written.name} v{written.version} and none of a version that reads it"
                )
            value = self._decoders.decode(record, reader)
            consumed = Consumed(value, reader, record, None if written is reader else written)
        except UndecodableRecord as error:
            label = _UNKNOWN if written is None else written.qualified_name
            return await self._dead_letter(record, label, error, "decode", 0)
        label = reader.qualified_name
        message_id = record.message_id
        seen_key = None if message_id is None else (record.topic, message_id)
        if self._seen is not None and seen_key is not None and self._seen.seen(seen_key):
            self._metrics.processed(record.topic, label, Outcome.DUPLICATE.value)
            log(logger, logging.DEBUG, "duplicate skipped", **_where(record), message_id=message_id)
            return Outcome.DUPLICATE
        outcome = await self._handle(handler, consumed, label)
        if outcome is Outcome.HANDLED and self._seen is not None and seen_key is not None:
            self._seen.remember(seen_key)
        return outcome

    async def _handle(self, handler: Handler, consumed: Consumed[Any], label: str) -> Outcome:
        record = consumed.record
        observe = self._metrics.handler_timer(label).observe
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                await handler(consumed)
            except Exception as error:
                observe(time.perf_counter() - started)
                if attempt >= self._retry.attempts:
                    return await self._dead_letter(record, label, error, "handler", attempt)
                self._metrics.retries.labels(label).inc()
                backoff = self._retry.backoff_s(attempt)
                log(
                    logger,
                    logging.WARNING,
                    "handler failed; retrying",
                    **_where(record),
                    data_type=label,
                    attempt=attempt,
                    backoff_s=round(backoff, 3),
                    error=_describe(error),
                )
                if await self._stopped_within(backoff):
                    log(logger, logging.INFO, "stopping: record left for the next consumer", **_where(record))
                    return Outcome.ABANDONED
                continue
            observe(time.perf_counter() - started)
            self._metrics.processed(record.topic, label, Outcome.HANDLED.value)
            return Outcome.HANDLED

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def _dead_letter(
        self, record: RawRecord, label: str, error: BaseException, stage: Stage, attempts: int
    ) -> Outcome:
        await self._dead_letters.send(
            record, dead_letter_headers(record, error, stage, attempts, self._group_id)
        )
        self._metrics.processed(record.topic, label, Outcome.DEAD_LETTERED.value)
        log(
            logger,
            logging.ERROR,
            "record dead-lettered",
            **_where(record),
            data_type=label,
            stage=stage,
            attempts=attempts,
            error=_describe(error),
        )
        return Outcome.DEAD_LETTERED


def _where(record: RawRecord) -> dict[str, object]:
    return {"topic": record.topic, "partition": record.partition, "offset": record.offset}


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
