"""Reading topics back in tests, without trusting watermarks (Tansu reports them wrong)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import confluent_kafka

__all__ = ["ConsumedRecord", "read_topic"]


@dataclass(frozen=True, slots=True)
class ConsumedRecord:
    topic: str
    partition: int
    key: bytes | None
    value: bytes
    headers: dict[str, bytes]


def read_topic(
    bootstrap_servers: str, topic: str, *, expected: int | None = None, timeout_s: float = 20.0
) -> list[ConsumedRecord]:
    """Every record on ``topic``: all partitions assigned from the beginning, read to end-of-partition.

    With ``expected``, keeps reading until at least that many arrived (or the timeout), then
    on to the end of every partition, so extra records (duplicates) are seen too.
    """
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": f"loom-tests-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
            # An empty fetch otherwise waits 500 ms at the broker: each end of partition would
            # cost that (about a second per read of an empty topic). Not lower: at 10 ms Tansu
            # answered nothing at all for a topic of 900,000 records in small batches (the
            # benchmark's), where 100 ms reads them in 8 s.
            "fetch.wait.max.ms": 100,
        }
    )
    try:
        deadline = time.monotonic() + timeout_s
        # A topic its writer has not created yet (a dead-letter topic, made on first produce) has no
        # partitions: when records are expected, ask again until it has, or nothing would be assigned.
        partitions = sorted(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
        while not partitions and expected and time.monotonic() < deadline:
            time.sleep(0.1)
            partitions = sorted(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
        consumer.assign(
            [confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING) for p in partitions]
        )
        records: list[ConsumedRecord] = []
        at_end: set[int] = set()
        while time.monotonic() < deadline:
            if len(at_end) == len(partitions) and (expected is None or len(records) >= expected):
                break
            message = consumer.poll(0.2)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() == confluent_kafka.KafkaError._PARTITION_EOF:
                    at_end.add(message.partition())
                    continue
                raise AssertionError(f"consuming {topic}: {error}")
            at_end.discard(message.partition())
            records.append(
                ConsumedRecord(
                    topic=message.topic(),
                    partition=message.partition(),
                    key=message.key(),
                    value=message.value(),
                    headers={name: value for name, value in (message.headers() or [])},
                )
            )
        return records
    finally:
        consumer.close()
