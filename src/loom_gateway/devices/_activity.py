"""Device activity: what each replica counted, and the sum over replicas.

Every replica counts the readings it accepted per device and data type (``ActivityCounter``,
on ingestion's hot path: a few dict operations under a lock held for nothing else) and writes
each changed device's running totals as one slot record, keyed ``<device_id>/<replica_id>``.
A slot is cumulative, so the latest record of each slot is all that matters; GET
/devices/activity sums the latest slot of every replica.

What is kept is bounded (LOOM_DEVICE_ACTIVITY_MAX_DEVICES, ``max_entries`` here): a process counts
at most that many devices and keeps at most that many slots of the topic; beyond, the one idle
longest (seen, or consumed, longest ago) is forgotten. A forgotten device that sends again carries
on from its slot when the slot table still has it; otherwise its count in this process's slot
starts again from its return (the other processes' slots are unaffected).

The sum over every slot is worked out in a worker thread, at most once per ``max_age_s``, and
shared by the requests of that time (``ActivitySummary``): ingestion on the event loop never waits
for a walk over every device, and clients polling the endpoint cost one walk a second between them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["ActivityCounter", "ActivitySummary", "Slot", "SlotTable", "summarise"]

DEFAULT_MAX_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class Slot:
    """One replica's totals for one device."""

    device_id: str
    replica_id: str
    last_seen_at: str
    counts: Mapping[str, int]

    @property
    def key(self) -> str:
        return f"{self.device_id}/{self.replica_id}"

    def as_record(self) -> dict[str, Any]:
        return {
            "slot": self.key,
            "device_id": self.device_id,
            "replica_id": self.replica_id,
            "last_seen_at": self.last_seen_at,
            "counts": dict(sorted(self.counts.items())),
        }


class ActivityCounter:
    """This replica's counts, and which devices changed since they were last written."""

    def __init__(
        self,
        replica_id: str,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        recall: Callable[[str], Slot | None] = lambda _: None,
    ) -> None:
        """``recall``: this replica's last written slot of a device it no longer counts (forgotten
        as the idlest), so that its counts carry on."""
        self.replica_id = replica_id
        self._max_entries = max_entries
        self._recall = recall
        self._lock = threading.Lock()
        # In the order devices were last seen: the first is the idlest.
        self._counts: OrderedDict[str, dict[str, int]] = OrderedDict()
        self._last_seen: dict[str, float] = {}
        self._changed: set[str] = set()

    def seen(self, readings: Mapping[str, int], data_type: str, at: float) -> None:
        """Accepted readings of ``data_type`` (qualified name) at ``at`` (epoch seconds), by device
        id: a request's devices under one lock."""
        with self._lock:
            for device_id, count in readings.items():
                counts = self._counts.get(device_id)
                if counts is None:
                    counts = self._counts[device_id] = self._recalled(device_id)
                else:
                    self._counts.move_to_end(device_id)
                counts[data_type] = counts.get(data_type, 0) + count
                if at > self._last_seen.get(device_id, 0.0):
                    self._last_seen[device_id] = at
                self._changed.add(device_id)
            while len(self._counts) > self._max_entries:
                idlest, _ = self._counts.popitem(last=False)
                del self._last_seen[idlest]
                # Written at most a flush interval ago unless this many devices sent since.
                self._changed.discard(idlest)

    def _recalled(self, device_id: str) -> dict[str, int]:
        """A device new to the counter: its slot's counts when this replica wrote one before."""
        slot = self._recall(device_id)
        if slot is None:
            return {}
        self._last_seen[device_id] = _epoch(slot.last_seen_at)
        return dict(slot.counts)

    def seed(self, slot: Slot) -> None:
        """Carry on from a slot this replica id wrote before (a restart with a fixed replica id)."""
        with self._lock:
            if slot.device_id not in self._counts and len(self._counts) >= self._max_entries:
                return  # recalled if the device sends again
            counts = self._counts.setdefault(slot.device_id, {})
            for data_type, count in slot.counts.items():
                counts[data_type] = counts.get(data_type, 0) + count
            at = _epoch(slot.last_seen_at)
            if at > self._last_seen.get(slot.device_id, 0.0):
                self._last_seen[slot.device_id] = at

    def drain(self) -> list[Slot]:
        """The slots of the devices that changed since the last drain; they count as unchanged now."""
        with self._lock:
            changed, self._changed = self._changed, set()
            return [self._slot(device_id) for device_id in sorted(changed)]

    def changed_again(self, device_ids: Iterable[str]) -> None:
        """Drained slots that could not be written: write them (their latest totals) next time."""
        with self._lock:
            self._changed.update(device_ids)

    def slots(self) -> list[Slot]:
        """Every device's slot. Only the copy of the two tables holds the lock (a C-level copy, no
        Python per device): ingestion's ``seen`` does not wait for the walk."""
        with self._lock:
            counts = list(self._counts.items())
            last_seen = dict(self._last_seen)
        # dict() of one device's counts is atomic under the GIL, whatever ``seen`` does meanwhile.
        return [
            Slot(device_id, self.replica_id, _timestamp(last_seen[device_id]), dict(device_counts))
            for device_id, device_counts in counts
        ]

    def _slot(self, device_id: str) -> Slot:
        return Slot(
            device_id, self.replica_id, _timestamp(self._last_seen[device_id]), dict(self._counts[device_id])
        )

    def __len__(self) -> int:
        return len(self._counts)


class SlotTable:
    """The activity topic materialised: the latest slot per key (filled by the consumer thread),
    at most ``max_entries`` of them; beyond, the slot consumed longest ago is forgotten (slots
    are written when they change, so that is the idlest)."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._slots: OrderedDict[str, Slot] = OrderedDict()

    def consumed(self, key: str, slot: Slot | None) -> None:
        with self._lock:
            if slot is None:
                self._slots.pop(key, None)
                return
            self._slots[key] = slot
            self._slots.move_to_end(key)
            if len(self._slots) > self._max_entries:
                self._slots.popitem(last=False)

    def get(self, key: str) -> Slot | None:
        return self._slots.get(key)

    def slots(self) -> list[Slot]:
        with self._lock:
            return list(self._slots.values())

    def __len__(self) -> int:
        return len(self._slots)


@dataclass(frozen=True, slots=True)
class _Summary:
    at: float
    devices: list[dict[str, Any]]
    """Ordered by device id."""
    by_id: dict[str, dict[str, Any]]


class ActivitySummary:
    """``summarise`` over the current slots, worked out off the event loop and shared for ``max_age_s``."""

    def __init__(self, slots: Callable[[], list[Slot]], max_age_s: float = 1.0) -> None:
        self._slots = slots
        self._max_age_s = max_age_s
        self._latest: _Summary | None = None
        self._lock = asyncio.Lock()

    async def page(
        self, limit: int, offset: int, device_ids: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Devices ``offset`` to ``offset + limit`` in device id order; of ``device_ids`` only, when given."""
        summary = await self._current()
        if device_ids is None:
            return summary.devices[offset : offset + limit]
        mine = [summary.by_id[device_id] for device_id in sorted(device_ids) if device_id in summary.by_id]
        return mine[offset : offset + limit]

    async def _current(self) -> _Summary:
        async with self._lock:  # concurrent requests wait for one walk, not one each
            latest = self._latest
            if latest is None or time.monotonic() - latest.at >= self._max_age_s:
                latest = self._latest = await asyncio.to_thread(self._summarise)
            return latest

    def _summarise(self) -> _Summary:
        devices = summarise(self._slots())
        return _Summary(time.monotonic(), devices, {entry["device_id"]: entry for entry in devices})


def summarise(slots: Iterable[Slot]) -> list[dict[str, Any]]:
    """Per device, ordered by id: the latest last_seen_at and the counts summed over slots."""
    last_seen: dict[str, tuple[float, str]] = {}
    counts: dict[str, dict[str, int]] = {}
    for slot in slots:
        at = _epoch(slot.last_seen_at)
        if slot.device_id not in last_seen or at > last_seen[slot.device_id][0]:
            last_seen[slot.device_id] = (at, slot.last_seen_at)
        totals = counts.setdefault(slot.device_id, {})
        for data_type, count in slot.counts.items():
            totals[data_type] = totals.get(data_type, 0) + count
    return [
        {
            "device_id": device_id,
            "last_seen_at": last_seen[device_id][1],
            "counts": dict(sorted(counts[device_id].items())),
            "total": sum(counts[device_id].values()),
        }
        for device_id in sorted(counts)
    ]


def _timestamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp).timestamp()
