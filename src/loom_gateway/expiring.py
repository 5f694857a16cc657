"""A bounded set of keys that each expire a fixed time after they were last added."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

__all__ = ["ExpiringKeys"]

K = TypeVar("K", bound=Hashable)

_COALESCE_S = 1.0
"""Keys added within this long of a batch's start join it (and keep its generation): one batch
per second of single readings, not one per request. A key is then remembered up to this much
longer than the window, never shorter."""


class _Batch(Generic[K]):
    """Keys added together: they expire together, oldest batch first."""

    __slots__ = ("expires", "generation", "keys", "started")

    def __init__(self, generation: int, started: float, expires: float, keys: list[K]) -> None:
        self.generation = generation
        self.started = started
        self.expires = expires
        self.keys = keys


class ExpiringKeys(Generic[K]):
    """Keys remembered for ``window_s``; beyond ``max_entries`` the oldest are forgotten first.

    A plain dict of key → the generation of the batch that last added it, and the batches in
    the order they were added. Adding a batch is two C calls however many keys it holds; a key
    added again simply takes the new generation, and its entry in the older batch is skipped
    when that batch goes. (An OrderedDict moved each key on its own: about 0.3 µs per key,
    and more memory per key.)
    """

    def __init__(
        self, window_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window_s = window_s
        self._max_entries = max_entries
        self._clock = clock
        self._generation_of: dict[K, int] = {}
        self._batches: deque[_Batch[K]] = deque()
        self._generations = 0
        self._head = 0
        """Keys of the oldest batch already forgotten (beyond the bound), from its start."""

    def add(self, key: K) -> None:
        self.add_all((key,))

    def add_all(self, keys: Iterable[K]) -> None:
        """Several keys at once (one clock read), each as young as the window allows."""
        keys = list(keys)
        now = self._clock()
        batches = self._batches
        newest = batches[-1] if batches else None
        if newest is not None and now - newest.started < _COALESCE_S:
            newest.keys.extend(keys)
            newest.expires = now + self._window_s
            self._generation_of.update(dict.fromkeys(keys, newest.generation))
        else:
            self._generations += 1
            batches.append(_Batch(self._generations, now, now + self._window_s, keys))
            self._generation_of.update(dict.fromkeys(keys, self._generations))
        if len(self._generation_of) > self._max_entries:
            self._forget_beyond_the_bound()

    def expire(self) -> None:
        """Forget what is older than the window (the batches are in expiry order)."""
        batches = self._batches
        now = self._clock()
        generation_of = self._generation_of
        while batches and batches[0].expires <= now:
            batch = batches.popleft()
            generation = batch.generation
            for key in batch.keys[self._head :]:
                if generation_of.get(key) == generation:
                    del generation_of[key]
            self._head = 0

    def _forget_beyond_the_bound(self) -> None:
        generation_of = self._generation_of
        while len(generation_of) > self._max_entries:
            batch = self._batches[0]
            key = batch.keys[self._head]
            self._head += 1
            if generation_of.get(key) == batch.generation:
                del generation_of[key]
            if self._head == len(batch.keys):
                self._batches.popleft()
                self._head = 0

    def has_any(self, keys: Iterable[object]) -> bool:
        """Whether any of these keys is remembered: one C call for a whole request's keys."""
        return not self._generation_of.keys().isdisjoint(keys)

    def __contains__(self, key: object) -> bool:
        return key in self._generation_of

    def __len__(self) -> int:
        return len(self._generation_of)
