"""A bounded set of keys that each expire a fixed time after they were last added."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from itertools import repeat
from typing import Generic, TypeVar

__all__ = ["ExpiringKeys"]

K = TypeVar("K", bound=Hashable)

_COALESCE_S = 1.0
"""Keys added within this long of a batch's start join it (and keep its generation): one batch
per second of single readings, not one per request. A key is then remembered up to this much
longer than the window, never shorter."""


class _Batch(Generic[K]):
    """Keys added together: they expire together, oldest batch first."""

    __slots__ = ("expires", "generation", "keys", "readded", "started")

    def __init__(self, generation: int, started: float, expires: float, keys: list[K]) -> None:
        self.generation = generation
        self.started = started
        self.expires = expires
        self.keys = keys
        self.readded = False
        """Whether a key of this batch was added again since (to a later batch): then each key is
        checked when the batch goes; otherwise they simply go."""


class ExpiringKeys(Generic[K]):
    """Keys remembered for ``window_s``; beyond ``max_entries`` the oldest are forgotten first.

    A plain dict of key → the generation of the batch that last added it, and the batches in
    the order they were added. Adding a batch and forgetting one are a few C calls however many
    keys they hold; a key added again takes the new generation, and its entry in the older batch
    is skipped when that batch goes. (An OrderedDict linked each key on its own: 11.5 MB for a
    window of 100,000 ids against 4.7 now, not counting the ids themselves.)
    """

    def __init__(
        self, window_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window_s = window_s
        self._max_entries = max_entries
        self._clock = clock
        self._generation_of: dict[K, int] = {}
        self._batches: deque[_Batch[K]] = deque()
        self._batch_of: dict[int, _Batch[K]] = {}
        self._generations = 0
        self._head = 0
        """Keys of the oldest batch already forgotten (beyond the bound), from its start."""

    def add(self, key: K) -> None:
        self.add_all((key,))

    def add_all(self, keys: Iterable[K]) -> None:
        """Several keys at once (one clock read), each as young as the window allows."""
        keys = list(keys)
        if not keys:
            return
        if len(set(keys)) != len(keys):
            keys = list(dict.fromkeys(reversed(keys)))[::-1]  # each where it was added last
        now = self._clock()
        generation_of, batches = self._generation_of, self._batches
        readded = self._readded(keys)
        newest = batches[-1] if batches else None
        # A batch holds a key once: one added again starts a batch of its own.
        if newest is None or now - newest.started >= _COALESCE_S or newest.generation in readded:
            self._generations += 1
            newest = _Batch(self._generations, now, now + self._window_s, [])
            batches.append(newest)
            self._batch_of[newest.generation] = newest
        newest.keys.extend(keys)
        newest.expires = now + self._window_s
        generation_of.update(dict.fromkeys(keys, newest.generation))
        if len(generation_of) > self._max_entries:
            self._forget_beyond_the_bound()

    def _readded(self, keys: list[K]) -> set[int]:
        """The generations of the keys remembered already (rare), their batches marked."""
        generation_of = self._generation_of
        if generation_of.keys().isdisjoint(keys):
            return set()
        generations = {generation_of[key] for key in keys if key in generation_of}
        for generation in generations:
            self._batch_of[generation].readded = True
        return generations

    def expire(self) -> None:
        """Forget what is older than the window (the batches are in expiry order)."""
        batches = self._batches
        now = self._clock()
        while batches and batches[0].expires <= now:
            self._forget(batches.popleft(), None)

    def _forget(self, batch: _Batch[K], end: int | None) -> None:
        """The batch's keys from the head to ``end`` (None: all of them, and the batch goes)."""
        keys = batch.keys[self._head : end]
        generation_of = self._generation_of
        if batch.readded:
            generation = batch.generation
            for key in keys:
                if generation_of.get(key) == generation:
                    del generation_of[key]
        else:
            deque(map(generation_of.pop, keys, repeat(None)), maxlen=0)  # every one, at C speed
        if end is None:
            del self._batch_of[batch.generation]
            self._head = 0
        else:
            self._head = end

    def _forget_beyond_the_bound(self) -> None:
        generation_of, batches = self._generation_of, self._batches
        while len(generation_of) > self._max_entries:
            oldest = batches[0]
            excess = len(generation_of) - self._max_entries
            end = self._head + excess
            if end >= len(oldest.keys):
                self._forget(batches.popleft(), None)
            else:
                self._forget(oldest, end)

    def has_any(self, keys: Iterable[object]) -> bool:
        """Whether any of these keys is remembered: one C call for a whole request's keys."""
        return not self._generation_of.keys().isdisjoint(keys)

    def __contains__(self, key: object) -> bool:
        return key in self._generation_of

    def __len__(self) -> int:
        return len(self._generation_of)
