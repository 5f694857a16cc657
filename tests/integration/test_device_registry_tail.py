"""loom_gateway.devices._tail against the broker: a record batch is handed over as a whole, so the
position a read waits for (the topic's end) is passed for every record of the batch at once.

Tansu reports a partition's end as its last batch's base offset + 1: a read that waited only for
that offset must still see the batch's later records. Batches of several records come from
producers other than the gateway (its device writes are one record in flight)."""

from __future__ import annotations

import threading
import time
import uuid

import confluent_kafka
import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from loom_gateway.devices._tail import TopicTail

pytestmark = pytest.mark.kafka

BATCHES = 4
RECORDS_PER_BATCH = 5


def test_a_batch_of_several_records_is_handed_over_before_its_position_is_reported(
    kafka_bootstrap_servers: str,
) -> None:
    topic = f"tail-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap_servers})
    for future in admin.create_topics([NewTopic(topic, 1, 1)]).values():
        future.result(timeout=10)
    handled: list[int] = []
    reports: list[tuple[int, int]] = []  # (position, records handed over when it was reported)
    caught_up = threading.Event()
    failures: list[str] = []
    tail = TopicTail(
        {"bootstrap.servers": kafka_bootstrap_servers, "group.id": f"tail-{topic}"},
        {topic: lambda message: handled.append(int(message.offset() or 0))},
        on_caught_up=caught_up.set,
        on_failure=failures.append,
        on_position=lambda _topic, _partition, position: reports.append((position, len(handled))),
    )
    tail.start()
    try:
        assert caught_up.wait(30), failures
        # Lingering, so that each flush sends its records as one batch.
        producer = confluent_kafka.Producer({"bootstrap.servers": kafka_bootstrap_servers, "linger.ms": 200})
        for batch in range(1, BATCHES + 1):
            for record in range(RECORDS_PER_BATCH):
                producer.produce(topic, b"value", f"key-{record}".encode())
            assert producer.flush(10) == 0
            deadline = time.monotonic() + 30
            while reports[-1][0] < batch * RECORDS_PER_BATCH:
                assert not failures, failures
                assert time.monotonic() < deadline, reports
                time.sleep(0.01)
    finally:
        tail.stop(10)

    assert handled == list(range(BATCHES * RECORDS_PER_BATCH))
    # Every reported position came after every record before it was handed over, and none fell inside
    # a batch: a read waiting for a batch's base offset + 1 sees the whole batch.
    assert all(position <= count for position, count in reports), reports
    assert {position for position, _ in reports} <= set(
        range(0, BATCHES * RECORDS_PER_BATCH + 1, RECORDS_PER_BATCH)
    )
