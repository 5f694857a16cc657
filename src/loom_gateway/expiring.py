"""A bounded set of keys that each expire a fixed time after they were last added."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

__all__ = ["ExpiringKeys"]

K = TypeVar("K", bound=Hashable)


class ExpiringKeys(Generic[K]):
    """Keys remembered for ``window_s``; beyond ``max_entries`` the oldest are forgotten first."""

    def __init__(
        self, window_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window_s = window_s
        self._max_entries = max_entries
        self._clock = clock
        self._expiry: OrderedDict[K, float] = OrderedDict()

    def add(self, key: K) -> None:
        self.add_all((key,))

    def add_all(self, keys: Iterable[K]) -> None:
        """Several keys at once (one clock read), each as young as the window allows."""
        expires = self._clock() + self._window_s
        expiry = self._expiry
        for key in keys:
            if key in expiry:
                expiry.move_to_end(key)
            expiry[key] = expires
        while len(expiry) > self._max_entries:
            expiry.popitem(last=False)

    def expire(self) -> None:
        """Forget what is older than the window (insertion order is expiry order)."""
        now = self._clock()
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                return
            del self._expiry[key]

    def __contains__(self, key: object) -> bool:
        return key in self._expiry

    def __len__(self) -> int:
        return len(self._expiry)
