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
        """Produce every record; one outcome per record, None meaning the broker acknowledged it."""
        loop = self._running_loop()
        futures: list[asyncio.Future[None]] = []
        outcomes: list[LoomError | None] = [None] * len(records)
        waiting: list[int] = []
        for index, record in enumerate(records):
            future: asyncio.Future[None] = loop.create_future()
            try:
                self._producers[self._codec_of[record.topic]].produce(
                    record.topic,
                    value=record.value,
                    key=record.key,
                    headers=list(record.headers),
                    on_delivery=partial(_report, loop, future),
                )
            except BufferError:
                outcomes[index] = Overloaded("the producer queue is full")
                continue
            except confluent_kafka.KafkaException as error:
                outcomes[index] = _classify(error.args[0])
                continue
            futures.append(future)
            waiting.append(index)
        if futures:
            timeout = self._settings.kafka_delivery_timeout_ms / 1000 + _REPORT_GRACE_S
            _, pending = await asyncio.wait(futures, timeout=timeout)
            for index, future in zip(waiting, futures, strict=True):
                if future in pending:
                    future.cancel()
                    outcomes[index] = BrokerUnavailable("no delivery report from Kafka in time")
                elif (failure := future.exception()) is not None:
                    outcomes[index] = (
                        failure if isinstance(failure, LoomError) else BrokerUnavailable(str(failure))
                    )
        return outcomes

    def queued(self) -> int:
        """Records handed to librdkafka and not yet acknowledged or failed."""
        return sum(len(producer) for producer in self._producers.values())

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("Publisher.start() was not awaited")
        return self._loop

    def _poll_forever(self, producer: confluent_kafka.Producer) -> None:
        while not self._stopping.is_set():
            producer.poll(_POLL_INTERVAL_S)


def _report(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[None],
    error: confluent_kafka.KafkaError | None,
    _message: confluent_kafka.Message,
) -> None:
    """Delivery callback, on the poll thread: settle the waiting future on the loop's thread."""
    loop.call_soon_threadsafe(_settle, future, None if error is None else _classify(error))


def _settle(future: asyncio.Future[None], error: LoomError | None) -> None:
    if future.done():  # the request gave up waiting
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def _classify(error: confluent_kafka.KafkaError) -> LoomError:
    if error.code() == confluent_kafka.KafkaError.MSG_SIZE_TOO_LARGE:
        return ReadingTooLarge(f"Kafka refused the record as too large: {error.str()}")
    return BrokerUnavailable(f"Kafka did not acknowledge the record: {error.str()}")
