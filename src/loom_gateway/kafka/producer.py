"""An asyncio face on confluent-kafka's producer: ``await publish(...)`` returns once the broker has it.

librdkafka reports deliveries from ``poll()``; one thread per producer services it and hands
each report to the event loop, where it settles the future the request is waiting on.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping, Sequence
from functools import partial

import confluent_kafka

from loom_gateway.catalog import Compression
from loom_gateway.errors import BrokerUnavailable, LoomError, Overloaded, ReadingTooLarge
from loom_gateway.kafka.config import producer_config
from loom_gateway.kafka.records import Record
from loom_gateway.settings import Settings

__all__ = ["Publisher"]

logger = logging.getLogger(__name__)

_POLL_INTERVAL_S = 0.1
# Added to the delivery timeout before giving up on a report that never came.
_REPORT_GRACE_S = 5.0


class Publisher:
    """Owns one producer per compression codec the catalog uses (librdkafka compresses per producer)."""

    def __init__(self, settings: Settings, codecs: Mapping[str, Compression], max_message_bytes: int) -> None:
        """``codecs`` maps each topic to the codec its schema asks for."""
        self._settings = settings
        self._codec_of = dict(codecs)
        self._max_message_bytes = max_message_bytes
        self._producers: dict[Compression, confluent_kafka.Producer] = {}
        self._pollers: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._finished = _Finished()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for codec in sorted(set(self._codec_of.values())):
            producer = confluent_kafka.Producer(
                producer_config(self._settings, codec, self._max_message_bytes)
            )
            self._producers[codec] = producer
            poller = threading.Thread(
                target=self._poll_forever, args=(producer,), name=f"kafka-poll-{codec}", daemon=True
            )
            poller.start()
            self._pollers.append(poller)

    async def close(self, timeout_s: float = 10.0) -> int:
        """Flush what is queued, stop polling; returns how many records were left undelivered."""
        left = 0
        for producer in self._producers.values():
            left += await asyncio.to_thread(producer.flush, timeout_s)
        self._stopping.set()
        for poller in self._pollers:
            await asyncio.to_thread(poller.join, timeout_s)
        for producer in self._producers.values():
            producer.close()
        self._producers.clear()
        self._pollers.clear()
        if left:
            logger.error("%d record(s) were not delivered before shutdown", left)
        return left

    async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
        """Produce every record; one outcome per record, None meaning the broker acknowledged it.

        The records of one call share one future, settled on the loop once the last delivery
        report is in: one cross-thread wake-up per request, not one per record.
        """
        outcomes: list[LoomError | None] = [None] * len(records)
        group = _DeliveryGroup(self._finished, outcomes, self._running_loop().create_future())
        for index, record in enumerate(records):
            try:
                self._producers[self._codec_of[record.topic]].produce(
                    record.topic,
                    value=record.value,
                    key=record.key,
                    headers=record.headers,
                    on_delivery=partial(group.report, index),
                )
            except BufferError:
                outcomes[index] = Overloaded("the producer queue is full")
                continue
            except confluent_kafka.KafkaException as error:
                outcomes[index] = _classify(error.args[0])
                continue
            group.expect(index)
        if group.seal():
            timeout = self._settings.kafka_delivery_timeout_ms / 1000 + _REPORT_GRACE_S
            try:
                await asyncio.wait_for(asyncio.shield(group.done), timeout)
            except TimeoutError:
                group.abandon(BrokerUnavailable("no delivery report from Kafka in time"))
        return outcomes

    def queued(self) -> int:
        """Records handed to librdkafka and not yet acknowledged or failed."""
        return sum(len(producer) for producer in self._producers.values())

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("Publisher.start() was not awaited")
        return self._loop

    def _poll_forever(self, producer: confluent_kafka.Producer) -> None:
        loop = self._running_loop()
        while not self._stopping.is_set():
            producer.poll(_POLL_INTERVAL_S)
            # One wake-up of the event loop for every request this poll completed.
            finished = self._finished.take()
            if finished:
                loop.call_soon_threadsafe(_settle_all, finished)


class _Finished:
    """Futures whose last delivery report came in, waiting for their poll thread to hand them over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: list[asyncio.Future[None]] = []

    def add(self, future: asyncio.Future[None]) -> None:
        with self._lock:
            self._futures.append(future)

    def take(self) -> list[asyncio.Future[None]]:
        with self._lock:
            futures, self._futures = self._futures, []
        return futures


class _DeliveryGroup:
    """The delivery reports of one ``publish`` call, counted down on the poll threads."""

    def __init__(
        self, finished: _Finished, outcomes: list[LoomError | None], done: asyncio.Future[None]
    ) -> None:
        self._finished = finished
        self._outcomes = outcomes
        self._lock = threading.Lock()  # uncontended unless the records use several producers
        self._pending: set[int] = set()
        self._sealed = False
        self._abandoned = False
        self.done = done

    def expect(self, index: int) -> None:
        with self._lock:
            self._pending.add(index)

    def seal(self) -> bool:
        """No more records; True when there are reports to wait for."""
        with self._lock:
            self._sealed = True
            return bool(self._pending)

    def report(self, index: int, error: confluent_kafka.KafkaError | None, _message: object) -> None:
        """Delivery callback, on a poll thread."""
        with self._lock:
            if self._abandoned:
                return
            if error is not None:
                self._outcomes[index] = _classify(error)
            self._pending.discard(index)
            finished = self._sealed and not self._pending
        if finished:
            self._finished.add(self.done)

    def abandon(self, error: LoomError) -> None:
        """Give up waiting: every record without a report counts as failed."""
        with self._lock:
            self._abandoned = True
            for index in self._pending:
                self._outcomes[index] = error


def _settle_all(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():  # the request may have given up waiting
            future.set_result(None)


def _classify(error: confluent_kafka.KafkaError) -> LoomError:
    if error.code() == confluent_kafka.KafkaError.MSG_SIZE_TOO_LARGE:
        return ReadingTooLarge(f"Kafka refused the record as too large: {error.str()}")
    return BrokerUnavailable(f"Kafka did not acknowledge the record: {error.str()}")
