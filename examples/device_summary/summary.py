"""Per-device summaries of GPS and heart-rate readings (no Kafka here: just the arithmetic)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from loom_catalog.models.device.health.heartrate.v1 import HeartRateReading
from loom_catalog.models.device.sensor.gps.v1 import GPSReading

__all__ = ["DeviceSummary", "Summaries"]

_EARTH_RADIUS_M = 6_371_000.0


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass
class DeviceSummary:
    fixes: int = 0
    distance_m: float = 0.0
    last_position: tuple[float, float] | None = None
    beats: list[int] = field(default_factory=list)

    def add_fix(self, reading: GPSReading) -> None:
        position = (reading.latitude, reading.longitude)
        if self.last_position is not None:
            self.distance_m += distance_m(self.last_position, position)
        self.last_position = position
        self.fixes += 1

    def add_heart_rate(self, reading: HeartRateReading) -> None:
        self.beats.append(reading.bpm)

    def line(self, device_id: str) -> str:
        where = (
            "-" if self.last_position is None else f"{self.last_position[0]:.5f},{self.last_position[1]:.5f}"
        )
        if self.beats:
            bpm = f"{min(self.beats)}/{sum(self.beats) / len(self.beats):.0f}/{max(self.beats)}"
        else:
            bpm = "-"
        return (
            f"{device_id:<38} {self.fixes:>6} {self.distance_m / 1000:>9.2f} {where:>22} "
            f"{len(self.beats):>6} {bpm:>12}"
        )


class Summaries:
    """Every device seen so far. Counts are at-least-once: a reading delivered twice (after a
    crash before its commit) counts twice unless the dedupe window caught it."""

    def __init__(self) -> None:
        self.devices: dict[str, DeviceSummary] = {}

    def of(self, device_id: str) -> DeviceSummary:
        return self.devices.setdefault(device_id, DeviceSummary())

    def table(self) -> str:
        header = f"{'device':<38} {'fixes':>6} {'km':>9} {'last position':>22} "
        header += f"{'beats':>6} {'bpm min/avg/max':>12}"
        rows = [self.devices[device].line(device) for device in sorted(self.devices)]
        return "\n".join([header, *rows] if rows else [header, "(no readings yet)"])
