"""An optional window of recently handled ``loom.message_id`` values, so a redelivered reading
(a gateway retry published twice, or a record read again after a rebalance) reaches its handler
once. In memory and per consumer: handlers must still be idempotent across restarts and rebalances.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["SeenMessages"]

SeenKey = tuple[str, str]
"""(topic, message id)."""


class SeenMessages:
    def __init__(
        self, window_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window_s = window_s
        self._max_entries = max_entries
        self._clock = clock
        self._expiry: OrderedDict[SeenKey, float] = OrderedDict()

    def seen(self, key: SeenKey) -> bool:
        """Whether a reading with this id was handled within the window."""
        self._expire()
        return key in self._expiry

    def remember(self, key: SeenKey) -> None:
        self._expiry[key] = self._clock() + self._window_s
        self._expiry.move_to_end(key)
        while len(self._expiry) > self._max_entries:
            self._expiry.popitem(last=False)

    def _expire(self) -> None:
        now = self._clock()
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[key]

    def __len__(self) -> int:
        return len(self._expiry)
