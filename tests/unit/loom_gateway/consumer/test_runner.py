"""The run loop's offset handling around rebalances, with a stand-in for the Kafka client."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import KafkaError, KafkaException, TopicPartition

from loom_catalog import CATALOG
from loom_gateway.consumer import ConsumerError, Handlers, ReadingConsumer, load_consumer_settings
from loom_gateway.consumer.runner import _client_error
from loom_gateway.settings import Settings

TOPIC = "unit.device.sensor.gps.raw"


class FakeClient:
    """Records commits; ``fail`` makes the next one raise."""

    def __init__(self) -> None:
        self.commits: list[set[tuple[str, int, int]]] = []
        self.fail = False

    def commit(self, *, offsets: list[TopicPartition], asynchronous: bool) -> list[TopicPartition]:
        assert asynchronous is False
        if self.fail:
            self.fail = False
            raise KafkaException(KafkaError(KafkaError.REBALANCE_IN_PROGRESS))
        self.commits.append({(o.topic, o.partition, o.offset) for o in offsets})
        return offsets


def consumer(settings: Settings, **own: Any) -> ReadingConsumer:
    handlers = Handlers()

    async def ignore(_reading: Any) -> None:
        return None

    handlers.add("device.sensor.gps", 1, ignore)
    return ReadingConsumer(CATALOG, handlers, load_consumer_settings(group_id="g1", **own), settings)


def partitions(*numbers: int) -> list[TopicPartition]:
    return [TopicPartition(TOPIC, number) for number in numbers]


def test_a_revocation_commits_what_was_done_on_the_revoked_partitions_only(settings: Settings) -> None:
    reader, client = consumer(settings), FakeClient()
    kafka: Any = client
    reader._on_assign(kafka, partitions(0, 1, 2))
    reader._offsets.done(TOPIC, 0, 4)
    reader._offsets.done(TOPIC, 1, 9)

    reader._on_revoke(kafka, partitions(0, 2))

    assert client.commits == [{(TOPIC, 0, 5)}]
    assert reader.assignment == {(TOPIC, 1)}
    assert reader._offsets.take() == [TopicPartition(TOPIC, 1, 10)]
    assert reader.metrics.registry.get_sample_value("loom_consumer_assigned_partitions") == 1


def test_lost_partitions_are_forgotten_without_a_commit(settings: Settings) -> None:
    reader, client = consumer(settings), FakeClient()
    kafka: Any = client
    reader._on_assign(kafka, partitions(0))
    reader._offsets.done(TOPIC, 0, 4)

    reader._on_lost(kafka, partitions(0))

    assert client.commits == []
    assert reader.assignment == frozenset()
    assert reader._offsets.take() == []


def test_a_failed_commit_is_tried_again_for_partitions_still_held(settings: Settings) -> None:
    reader, client = consumer(settings), FakeClient()
    kafka: Any = client
    reader._on_assign(kafka, partitions(0))
    reader._offsets.done(TOPIC, 0, 4)
    client.fail = True

    assert not reader._commit(kafka, reader._offsets.take(), "interval")
    assert reader._commit(kafka, reader._offsets.take(), "interval")

    assert client.commits == [{(TOPIC, 0, 5)}]
    sample = reader.metrics.registry.get_sample_value
    assert sample("loom_consumer_commits_total", {"result": "failed"}) == 1
    assert sample("loom_consumer_commits_total", {"result": "ok"}) == 1


def test_topics_dead_letter_topic_and_client_settings(settings: Settings) -> None:
    reader = consumer(settings, session_timeout_ms=6000)
    assert reader.subscription.topics() == [TOPIC]
    assert reader.dead_letter_topic == "unit.g1.dead-letter"
    assert consumer(settings, dead_letter_topic="elsewhere").dead_letter_topic == "elsewhere"
    config = reader._config()
    assert config["group.id"] == "g1"
    assert config["enable.auto.commit"] is False
    assert config["session.timeout.ms"] == 6000
    assert config["client.id"] == "loom-consumer"
    assert config["auto.offset.reset"] == "earliest"


def test_stop_before_run_is_remembered(settings: Settings) -> None:
    reader = consumer(settings)
    reader.stop()
    assert reader._stopping.is_set()


@pytest.mark.parametrize("fatal", [True, False])
def test_client_errors_stop_the_consumer_only_when_fatal(fatal: bool) -> None:
    error = KafkaError(KafkaError._FATAL if fatal else KafkaError._TRANSPORT, "boom", fatal=fatal)
    if fatal:
        with pytest.raises(ConsumerError, match="fatal consumer error"):
            _client_error(error)
    else:
        _client_error(error)


def test_lag_is_the_high_watermark_minus_the_next_offset_to_process(settings: Settings) -> None:
    reader = consumer(settings)

    class Watermarks(FakeClient):
        def get_watermark_offsets(self, partition: TopicPartition, cached: bool) -> tuple[int, int]:
            assert cached  # no broker round trip from the loop
            return (0, 10) if partition.partition == 0 else (0, -1)

    kafka: Any = Watermarks()
    reader._on_assign(kafka, partitions(0, 1, 2))
    reader._offsets.done(TOPIC, 0, 6)
    reader._offsets.done(TOPIC, 1, 6)

    reader._sample_lag(kafka)

    sample = reader.metrics.registry.get_sample_value
    assert sample("loom_consumer_lag_records", {"topic": TOPIC, "partition": "0"}) == 3
    assert (
        sample("loom_consumer_lag_records", {"topic": TOPIC, "partition": "1"}) is None
    )  # unknown watermark
    assert sample("loom_consumer_lag_records", {"topic": TOPIC, "partition": "2"}) is None  # nothing done yet
    reader._on_revoke(kafka, partitions(0))
    assert sample("loom_consumer_lag_records", {"topic": TOPIC, "partition": "0"}) is None
