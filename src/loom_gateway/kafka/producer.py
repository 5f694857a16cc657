"""An asyncio face on confluent-kafka's producer: ``await publish(...)`` returns once the broker has it.

librdkafka reports deliveries from ``poll()``; one thread per producer services it and hands
each report to the event loop, where it settles the future the request is waiting on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import confluent_kafka

from loom_gateway.catalog import Compression
from loom_gateway.errors import BrokerUnavailable, LoomError, Overloaded, ReadingTooLarge
from loom_gateway.kafka.config import producer_config
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics
from loom_gateway.settings import Settings

__all__ = ["Publisher"]

logger = logging.getLogger(__name__)

_POLL_INTERVAL_S = 0.1
# Added to the delivery timeout before giving up on a report that never came.
_REPORT_GRACE_S = 5.0
# How often the requests still waiting are checked against that deadline.
_SWEEP_INTERVAL_S = 0.5
# produce()'s positional arguments are (topic, value, key, partition, callback, on_delivery,
# timestamp, headers): -1 (RD_KAFKA_PARTITION_UA) lets the partitioner choose by key, and a
# timestamp of 0 means now, as when they are left out.
_ANY_PARTITION = -1


class Publisher:
    """Owns one producer per compression codec the catalog uses (librdkafka compresses per producer)."""

    def __init__(
        self,
        settings: Settings,
        codecs: Mapping[str, Compression],
        max_message_bytes: int,
        metrics: Metrics | None = None,
    ) -> None:
        """``codecs`` maps each topic to the codec its schema asks for; ``metrics`` counts deliveries,
        their latency and librdkafka's statistics."""
        self._settings = settings
        self._metrics = metrics
        self._observe_delivery = metrics.delivery_duration.observe if metrics is not None else None
        self._codec_of = dict(codecs)
        self._max_message_bytes = max_message_bytes
        self._lanes: dict[Compression, _Lane] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._finished = _Finished()
        self._trouble: str | None = None
        # Requests waiting for reports, oldest first (one timeout for all: deadline order).
        self._waiting: deque[tuple[float, _DeliveryGroup]] = deque()
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for codec in sorted(set(self._codec_of.values())):
            self._lanes[codec] = self._open_lane(codec)
        self._sweeper = self._loop.create_task(self._sweep(), name="kafka-report-deadlines")

    async def close(self, timeout_s: float = 10.0) -> int:
        """Flush what is queued, stop polling; returns how many records were left undelivered."""
        left = 0
        for lane in self._lanes.values():
            left += await asyncio.to_thread(lane.producer.flush, timeout_s)
            await asyncio.to_thread(lane.stop, timeout_s)
        self._lanes.clear()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if left:
            logger.error("%d record(s) were not delivered before shutdown", left)
        return left

    @property
    def trouble(self) -> str | None:
        """Why Kafka looks unreachable or broken, since the last ``rebuild``; None when fine."""
        return self._trouble

    async def reachable(self, timeout_s: float) -> bool:
        """Whether every producer can fetch cluster metadata now."""
        try:
            for lane in list(self._lanes.values()):
                await asyncio.to_thread(lane.producer.list_topics, timeout=timeout_s)
        except confluent_kafka.KafkaException:
            return False
        return True

    async def rebuild(self) -> None:
        """Replace every producer by a fresh one (after an outage an idempotent producer may be
        stuck or fatally failed, e.g. UNKNOWN_PRODUCER_ID once a broker restarted empty).
        Records still queued in the old ones fail (503: the client retries) rather than hang."""
        old, self._lanes = self._lanes, {codec: self._open_lane(codec) for codec in self._lanes}
        for lane in old.values():
            lane.producer.purge()
            await asyncio.to_thread(lane.producer.flush, 1.0)  # delivers the purge reports
            await asyncio.to_thread(lane.stop, 5.0)
        self._trouble = None
        logger.warning("kafka producers rebuilt")

    def _open_lane(self, codec: Compression) -> _Lane:
        config: dict[str, object] = {
            **producer_config(self._settings, codec, self._max_message_bytes),
            "error_cb": self._on_client_error,
            # librdkafka's own log lines through ours (JSON), delivered by the lane's poll().
            "logger": logger,
        }
        if self._metrics is not None and self._settings.kafka_statistics_interval_ms > 0:
            config["statistics.interval.ms"] = self._settings.kafka_statistics_interval_ms
            config["stats_cb"] = self._metrics.kafka_statistics
        return _Lane(confluent_kafka.Producer(config), self._finished, self._running_loop(), codec)

    def _on_client_error(self, error: confluent_kafka.KafkaError) -> None:
        """librdkafka's client-level errors, on a poll thread."""
        if error.fatal():
            self._trouble = f"the producer failed fatally: {error.str()}"
        elif error.code() == confluent_kafka.KafkaError._ALL_BROKERS_DOWN:
            self._trouble = f"all brokers are down: {error.str()}"

    async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
        """Produce every record; one outcome per record, None meaning the broker acknowledged it.

        The records of one call share one future, settled on the loop once the last delivery
        report is in: one cross-thread wake-up per request, not one per record.
        """
        outcomes: list[LoomError | None] = [None] * len(records)
        group = _DeliveryGroup(
            self._finished,
            outcomes,
            self._running_loop().create_future(),
            len(records),
            self._observe_delivery,
        )
        report = group.report
        produce_to: dict[str, Callable[..., None]] = {}
        for index, record in enumerate(records):
            produce = produce_to.get(record.topic)
            if produce is None:
                produce = produce_to[record.topic] = self._lanes[
                    self._codec_of[record.topic]
                ].producer.produce
            # The group expects a report for every record from the start: a report may come
            # before produce() even returns, and the group is complete only when each record
            # was reported or refused. A callback per record: librdkafka fails records of one
            # partition one by one (a message timeout fails those still queued, not the ones in
            # flight), so one report cannot speak for others; and confluent-kafka takes the GIL
            # for every report whether the record has a callback or not (measured: one callback
            # per 100 records saved no CPU). Positional arguments: keyword parsing cost ~2 µs.
            try:
                produce(
                    record.topic,
                    record.value,
                    record.key,
                    _ANY_PARTITION,
                    partial(report, index),
                    None,
                    0,
                    record.headers,
                )
            except BufferError:
                group.refused(index, Overloaded("the producer queue is full"))
            except confluent_kafka.KafkaException as error:
                group.refused(index, _classify(error.args[0]))
        try:
            await self._settled(group)
        finally:
            # Every record acknowledged is the common case: one C-level count, no generator.
            if outcomes.count(None) != len(outcomes):
                unavailable = next((o for o in outcomes if isinstance(o, BrokerUnavailable)), None)
                if unavailable is not None:
                    self._trouble = unavailable.detail
        if self._metrics is not None and records:
            self._metrics.delivered(records, outcomes)
        return outcomes

    async def _settled(self, group: _DeliveryGroup) -> None:
        if not group.done.done():
            # No timer per request (asyncio keeps a cancelled timer in its heap until it would
            # have fired): the sweeper gives up on this group once its deadline has passed.
            timeout = self._settings.kafka_delivery_timeout_ms / 1000 + _REPORT_GRACE_S
            self._waiting.append((time.monotonic() + timeout, group))
            await group.done

    async def _sweep(self) -> None:
        """Every ``_SWEEP_INTERVAL_S``: forget the settled requests at the head of the queue, fail
        the records of those whose deadline passed without every report."""
        waiting = self._waiting
        while True:
            await asyncio.sleep(_SWEEP_INTERVAL_S)
            now = time.monotonic()
            while waiting and (waiting[0][1].done.done() or waiting[0][0] <= now):
                _, group = waiting.popleft()
                if not group.done.done():
                    group.abandon(BrokerUnavailable("no delivery report from Kafka in time"))

    def queued(self) -> int:
        """Records handed to librdkafka and not yet acknowledged or failed."""
        return sum(len(lane.producer) for lane in self._lanes.values())

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("Publisher.start() was not awaited")
        return self._loop


class _Lane:
    """One producer and the thread that services its delivery reports."""

    def __init__(
        self,
        producer: confluent_kafka.Producer,
        finished: _Finished,
        loop: asyncio.AbstractEventLoop,
        codec: str,
    ) -> None:
        self.producer = producer
        self._finished = finished
        self._loop = loop
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._poll_forever, name=f"kafka-poll-{codec}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float) -> None:
        """Blocking: stop polling and close the producer."""
        self._stopping.set()
        self._thread.join(timeout_s)
        self.producer.close()

    def _poll_forever(self) -> None:
        while not self._stopping.is_set():
            self.producer.poll(_POLL_INTERVAL_S)
            # One wake-up of the event loop for every request this poll completed.
            finished = self._finished.take()
            if finished:
                self._loop.call_soon_threadsafe(_settle_all, finished)


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
    """The delivery reports of one ``publish`` call, counted on the poll threads.

    No lock: ``next()`` on an ``itertools.count`` is one C call, atomic under the GIL, so the
    report or refusal that draws the last number is the one that completes the group, whichever
    thread (a poll thread per producer, or the loop for a refusal) it runs on.
    """

    def __init__(
        self,
        finished: _Finished,
        outcomes: list[LoomError | None],
        done: asyncio.Future[None],
        expected: int,
        observe: Callable[[float], None] | None = None,
    ) -> None:
        """``expected``: records produced, each to be reported or refused; ``observe``: given the
        seconds from this group's creation to its last delivery report."""
        self._finished = finished
        self._observe = observe
        self._started = time.perf_counter()
        self._outcomes = outcomes
        self._expected = expected
        self._counted = itertools.count(1)
        self._reported = bytearray(expected)
        """1 for each record reported or refused: which ones ``abandon`` fails."""
        self._abandoned = False
        self.done = done
        if not expected:
            done.set_result(None)

    def refused(self, index: int, error: LoomError) -> None:
        """produce() refused the record (on the loop): no report will come for it."""
        self._outcomes[index] = error
        self._reported[index] = 1
        if next(self._counted) == self._expected and not self.done.done():
            # Every other record was reported already; we are on the loop.
            self.done.set_result(None)

    def report(self, index: int, error: confluent_kafka.KafkaError | None, _message: object) -> None:
        """Delivery callback, on a poll thread."""
        if error is not None and not self._abandoned:
            self._outcomes[index] = _classify(error)
        self._reported[index] = 1
        if next(self._counted) == self._expected and not self._abandoned:
            if self._observe is not None:  # on the poll thread, off the event loop
                self._observe(time.perf_counter() - self._started)
            self._finished.add(self.done)

    def abandon(self, error: LoomError) -> None:
        """Give up waiting (on the loop): every record without a report counts as failed."""
        self._abandoned = True
        unreported = [index for index, reported in enumerate(self._reported) if not reported]
        for index in unreported:  # a late report changes nothing now
            self._outcomes[index] = error
        if not self.done.done():
            self.done.set_result(None)


def _settle_all(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():  # the request may have given up waiting
            future.set_result(None)


def _classify(error: confluent_kafka.KafkaError) -> LoomError:
    if error.code() == confluent_kafka.KafkaError.MSG_SIZE_TOO_LARGE:
        return ReadingTooLarge(f"Kafka refused the record as too large: {error.str()}")
    return BrokerUnavailable(f"Kafka did not acknowledge the record: {error.str()}")
