from __future__ import annotations

import confluent_kafka

from loom_gateway.consumer import RawRecord


def test_a_client_message_becomes_a_raw_record() -> None:
    message = confluent_kafka.Message(
        topic="t",
        partition=2,
        offset=41,
        key=b"device-1",
        value=b"{}",
        headers=[("loom.message_id", b"first"), ("x", "text"), ("loom.message_id", b"last"), ("n", None)],
        timestamp=(confluent_kafka.TIMESTAMP_CREATE_TIME, 1_700_000_000_000),
    )
    record = RawRecord.from_message(message)
    assert (record.topic, record.partition, record.offset, record.key, record.value) == (
        "t",
        2,
        41,
        b"device-1",
        b"{}",
    )
    assert record.headers[1] == ("x", b"text")
    assert record.message_id == "last"  # repeated headers: the last one counts
    assert record.header("n") is None
    assert record.header("absent") is None
    assert record.timestamp_ms == 1_700_000_000_000
