"""Recognising retries in a worker's memory: a reading whose (topic, device, message_id) this worker
already published is not published again within a window.

Per worker: without the shared state store (``loom_gateway.state``), a retry that reaches another
worker or replica (or this one after a restart) is published again; with it, this is the fallback while
the store does not answer. A message id is its device's: another device's reading with the same id is
a reading of its own. Only client-sent ids are remembered (the gateway's own are unique).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from itertools import repeat

from loom_gateway.errors import LoomError
from loom_gateway.expiring import ExpiringKeys

__all__ = ["DedupeKey", "RecentMessages", "dedupe_key"]

DedupeKey = str
"""``topic:len(device id):device id:message_id``, one string (see ``dedupe_key``)."""


def dedupe_key(topic: str, device_id: str, message_id: str) -> DedupeKey:
    """One string, not a tuple of three: a window of 100,000 ids took 31 MB per worker as tuples and
    20 as strings. Topic names hold no ':'; the device id's length keeps it apart from the message id."""
    return f"{topic}:{len(device_id)}:{device_id}:{message_id}"


class RecentMessages:
    """Message ids acknowledged within the window, and those still waiting for Kafka."""

    def __init__(
        self, window_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._acknowledged: ExpiringKeys[DedupeKey] = ExpiringKeys(window_s, max_entries, clock)
        # A future only once a retry waits for the first attempt: rare, so made on demand.
        self._in_flight: dict[DedupeKey, asyncio.Future[LoomError | None] | None] = {}

    def acknowledged(self, key: DedupeKey) -> bool:
        """Whether Kafka has it (as of the last ``expire``)."""
        return key in self._acknowledged

    def in_flight(self, key: DedupeKey) -> asyncio.Future[LoomError | None] | None:
        """The first attempt's outcome, when it is still being published."""
        if key not in self._in_flight:
            return None
        future = self._in_flight[key]
        if future is None:
            future = self._in_flight[key] = asyncio.get_running_loop().create_future()
        return future

    def claim(self, keys: Sequence[DedupeKey | None]) -> dict[int, asyncio.Future[LoomError | None] | None]:
        """One request's readings (their keys; None: not to be checked): the retries among them,
        by index, each with its first attempt's outcome (None when Kafka has it already). The
        others are started: a retry arriving meanwhile waits for them. One call per request."""
        acknowledged, in_flight = self._acknowledged, self._in_flight
        checked = list(filter(None, keys))  # keys are never ""
        fresh = dict.fromkeys(checked)
        if (
            len(fresh) == len(checked)
            and in_flight.keys().isdisjoint(fresh)
            and not acknowledged.has_any(fresh)
        ):
            # No retry among them, the common case: a few C calls for the whole request.
            in_flight.update(fresh)
            return {}
        retries: dict[int, asyncio.Future[LoomError | None] | None] = {}
        for index, key in enumerate(keys):
            if key is None:
                continue
            if key in acknowledged:
                retries[index] = None
            elif key in in_flight:
                retries[index] = self.in_flight(key)
            else:
                in_flight[key] = None
        return retries

    def finish_all(self, outcomes: list[tuple[DedupeKey | None, LoomError | None]]) -> None:
        """The outcomes of one request's first attempts (keys None: ids the gateway made, not kept):
        remembered when Kafka has them, forgotten otherwise; waiting retries are told."""
        if not outcomes:
            return
        keys, errors = zip(*outcomes, strict=True)
        if errors.count(None) != len(errors):
            self._finish_one_by_one(outcomes)
            return
        # Every one acknowledged, the common case: C-level iteration only (keys are never "").
        acknowledged = list(filter(None, keys))
        waiters = list(map(self._in_flight.pop, acknowledged, repeat(None)))
        if waiters.count(None) != len(waiters):
            for future in waiters:
                if future is not None and not future.done():
                    future.set_result(None)
        self._acknowledged.add_all(acknowledged)

    def _finish_one_by_one(self, outcomes: list[tuple[DedupeKey | None, LoomError | None]]) -> None:
        pop = self._in_flight.pop
        acknowledged: list[DedupeKey] = []
        for key, error in outcomes:
            if key is None:
                continue
            future = pop(key, None)
            if future is not None and not future.done():
                future.set_result(error)
            if error is None:
                acknowledged.append(key)
        if acknowledged:
            self._acknowledged.add_all(acknowledged)

    def expire(self) -> None:
        """Forget what is older than the window: once per request, not per reading."""
        self._acknowledged.expire()
