"""How far a topic tail has read each partition, and waiting (on the event loop) until it has
read up to given offsets: the registry's read-your-writes across replicas.

The tail's thread reports each partition's position (the offset of the next record it will hand
over) after each chunk of fetched records it handed over; request handlers wait for targets. The
tail pays a lock and a dict update per partition and chunk; the event loop is woken only when a
waiter's targets are met.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Partition", "ReadPositions"]

Partition = tuple[str, int]
"""A topic's name and a partition number."""


@dataclass(slots=True, eq=False)  # found by identity
class _Waiter:
    targets: Mapping[Partition, int]
    future: asyncio.Future[None]


class ReadPositions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._positions: dict[Partition, int] = {}
        self._waiters: list[_Waiter] = []

    def advanced(self, topic: str, partition: int, position: int) -> None:
        """On the tail's thread: every record before ``position`` was handed over."""
        key = (topic, partition)
        with self._lock:
            if position <= self._positions.get(key, -1):
                return
            self._positions[key] = position
            if not self._waiters:
                return
            met = [waiter for waiter in self._waiters if self._reached(waiter.targets)]
            for waiter in met:
                self._waiters.remove(waiter)
        for waiter in met:
            waiter.future.get_loop().call_soon_threadsafe(_settle, waiter.future)

    def partitions(self, topic: str) -> list[Partition]:
        """The partitions of ``topic`` the tail has reported on (all of them once it caught up)."""
        with self._lock:
            return sorted(key for key in self._positions if key[0] == topic)

    def position(self, topic: str, partition: int) -> int | None:
        with self._lock:
            return self._positions.get((topic, partition))

    async def reached(self, targets: Mapping[Partition, int], timeout_s: float) -> bool:
        """Whether the tail reads every partition of ``targets`` up to its offset within ``timeout_s``."""
        with self._lock:
            if self._reached(targets):
                return True
            waiter = _Waiter(dict(targets), asyncio.get_running_loop().create_future())
            self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.future, timeout_s)
        except TimeoutError:
            return False
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return True

    def _reached(self, targets: Mapping[Partition, int]) -> bool:
        return all(self._positions.get(key, -1) >= offset for key, offset in targets.items())


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
