"""The compatibility gate: a schema tree against its lock of released schemas.

Every schema in the lock is released; a file not in the lock is unreleased and free to change
until ``python -m codegen release`` records it. A released schema may change by additions only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from codegen import naming
from codegen.bundle import bundle, registry_for
from codegen.compat.classify import classify
from codegen.compat.findings import Change, Finding
from codegen.compat.lock import Lock, Released
from codegen.compat.normalise import digest, normalise
from codegen.tree import ANNOTATION, SchemaTree

__all__ = ["GateReport", "ReleasePlan", "gate", "next_step", "normal_forms", "plan_release"]

Normal = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class GateReport:
    findings: tuple[Finding, ...]
    """Every classified change to a released schema, additions included, in path and pointer order."""
    current: Mapping[str, Normal]
    """The normal form of every schema in the tree, by path."""
    released: Mapping[str, Released]

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.change.allowed_in_a_release)

    @property
    def additions(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.change.allowed_in_a_release)

    @property
    def unreleased(self) -> tuple[str, ...]:
        return tuple(sorted(self.current.keys() - self.released.keys()))

    @property
    def unchanged(self) -> tuple[str, ...]:
        return tuple(
            path
            for path, entry in sorted(self.released.items())
            if path in self.current and digest(self.current[path]) == entry.sha256
        )


@dataclass(frozen=True, slots=True)
class ReleasePlan:
    released: Mapping[str, Released]
    """The lock's entries after the release (the old ones when it is refused)."""
    recorded: tuple[tuple[str, str], ...]
    """(path, what happened) for every entry written."""
    refused: tuple[Finding, ...]


def normal_forms(tree: SchemaTree) -> dict[str, Normal]:
    """Bundled, annotated and normalised: what the lock would record for each file of a linted tree."""
    registry = registry_for(tree.files)
    forms: dict[str, Normal] = {}
    for file in tree.files:
        document = bundle(file, registry)
        if file.is_data_type:
            document[ANNOTATION] = file.document[ANNOTATION]
        forms[str(file.path)] = normalise(document)
    return forms


def gate(tree: SchemaTree, lock: Lock) -> GateReport:
    current = normal_forms(tree)
    findings: list[Finding] = []
    for path, entry in sorted(lock.released.items()):
        if path not in current:
            message = "a released schema was removed: clients and consumers still use it."
            findings.append(Finding(path, "", Change.BREAKING, message))
        elif digest(current[path]) != entry.sha256:
            deltas = classify(normalise(entry.schema), current[path])
            findings.extend(Finding.at(path, delta) for delta in deltas)
    return GateReport(tuple(findings), current, lock.released)


def plan_release(
    report: GateReport,
    selected: Collection[str] | None = None,
    *,
    revision: bool = False,
    today: str | None = None,
) -> ReleasePlan:
    """Record ``selected`` paths (default: every schema); refused, all or nothing, when any of them
    changed by more than additions. With ``revision``, revisions (never breaking changes) are
    recorded too, in place: each revised file's ``revision`` goes up by one (SchemaVer's
    MODEL-REVISION), so readers can tell the releases apart. ``today`` (an ISO date) is recorded as
    a newly released file's ``released_on``."""
    scope = set(selected) if selected is not None else report.current.keys() | report.released.keys()
    refused = tuple(
        finding
        for finding in report.failures
        if finding.path in scope and not (revision and finding.change is Change.REVISION)
    )
    if refused:
        return ReleasePlan(report.released, (), refused)
    released = dict(report.released)
    recorded: list[tuple[str, str]] = []
    for path in sorted(scope & report.current.keys()):
        entry = Released(path, digest(report.current[path]), report.current[path], released_on=today)
        if path not in released:
            recorded.append((path, "released"))
        elif entry.sha256 != released[path].sha256:
            found = [finding for finding in report.findings if finding.path == path]
            old = released[path].revision
            if any(finding.change is Change.REVISION for finding in found):
                entry = Released(path, entry.sha256, entry.schema, old + 1, released[path].released_on)
                recorded.append(
                    (path, f"revision recorded: {entry.schemaver} (was {released[path].schemaver})")
                )
            else:
                entry = Released(path, entry.sha256, entry.schema, old, released[path].released_on)
                recorded.append((path, "additions recorded" if found else "normal form refreshed"))
        else:
            continue
        released[path] = entry
    return ReleasePlan(released, tuple(recorded), ())


def next_step(path: str, report: GateReport, root: str = "") -> str:
    """What to do instead of changing the released ``path``; paths shown under ``root``."""
    prefix = f"{root}/" if root else ""
    if path not in report.current:
        return "restore it: a released schema stays while clients and consumers use it."
    released = PurePosixPath(path)
    siblings = (PurePosixPath(other) for other in report.current)
    newest = max((other for other in siblings if other.parent == released.parent), key=naming.version_of)
    if naming.version_of(newest) > naming.version_of(released) and str(newest) not in report.released:
        return f"revert the change, and make it in {prefix}{newest}, which is not released yet."
    return f"revert the change, and add {prefix}{released.parent / f'v{naming.version_of(newest) + 1}.json'}."
