"""Device activity: what each replica counted, and the sum over replicas.

Every replica counts the readings it accepted per device and data type (``ActivityCounter``,
on ingestion's hot path: a few dict operations under a lock held for nothing else) and writes
each changed device's running totals as one slot record, keyed ``<device_id>/<replica_id>``.
A slot is cumulative, so the latest record of each slot is all that matters; GET
/devices/activity sums the latest slot of every replica.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["ActivityCounter", "Slot", "SlotTable", "summarise"]


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

    def __init__(self, replica_id: str) -> None:
        self.replica_id = replica_id
        self._lock = threading.Lock()
        self._counts: dict[str, dict[str, int]] = {}
        self._last_seen: dict[str, float] = {}
        self._changed: set[str] = set()

    def seen(self, readings: Mapping[str, int], data_type: str, at: float) -> None:
        """Accepted readings of ``data_type`` (qualified name) at ``at`` (epoch seconds), by device
        id: a request's devices under one lock."""
        with self._lock:
            for device_id, count in readings.items():
                counts = self._counts.get(device_id)
                if counts is None:
                    counts = self._counts[device_id] = {}
                counts[data_type] = counts.get(data_type, 0) + count
                if at > self._last_seen.get(device_id, 0.0):
                    self._last_seen[device_id] = at
                self._changed.add(device_id)

    def seed(self, slot: Slot) -> None:
        """Carry on from a slot this replica id wrote before (a restart with a fixed replica id)."""
        with self._lock:
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
        with self._lock:
            return [self._slot(device_id) for device_id in self._counts]

    def _slot(self, device_id: str) -> Slot:
        return Slot(
            device_id, self.replica_id, _timestamp(self._last_seen[device_id]), dict(self._counts[device_id])
        )


class SlotTable:
    """The activity topic materialised: the latest slot per key (filled by the consumer thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, Slot] = {}

    def consumed(self, key: str, slot: Slot | None) -> None:
        with self._lock:
            if slot is None:
                self._slots.pop(key, None)
            else:
                self._slots[key] = slot

    def slots(self) -> list[Slot]:
        with self._lock:
            return list(self._slots.values())


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
