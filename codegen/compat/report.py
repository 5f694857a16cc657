"""The gate's findings as text for a person: what passed, what failed, and what to do."""

from __future__ import annotations

from collections.abc import Iterable

from codegen.compat.findings import Change, Finding
from codegen.compat.gate import GateReport, ReleasePlan, next_step
from codegen.compat.lock import Lock
from codegen.tree import ANNOTATION

__all__ = ["describe_failures", "describe_gate", "describe_release"]

RELEASE = "`python -m codegen release`"


def describe_gate(report: GateReport, lock: Lock, root: str) -> str:
    """Additions and the summary: printed whether or not the gate passed."""
    lines = [_shown(finding, root) for finding in report.additions]
    if not lock.exists:
        lines.append(
            f"released schemas: none (no lock at {lock.file}); every schema is free to change until {RELEASE}"
        )
        return _text(lines)
    summary = f"released schemas: {len(report.unchanged)} unchanged"
    pending = sorted({finding.path for finding in report.additions} - {f.path for f in report.failures})
    if pending:
        summary += f", {len(pending)} with additions to record with {RELEASE}"
    lines.append(summary)
    if report.unreleased:
        names = ", ".join(f"{root}/{path}" for path in report.unreleased)
        lines.append(f"unreleased (free to change until {RELEASE}): {names}")
    return _text(lines)


def describe_failures(failures: Iterable[Finding], report: GateReport, root: str) -> str:
    """Why the gate failed, every finding, and for each file what to do instead."""
    failures = tuple(failures)
    if not failures:
        return ""
    lines = [f"compatibility gate: {len(failures)} change(s) to released schemas are not additions:"]
    lines.extend(f"  {_shown(finding, root)}" for finding in failures)
    if all(finding.change is Change.REVISION for finding in failures):
        lines.append(
            "Only revisions: when every reading they refuse could never be meaningful (a date that "
            "does not exist), `python -m codegen release --revision` records them in place as each "
            "file's next revision."
        )
    lines.append('Released schemas are immutable except for additions (schemas/README.md, "Compatibility"):')
    paths = sorted({finding.path for finding in failures})
    lines.extend(f"  {root}/{path}: {next_step(path, report, root)}" for path in paths)
    shared = [path for path in paths if path in report.current and ANNOTATION not in report.current[path]]
    if shared:
        lines.append(
            f"A change to shared definitions ({', '.join(shared)}) reaches every data type that refers "
            "to them: reverting it there clears them all."
        )
    return _text(lines)


def describe_release(plan: ReleasePlan, lock: Lock, root: str) -> str:
    if not plan.recorded:
        return f"{lock.file}: nothing to release; every selected schema is recorded as it is\n"
    lines = (f"{root}/{path}: {what}" for path, what in plan.recorded)
    return _text([*lines, f"wrote {lock.file}"])


def _shown(finding: Finding, root: str) -> str:
    return f"{root}/{finding}"


def _text(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)
