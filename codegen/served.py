"""The paths the gateway serves: every declared path at ``/v<N>/…`` for each version of its data
type, and unversioned for the version the lock pins it to (``codegen.pins``).

So ``v1`` and ``v2`` of a data type coexist: clients pinned to a version keep their path, and
the unversioned path stays where it was until ``python -m codegen promote`` moves it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from codegen.spec import DataTypeSpec

__all__ = ["ServedPath", "Serving", "served_dispatches", "served_routes", "served_streams", "versioned"]

Serving = Mapping[str, DataTypeSpec]
"""The version serving each unversioned path (``codegen.pins.serving``); a path missing here is
served by its newest version."""


@dataclass(frozen=True, slots=True)
class ServedPath:
    path: str
    spec: DataTypeSpec
    declared: str
    """The path the schema declares (``path`` without its version prefix, if any)."""


def versioned(path: str, version: int) -> str:
    return f"/v{version}{path}"


def served_routes(specs: Iterable[DataTypeSpec], serving: Serving | None = None) -> list[ServedPath]:
    return _served(specs, lambda spec: spec.routes, serving or {})


def served_streams(specs: Iterable[DataTypeSpec], serving: Serving | None = None) -> list[ServedPath]:
    return _served(specs, lambda spec: spec.streams, serving or {})


def served_dispatches(specs: Iterable[DataTypeSpec], serving: Serving | None = None) -> list[ServedPath]:
    return _served(
        specs,
        lambda spec: [spec.dispatch.route] if spec.dispatch is not None else [],
        serving or {},
    )


def _served(
    specs: Iterable[DataTypeSpec], declared: Callable[[DataTypeSpec], Iterable[str]], serving: Serving
) -> list[ServedPath]:
    """Every path served for the paths ``declared`` by each spec, sorted by path."""
    claimants: defaultdict[str, list[DataTypeSpec]] = defaultdict(list)
    for spec in specs:
        for path in declared(spec):
            claimants[path].append(spec)
    paths = []
    for path, versions in claimants.items():
        chosen = serving.get(path)
        if chosen is None or chosen not in versions:
            chosen = max(versions, key=lambda spec: spec.version)
        paths.append(ServedPath(path, chosen, path))
        paths += [ServedPath(versioned(path, spec.version), spec, path) for spec in versions]
    return sorted(paths, key=lambda served_path: served_path.path)
