"""Names derived from schema paths: one place, so every generated artefact agrees."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

__all__ = [
    "VERSION_FILE",
    "constant_name",
    "data_type_name",
    "module_path",
    "normalise_class_name",
    "retention_ms",
    "version_of",
]

# Used with fullmatch: "$" would also match before a trailing newline.
VERSION_FILE = re.compile(r"v([1-9][0-9]*)\.json")
SEGMENT = re.compile(r"[a-z][a-z0-9_]*")

_DAY_MS = 24 * 60 * 60 * 1000
_HOUR_MS = 60 * 60 * 1000
_RETENTION = re.compile(r"P(?:(?P<days>[0-9]+)D|T(?P<hours>[0-9]+)H)")


def version_of(path: PurePosixPath) -> int:
    match = VERSION_FILE.fullmatch(path.name)
    if match is None:
        raise ValueError(f"{path} is not named v<N>.json")
    return int(match.group(1))


def data_type_name(path: PurePosixPath) -> str:
    """``device/sensor/gps/v1.json`` → ``device.sensor.gps``."""
    return ".".join(path.parent.parts)


def constant_name(path: PurePosixPath) -> str:
    """``device/sensor/gps/v1.json`` → ``DEVICE_SENSOR_GPS_V1``."""
    return "_".join((*path.parent.parts, f"v{version_of(path)}")).upper()


def module_path(path: PurePosixPath) -> str:
    """The dotted module datamodel-code-generator writes for a schema file."""
    return ".".join((*path.parent.parts, path.stem))


def normalise_class_name(name: str) -> str:
    """Compare a title with a class name: ``GPS reading`` and ``GPSReading`` agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def retention_ms(duration: str) -> int:
    """``P30D`` → 2592000000; ``PT12H`` → 43200000."""
    match = _RETENTION.fullmatch(duration)
    if match is None:
        raise ValueError(f"{duration!r} is not a duration in whole days (P30D) or hours (PT12H)")
    if match.group("days") is not None:
        return int(match.group("days")) * _DAY_MS
    return int(match.group("hours")) * _HOUR_MS
