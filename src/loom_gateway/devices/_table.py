"""The registry topic materialised in memory, and the queries GET /devices answers from it.

Compaction is the broker's business and may not happen (Tansu never compacts): the table
keeps the latest record per key, whatever the topic still holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from loom_gateway.devices._document import Device, is_active
from loom_gateway.errors import InvalidQuery

__all__ = ["MAX_LIMIT", "DeviceQuery", "DeviceTable"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class DeviceTable:
    """The latest device per key, as consumed from the topic, overlaid with this replica's own
    acknowledged writes until the consumer reaches them (read-your-writes).

    The consumer thread calls ``consumed``; request handlers call the rest. An overlay entry is
    dropped when its own record (recognised by its write id) comes back from the topic: records
    consumed before it are older and must not hide it, records after it are newer and replace it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._consumed: dict[str, Device] = {}
        self._written: dict[str, tuple[str, Device]] = {}

    def consumed(self, key: str, device: Device | None, write_id: str | None) -> None:
        """The next record of the topic; None is a tombstone (the device is forgotten)."""
        with self._lock:
            # Update the consumed state before dropping the overlay, so lock-free readers
            # (``get``) never see the older value in between.
            if device is None:
                self._consumed.pop(key, None)
            else:
                self._consumed[key] = device
            written = self._written.get(key)
            if written is not None and written[0] == write_id:
                del self._written[key]

    def written(self, key: str, device: Device, write_id: str) -> None:
        """A write of this replica that Kafka acknowledged and the consumer has not reached yet."""
        with self._lock:
            self._written[key] = (write_id, device)

    def get(self, key: str) -> Device | None:
        """Lock-free: it is on ingestion's hot path (the device gate)."""
        written = self._written.get(key)
        if written is not None:
            return written[1]
        return self._consumed.get(key)

    def devices(self) -> list[Device]:
        with self._lock:
            latest = dict(self._consumed)
            latest.update((key, device) for key, (_, device) in self._written.items())
        return list(latest.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._consumed.keys() | self._written.keys())


@dataclass(frozen=True, slots=True)
class DeviceQuery:
    """GET /devices: filters, then a page of the devices in registration order."""

    device_type: str | None = None
    service_name: str | None = None
    is_active: bool = True
    """Deleted devices are listed only when asked for with ``is_active=false``."""
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @classmethod
    def parse(cls, parameters: Mapping[str, str]) -> DeviceQuery:
        """From query parameters; unknown parameters are ignored, bad values raise InvalidQuery."""
        return cls(
            device_type=parameters.get("device_type"),
            service_name=parameters.get("service_name"),
            is_active=_boolean(parameters, "is_active", default=True),
            limit=_integer(parameters, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT),
            offset=_integer(parameters, "offset", 0, low=0, high=None),
        )

    def select(self, devices: Iterable[Device], key_field: str) -> list[Device]:
        matching = [
            device
            for device in devices
            if is_active(device) is self.is_active
            and (self.device_type is None or device.get("device_type") == self.device_type)
            and (self.service_name is None or device.get("service_name") == self.service_name)
        ]
        matching.sort(key=lambda device: (str(device.get("created_at") or ""), str(device[key_field])))
        return matching[self.offset : self.offset + self.limit]


def _boolean(parameters: Mapping[str, str], name: str, *, default: bool) -> bool:
    value = parameters.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidQuery(f"{name} must be true or false, not {value!r}", name)


def _integer(parameters: Mapping[str, str], name: str, default: int, *, low: int, high: int | None) -> int:
    value = parameters.get(name)
    if value is None:
        return default
    number = int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None
    if number is None or number < low or (high is not None and number > high):
        within = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InvalidQuery(f"{name} must be a whole number {within}, not {value!r}", name)
    return number
