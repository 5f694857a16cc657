"""The run loop: poll, process one record at a time, commit what is done, stop cleanly.

One consumer processes its records sequentially, in partition order, on the event loop; the
blocking librdkafka calls (poll, commit, close) run in a worker thread, never at the same time
as each other or as a handler. That makes at-least-once simple: an offset is committed only
once every record before it on its partition was handled, dead-lettered or skipped as a
duplicate, and commits (batched: ``commit_interval_s`` / ``commit_max_records``) happen between
polls, in the revocation callback before partitions move to another consumer, and on shutdown.
Scale out with more consumers in the group (up to one per partition), not threads.

Shutdown (``stop()``, or SIGTERM/SIGINT under ``run_until_signalled``): the record being
handled is finished, the rest of the polled batch is left for later, offsets are committed and
the consumer leaves the group (close).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

import confluent_kafka
from prometheus_client import start_http_server

from loom_gateway.catalog import Catalog
from loom_gateway.consumer._log import log
from loom_gateway.consumer.dead_letter import DeadLetterProducer, DeadLetterSink
from loom_gateway.consumer.decoding import Decoders
from loom_gateway.consumer.dedupe import SeenMessages
from loom_gateway.consumer.errors import ConsumerError
from loom_gateway.consumer.handlers import Handlers
from loom_gateway.consumer.metrics import ConsumerMetrics
from loom_gateway.consumer.offsets import OffsetTracker
from loom_gateway.consumer.processing import RecordProcessor
from loom_gateway.consumer.records import RawRecord
from loom_gateway.consumer.settings import ConsumerSettings
from loom_gateway.consumer.subscription import Subscription
from loom_gateway.kafka.config import consumer_config
from loom_gateway.kafka.topics import DesiredTopic, TopicAdmin
from loom_gateway.settings import Settings

__all__ = ["ReadingConsumer", "run_until_signalled"]

logger = logging.getLogger("loom_gateway.consumer")

_SAMPLE_INTERVAL_S = 1.0
_PROGRESS_INTERVAL_S = 30.0


class ReadingConsumer:
    """Reads the subscribed data types' topics in a consumer group and hands each reading, typed,
    to its handler. ``run()`` until ``stop()``; one ``run()`` per instance."""

    def __init__(
        self,
        catalog: Catalog,
        handlers: Handlers,
        consumer_settings: ConsumerSettings,
        settings: Settings,
        *,
        metrics: ConsumerMetrics | None = None,
        decoders: Decoders | None = None,
        dead_letters: DeadLetterSink | None = None,
    ) -> None:
        """``settings``: the deployment's Kafka connection and topic naming (``LOOM_KAFKA_*``).
        ``dead_letters``: where dead letters go (default: the dead-letter topic)."""
        self.subscription = Subscription.of(catalog, handlers.keys(), settings.topic_name)
        self.settings = settings
        self.consumer_settings = consumer_settings
        self.metrics = metrics if metrics is not None else ConsumerMetrics()
        self.dead_letter_topic = consumer_settings.dead_letter_topic or (
            f"{settings.kafka_topic_prefix}{consumer_settings.group_id}.dead-letter"
        )
        self._handlers = handlers
        self._decoders = decoders if decoders is not None else Decoders.for_catalog(catalog)
        self._dead_letters = dead_letters
        self._offsets = OffsetTracker(
            consumer_settings.commit_interval_s, consumer_settings.commit_max_records
        )
        self._stopping = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._assignment: set[tuple[str, int]] = set()

    @property
    def assignment(self) -> frozenset[tuple[str, int]]:
        """The (topic, partition) pairs this consumer holds now."""
        return frozenset(self._assignment)

    def stop(self) -> None:
        """Finish the current record, commit, leave the group; safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed() or _on_loop(loop):
            self._stopping.set()
        else:
            loop.call_soon_threadsafe(self._stopping.set)

    async def run(self) -> None:
        """Consume until ``stop()``. Raises ConsumerError on what it cannot go past (a dead letter
        that cannot be written, a fatal client error), after committing what was done."""
        self._loop = asyncio.get_running_loop()
        settings, own = self.settings, self.consumer_settings
        metrics_server = None
        if own.metrics_port is not None:
            metrics_server, _ = start_http_server(own.metrics_port, registry=self.metrics.registry)
        dead_letters = self._dead_letters
        try:
            if dead_letters is None:
                if own.create_dead_letter_topic:
                    await asyncio.to_thread(self._create_dead_letter_topic)
                dead_letters = DeadLetterProducer(
                    settings,
                    self.dead_letter_topic,
                    max(data_type.topic.max_message_bytes for data_type in self.subscription.data_types),
                )
            processor = RecordProcessor(
                self.subscription,
                self._handlers,
                self._decoders,
                own.retry_policy(),
                dead_letters,
                self.metrics,
                own.group_id,
                self._stopping,
                SeenMessages(own.dedupe_window_s, own.dedupe_max_entries)
                if own.dedupe_window_s > 0
                else None,
            )
            consumer = confluent_kafka.Consumer(self._config())
            try:
                consumer.subscribe(
                    self.subscription.topics(),
                    on_assign=self._on_assign,
                    on_revoke=self._on_revoke,
                    on_lost=self._on_lost,
                )
                log(
                    logger,
                    logging.INFO,
                    "consumer started",
                    group=own.group_id,
                    topics=",".join(self.subscription.topics()),
                    dead_letter_topic=self.dead_letter_topic,
                )
                self._name_unreadable()
                await self._consume(consumer, processor)
            finally:
                await asyncio.to_thread(self._commit, consumer, self._offsets.take(), "shutdown")
                await asyncio.to_thread(consumer.close)  # leaves the group
                self._assignment.clear()
                self.metrics.assigned_partitions.set(0)
                log(logger, logging.INFO, "consumer stopped", group=own.group_id)
        finally:
            if dead_letters is not None and self._dead_letters is None:
                dead_letters.close()
            if metrics_server is not None:
                metrics_server.shutdown()
                metrics_server.server_close()  # shutdown() stops serving; this closes the socket

    def _name_unreadable(self) -> None:
        """Once per subscribed data type: the catalog's versions of it no handler can read (their
        records are dead-lettered), so a missing handler shows at start-up, not at the first record."""
        for name, versions in self.subscription.unreadable().items():
            handled = [t.version for t in self.subscription.data_types if t.name == name]
            log(
                logger,
                logging.WARNING,
                "consumer cannot read these versions; their records will be dead-lettered",
                data_type=name,
                versions=",".join(f"v{version}" for version in versions),
                handlers=",".join(f"v{version}" for version in sorted(handled)),
            )

    async def _consume(self, consumer: confluent_kafka.Consumer, processor: RecordProcessor) -> None:
        own = self.consumer_settings
        sampled = progress_at = time.monotonic()
        done_since_progress = 0
        while not self._stopping.is_set():
            messages = await asyncio.to_thread(consumer.consume, own.batch_size, own.poll_timeout_s)
            for message in messages:
                if self._stopping.is_set():
                    break
                if (error := message.error()) is not None:
                    _client_error(error)
                    continue
                record = RawRecord.from_message(message)
                outcome = await processor.process(record)
                if not outcome.done:
                    break
                self._offsets.done(record.topic, record.partition, record.offset)
                done_since_progress += 1
            if self._offsets.due():
                await asyncio.to_thread(self._commit, consumer, self._offsets.take(), "interval")
            now = time.monotonic()
            if now - sampled >= _SAMPLE_INTERVAL_S:
                sampled = now
                self._sample_lag(consumer)
            if now - progress_at >= _PROGRESS_INTERVAL_S:
                log(
                    logger,
                    logging.INFO,
                    "consumer progress",
                    records=done_since_progress,
                    per_s=round(done_since_progress / (now - progress_at), 1),
                    partitions=len(self._assignment),
                )
                progress_at, done_since_progress = now, 0

    def _config(self) -> dict[str, str | int | float | bool]:
        own = self.consumer_settings
        config: dict[str, str | int | float | bool] = {
            **consumer_config(self.settings, own.group_id),
            "auto.offset.reset": own.auto_offset_reset,
            "session.timeout.ms": own.session_timeout_ms,
            "heartbeat.interval.ms": own.heartbeat_interval_ms,
            "max.poll.interval.ms": own.max_poll_interval_ms,
            "enable.auto.offset.store": False,
        }
        if "client.id" not in self.settings.kafka_client_config:
            config["client.id"] = "loom-consumer"
        return config

    def _create_dead_letter_topic(self) -> None:
        TopicAdmin(self.settings).create(
            [
                DesiredTopic(
                    self.dead_letter_topic,
                    self.settings.kafka_default_partitions,
                    self.settings.kafka_default_replication_factor,
                    {},
                )
            ]
        )

    def _commit(
        self, consumer: confluent_kafka.Consumer, offsets: list[confluent_kafka.TopicPartition], reason: str
    ) -> bool:
        """Commit ``offsets`` (blocking); a failed commit stays pending and is tried again later."""
        if not offsets:
            return True
        try:
            results = consumer.commit(offsets=offsets, asynchronous=False)
        except confluent_kafka.KafkaException as error:
            self._commit_failed(offsets, reason, str(error.args[0]))
            return False
        failed = [result for result in results if result.error is not None]
        if failed:
            self._commit_failed(failed, reason, str(failed[0].error))
            return False
        self.metrics.commits.labels("ok").inc()
        log(
            logger,
            logging.DEBUG,
            "offsets committed",
            reason=reason,
            offsets=",".join(f"{o.topic}/{o.partition}@{o.offset}" for o in offsets),
        )
        return True

    def _commit_failed(self, offsets: list[confluent_kafka.TopicPartition], reason: str, error: str) -> None:
        self.metrics.commits.labels("failed").inc()
        # Only still-assigned partitions are worth another try; the others' new owner reads
        # from the last committed offset (records read twice, none lost).
        self._offsets.restore(o for o in offsets if (o.topic, o.partition) in self._assignment)
        log(logger, logging.WARNING, "offset commit failed", reason=reason, error=error)

    # Rebalance callbacks: librdkafka calls them on the polling thread, inside consume(), so
    # never while a record is being processed.

    def _on_assign(
        self, _consumer: confluent_kafka.Consumer, partitions: list[confluent_kafka.TopicPartition]
    ) -> None:
        self._assignment |= {(p.topic, p.partition) for p in partitions}
        self.metrics.assigned_partitions.set(len(self._assignment))
        self.metrics.rebalances.labels("assigned").inc()
        log(logger, logging.INFO, "partitions assigned", partitions=_names(partitions))

    def _on_revoke(
        self, consumer: confluent_kafka.Consumer, partitions: list[confluent_kafka.TopicPartition]
    ) -> None:
        revoked = [(p.topic, p.partition) for p in partitions]
        self._commit(consumer, self._offsets.take(revoked), "revoke")
        self._release(revoked, "revoked")
        log(logger, logging.INFO, "partitions revoked", partitions=_names(partitions))

    def _on_lost(
        self, _consumer: confluent_kafka.Consumer, partitions: list[confluent_kafka.TopicPartition]
    ) -> None:
        self._release([(p.topic, p.partition) for p in partitions], "lost")
        log(logger, logging.WARNING, "partitions lost; not committed", partitions=_names(partitions))

    def _release(self, partitions: list[tuple[str, int]], kind: str) -> None:
        self._offsets.forget(partitions)
        self._assignment -= set(partitions)
        for topic, partition in partitions:
            with contextlib.suppress(KeyError):  # never sampled
                self.metrics.lag.remove(topic, str(partition))
        self.metrics.assigned_partitions.set(len(self._assignment))
        self.metrics.rebalances.labels(kind).inc()

    def _sample_lag(self, consumer: confluent_kafka.Consumer) -> None:
        for topic, partition in list(self._assignment):
            position = self._offsets.position(topic, partition)
            try:
                _low, high = consumer.get_watermark_offsets(
                    confluent_kafka.TopicPartition(topic, partition), cached=True
                )
            except confluent_kafka.KafkaException:
                continue
            if high < 0:
                continue
            if position is None:  # nothing processed yet here: the committed offset is unknown
                continue
            self.metrics.lag.labels(topic, str(partition)).set(max(0, high - position))


async def run_until_signalled(consumer: ReadingConsumer) -> None:
    """``consumer.run()``, stopped gracefully on SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for number in signals:
        loop.add_signal_handler(number, consumer.stop)
    try:
        await consumer.run()
    finally:
        for number in signals:
            loop.remove_signal_handler(number)


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _client_error(error: confluent_kafka.KafkaError) -> None:
    if error.fatal():
        raise ConsumerError(f"fatal consumer error: {error.str()}")
    log(logger, logging.WARNING, "consumer error", error=error.str())


def _names(partitions: list[confluent_kafka.TopicPartition]) -> str:
    return ",".join(f"{p.topic}/{p.partition}" for p in partitions)
