"""The compatibility gate: released schemas may change by additions only.

``normalise`` turns a bundled schema into the normal form the lock stores; ``classify`` compares
two normal forms keyword by keyword; ``gate`` compares a tree with its lock; ``report`` says what
it found. The rules are documented in schemas/README.md ("Compatibility").
"""

from codegen.compat.classify import classify
from codegen.compat.findings import Change, Delta, Finding
from codegen.compat.gate import GateReport, ReleasePlan, gate, normal_forms, plan_release
from codegen.compat.lock import Lock, LockUnusable, Released, lock_path_for, read_lock, render_lock
from codegen.compat.normalise import digest, normalise

__all__ = [
    "Change",
    "Delta",
    "Finding",
    "GateReport",
    "Lock",
    "LockUnusable",
    "ReleasePlan",
    "Released",
    "classify",
    "digest",
    "gate",
    "lock_path_for",
    "normal_forms",
    "normalise",
    "plan_release",
    "read_lock",
    "render_lock",
]
