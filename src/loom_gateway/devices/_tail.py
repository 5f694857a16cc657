"""Following topics from their beginning, on a thread of their own.

Every partition is assigned (no consumer group is joined: joins are slow, and every replica
needs every record), read from the beginning to the end of the partition, which is when the
tail is caught up, and then followed for as long as it runs. End-of-partition comes from the
broker's fetch responses (``enable.partition.eof``), never from watermark offsets. Positions
(for readers waiting until the tail has read up to an offset) are reported after each chunk of
fetched records, so never inside a record batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence

import confluent_kafka

__all__ = ["TopicTail"]

logger = logging.getLogger(__name__)

_POLL_S = 0.1
_METADATA_TIMEOUT_S = 5.0
_RETRY_S = 1.0
_FETCH_WAIT_MS = 100
_CHUNK = 1000

Handler = Callable[[confluent_kafka.Message], None]


class TopicTail:
    """Hands each record of ``handlers``' topics to its handler, in offset order per partition.

    ``on_caught_up`` is called once, on the tail's thread, when every partition was read to its
    end; ``on_failure`` when the tail stops for good (a fatal client error or a handler's bug);
    ``on_position(topic, partition, offset)`` after each chunk of fetched records (whole record
    batches) was handed over, with the offset of the next record the tail will hand over.
    """

    def __init__(
        self,
        config: Mapping[str, str | int | float | bool],
        handlers: Mapping[str, Handler],
        *,
        on_caught_up: Callable[[], object],
        on_failure: Callable[[str], object],
        on_position: Callable[[str, int, int], object] = lambda topic, partition, offset: None,
        name: str = "topic-tail",
    ) -> None:
        self._config = {
            **config,
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
            # An idle fetch waits this long for records: it bounds how late other replicas'
            # writes show up here, and how long reading empty partitions to their end takes.
            "fetch.wait.max.ms": _FETCH_WAIT_MS,
        }
        self._handlers = dict(handlers)
        self._on_caught_up = on_caught_up
        self._on_failure = on_failure
        self._on_position = on_position
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float) -> None:
        """Blocking: ask the thread to finish and wait for it (and its consumer's close)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            consumer = confluent_kafka.Consumer(self._config)
        except confluent_kafka.KafkaException as error:
            self._on_failure(f"cannot create a consumer: {error}")
            return
        try:
            partitions = self._partitions(consumer)
            if partitions is None:
                return
            consumer.assign(
                [
                    confluent_kafka.TopicPartition(topic, partition, confluent_kafka.OFFSET_BEGINNING)
                    for topic, partition in partitions
                ]
            )
            self._follow(consumer, set(partitions))
        except Exception as error:
            # A bug in a handler, or a fatal client error: the materialised state stops being
            # current, which the registry reports as not-ready rather than serving it stale.
            logger.exception("%s stopped", self._thread.name)
            self._on_failure(f"{type(error).__name__}: {error}")
        finally:
            consumer.close()

    def _partitions(self, consumer: confluent_kafka.Consumer) -> Sequence[tuple[str, int]] | None:
        """Every partition of every topic, waiting until the broker knows them; None when stopped."""
        while not self._stopping.is_set():
            found: list[tuple[str, int]] = []
            missing: list[str] = []
            for topic in self._handlers:
                try:
                    metadata = consumer.list_topics(topic, timeout=_METADATA_TIMEOUT_S).topics.get(topic)
                except confluent_kafka.KafkaException as error:
                    missing.append(f"{topic} ({error.args[0].str()})")
                    continue
                if metadata is None or metadata.error is not None or not metadata.partitions:
                    missing.append(f"{topic} ({metadata.error if metadata is not None else 'unknown'})")
                    continue
                found += [(topic, partition) for partition in sorted(metadata.partitions)]
            if not missing:
                return found
            logger.warning("waiting for the partitions of %s", ", ".join(missing))
            self._stopping.wait(_RETRY_S)
        return None

    def _follow(self, consumer: confluent_kafka.Consumer, partitions: set[tuple[str, int]]) -> None:
        not_at_end = set(partitions)
        caught_up = False
        started = time.monotonic()
        while not self._stopping.is_set():
            # Everything the consumer has fetched so far: librdkafka queues a fetch response (whole
            # record batches) at once, so a batch is handed over, and its position reported, as a
            # whole. consume() waits for a full chunk until its timeout: wait for one message only.
            first = consumer.consume(1, _POLL_S)
            if not first:
                continue
            read: dict[tuple[str, int], int] = {}
            for message in [*first, *consumer.consume(_CHUNK, 0)]:
                key = (str(message.topic()), int(message.partition() or 0))
                offset = int(message.offset() or 0)
                error = message.error()
                if error is None:
                    self._handlers[key[0]](message)
                    read[key] = offset + 1
                elif error.code() == confluent_kafka.KafkaError._PARTITION_EOF:
                    # The end-of-partition event carries the offset the next record will have.
                    read[key] = max(read.get(key, 0), offset)
                    not_at_end.discard(key)
                elif error.fatal():
                    raise confluent_kafka.KafkaException(error)
                else:
                    # librdkafka retries these itself (broker down, leader moved…); it says so once.
                    logger.warning("%s: %s", self._thread.name, error.str())
            for (topic, partition), position in read.items():
                self._on_position(topic, partition, position)
            # After the positions: once caught up, every partition has one to wait for.
            if not caught_up and not not_at_end:
                caught_up = True
                logger.info(
                    "%s caught up with %d partition(s) in %.2fs",
                    self._thread.name,
                    len(partitions),
                    time.monotonic() - started,
                )
                self._on_caught_up()
