"""Which version of its data type each unversioned path serves.

The lock records it (``unversioned`` in schemas.lock.json): adding ``v2`` adds ``/v2/…`` paths
and leaves ``/sensor/gps`` where it was, so clients posting to it keep being answered as before.
Only ``python -m codegen promote`` moves a recorded path. A path the lock does not record yet is
served by the newest released version that declares it, or, when none is released (nothing was
promised to anyone), by the newest version; ``release`` then records it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from codegen.compat.lock import Pin
from codegen.spec import DataTypeSpec

__all__ = ["claimants", "default_pins", "serving"]


def claimants(specs: Iterable[DataTypeSpec]) -> dict[str, list[DataTypeSpec]]:
    """Every unversioned path (route, stream or dispatch route) and the versions declaring it."""
    declared: defaultdict[str, list[DataTypeSpec]] = defaultdict(list)
    for spec in specs:
        paths = (*spec.routes, *spec.streams, *([spec.dispatch.route] if spec.dispatch else []))
        for path in paths:
            declared[path].append(spec)
    return dict(declared)


def serving(
    specs: Iterable[DataTypeSpec], pins: Mapping[str, Pin], released: Collection[str]
) -> dict[str, DataTypeSpec]:
    """The version serving each unversioned path: the pinned one when the lock records it."""
    chosen: dict[str, DataTypeSpec] = {}
    for path, versions in claimants(specs).items():
        pin = pins.get(path)
        pinned = [spec for spec in versions if pin is not None and str(spec.path) == pin.schema]
        if pinned:
            chosen[path] = pinned[0]
            continue
        shipped = [spec for spec in versions if str(spec.path) in released]
        chosen[path] = max(shipped or versions, key=lambda spec: spec.version)
    return chosen


def default_pins(
    specs: Iterable[DataTypeSpec], pins: Mapping[str, Pin], released: Collection[str]
) -> dict[str, Pin]:
    """``pins`` with every path served by a released version recorded (what ``release`` writes)."""
    recorded = dict(pins)
    for path, spec in serving(specs, pins, released).items():
        if path not in recorded and str(spec.path) in released:
            recorded[path] = Pin(str(spec.path))
    return recorded
