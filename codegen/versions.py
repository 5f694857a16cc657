"""What the versions of each data type mean for one another: which can read which (the gate's
reader compatibility, ``codegen.compat.readers``), and which version succeeds which once released.

Both are generated into the catalog: the consumer library delivers a record written as vN to a
vM handler when vM reads vN, and answers on a version with a released successor carry
``Deprecation`` and ``Link: <…>; rel="successor-version"``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from codegen.compat.lock import Released
from codegen.compat.readers import readable
from codegen.served import versioned
from codegen.spec import DataTypeSpec

__all__ = ["Successor", "by_name", "reads", "successors"]


@dataclass(frozen=True, slots=True)
class Successor:
    spec: DataTypeSpec
    since: int
    """When it was released (the start of that day, UTC, in seconds since the epoch): RFC 9745's
    deprecation date of its predecessors."""

    def path(self, declared: str) -> str | None:
        """Where the successor takes what ``declared`` took, if it declares that path."""
        paths = (
            *self.spec.routes,
            *self.spec.streams,
            *([self.spec.dispatch.route] if self.spec.dispatch else []),
        )
        return versioned(declared, self.spec.version) if declared in paths else None


def by_name(specs: Iterable[DataTypeSpec]) -> dict[str, list[DataTypeSpec]]:
    """The versions of each data type, oldest first."""
    grouped: defaultdict[str, list[DataTypeSpec]] = defaultdict(list)
    for spec in specs:
        grouped[spec.name].append(spec)
    return {name: sorted(versions, key=lambda spec: spec.version) for name, versions in grouped.items()}


def reads(specs: Iterable[DataTypeSpec]) -> dict[str, tuple[int, ...]]:
    """By constant: the other versions of its data type whose every reading it accepts."""
    found: dict[str, tuple[int, ...]] = {}
    for versions in by_name(specs).values():
        for reader in versions:
            found[reader.constant] = tuple(
                written.version
                for written in versions
                if written is not reader and readable(reader.bundled, written.bundled)
            )
    return found


def successors(specs: Iterable[DataTypeSpec], released: Mapping[str, Released]) -> dict[str, Successor]:
    """By constant: the newest released later version of its data type, when the lock dates its
    release (an unreleased version is free to change, so nobody is sent to it yet)."""
    found: dict[str, Successor] = {}
    for versions in by_name(specs).values():
        dated = [
            (spec, released[str(spec.path)].released_on)
            for spec in versions
            if str(spec.path) in released and released[str(spec.path)].released_on
        ]
        if not dated:
            continue
        newest, day = dated[-1]
        assert day is not None
        since = int(datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.UTC).timestamp())
        for spec in versions:
            if spec.version < newest.version:
                found[spec.constant] = Successor(newest, since)
    return found
