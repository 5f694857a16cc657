from __future__ import annotations

from confluent_kafka import TopicPartition

from loom_gateway.consumer.offsets import OffsetTracker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def committed(offsets: list[TopicPartition]) -> set[tuple[str, int, int]]:
    return {(o.topic, o.partition, o.offset) for o in offsets}


def test_the_offset_after_the_last_record_done_is_committed_per_partition() -> None:
    tracker = OffsetTracker(interval_s=1.0, max_records=100, clock=Clock())
    tracker.done("t", 0, 5)
    tracker.done("t", 0, 6)
    tracker.done("t", 1, 2)
    assert committed(tracker.take()) == {("t", 0, 7), ("t", 1, 3)}
    assert tracker.take() == []
    assert tracker.position("t", 0) == 7


def test_commits_are_due_after_the_interval_or_enough_records() -> None:
    clock = Clock()
    tracker = OffsetTracker(interval_s=1.0, max_records=3, clock=clock)
    assert not tracker.due()
    tracker.done("t", 0, 0)
    assert not tracker.due()
    clock.now = 1.0
    assert tracker.due()
    tracker.take()
    for offset in range(1, 4):
        tracker.done("t", 0, offset)
    assert tracker.due()


def test_revoked_partitions_are_taken_alone_and_lost_ones_forgotten() -> None:
    tracker = OffsetTracker(interval_s=1.0, max_records=100, clock=Clock())
    tracker.done("t", 0, 1)
    tracker.done("t", 1, 1)
    tracker.done("t", 2, 1)
    assert committed(tracker.take([("t", 0), ("t", 9)])) == {("t", 0, 2)}
    tracker.forget([("t", 1)])
    assert tracker.position("t", 1) is None
    assert committed(tracker.take()) == {("t", 2, 2)}


def test_a_failed_commit_is_pending_again_unless_overtaken() -> None:
    tracker = OffsetTracker(interval_s=1.0, max_records=100, clock=Clock())
    tracker.done("t", 0, 1)
    failed = tracker.take()
    tracker.done("t", 1, 4)
    tracker.restore(failed)
    assert committed(tracker.take()) == {("t", 0, 2), ("t", 1, 5)}
    tracker.done("t", 0, 9)
    tracker.restore([TopicPartition("t", 0, 2)])
    assert committed(tracker.take()) == {("t", 0, 10)}
