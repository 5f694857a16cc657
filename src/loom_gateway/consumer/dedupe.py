"""An optional window of recently handled ``loom.message_id`` values, so a redelivered reading
(a gateway retry published twice, or a record read again after a rebalance) reaches its handler
once. In memory and per consumer: handlers must still be idempotent across restarts and rebalances.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from loom_gateway.expiring import ExpiringKeys

__all__ = ["SeenMessages"]

SeenKey = tuple[str, str]
"""(topic, message id)."""


class SeenMessages:
    def __init__(
        self, window_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._keys: ExpiringKeys[SeenKey] = ExpiringKeys(window_s, max_entries, clock)

    def seen(self, key: SeenKey) -> bool:
        """Whether a reading with this id was handled within the window."""
        self._keys.expire()
        return key in self._keys

    def remember(self, key: SeenKey) -> None:
        self._keys.add(key)

    def __len__(self) -> int:
        return len(self._keys)
