"""Offsets to commit: per partition, the one after the last record that is done with.

Records are processed one at a time, in the order of their partition, so "done" only ever
moves forward and committing it never skips a record that was not handled (at-least-once).
Commits are batched: due after ``max_records`` records or ``interval_s`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import confluent_kafka

__all__ = ["OffsetTracker", "Partition"]

Partition = tuple[str, int]


class OffsetTracker:
    def __init__(
        self, interval_s: float, max_records: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval_s = interval_s
        self._max_records = max_records
        self._clock = clock
        self._pending: dict[Partition, int] = {}
        self._positions: dict[Partition, int] = {}
        self._records = 0
        self._last_commit = clock()

    def done(self, topic: str, partition: int, offset: int) -> None:
        """The record at ``offset`` is handled (or dead-lettered): commit up to it."""
        self._pending[(topic, partition)] = self._positions[(topic, partition)] = offset + 1
        self._records += 1

    def due(self) -> bool:
        if not self._pending:
            return False
        return self._records >= self._max_records or self._clock() - self._last_commit >= self._interval_s

    def take(self, partitions: Iterable[Partition] | None = None) -> list[confluent_kafka.TopicPartition]:
        """The offsets to commit (of ``partitions`` only, when given), no longer pending."""
        chosen = list(self._pending) if partitions is None else [p for p in partitions if p in self._pending]
        offsets = [
            confluent_kafka.TopicPartition(topic, partition, self._pending.pop((topic, partition)))
            for topic, partition in chosen
        ]
        if partitions is None:
            self._records = 0
            self._last_commit = self._clock()
        return offsets

    def restore(self, offsets: Iterable[confluent_kafka.TopicPartition]) -> None:
        """Offsets whose commit failed, pending again unless a later one is pending now."""
        for offset in offsets:
            key = (offset.topic, offset.partition)
            self._pending[key] = max(self._pending.get(key, offset.offset), offset.offset)

    def forget(self, partitions: Iterable[Partition]) -> None:
        """Partitions revoked (after their commit) or lost (without one): no longer ours."""
        for partition in partitions:
            self._pending.pop(partition, None)
            self._positions.pop(partition, None)

    def position(self, topic: str, partition: int) -> int | None:
        """The offset after the last record done with on that partition, committed or not."""
        return self._positions.get((topic, partition))
