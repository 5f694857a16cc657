"""The rollout order of each new version, in sentences: ``check``, ``release``, ``promote`` and
``nox -s predeploy`` print them.

A version is new while the unversioned paths of its data type still serve an older one. For each,
three sentences: can existing writers keep posting to the unversioned path (yes: it is pinned;
and whether ``promote`` would be allowed), can existing readers read its records, and so the order
to deploy in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from codegen.compat.lock import Lock
from codegen.compat.readers import readable
from codegen.pins import serving
from codegen.spec import DataTypeSpec
from codegen.versions import by_name

__all__ = ["promote_verdict", "rollout_sentences"]

PROMOTE = "python -m codegen promote"


def rollout_sentences(specs: Iterable[DataTypeSpec], lock: Lock) -> list[str]:
    specs = list(specs)
    served = serving(specs, lock.unversioned, lock.released.keys())
    lines: list[str] = []
    for name, versions in sorted(by_name(specs).items()):
        paths_of: defaultdict[int, list[str]] = defaultdict(list)
        for path, spec in served.items():
            if spec.name == name:
                paths_of[spec.version].append(path)
        for old_version, paths in sorted(paths_of.items()):
            old = next(spec for spec in versions if spec.version == old_version)
            for new in (spec for spec in versions if spec.version > old.version):
                lines.extend(_sentences(old, new, sorted(paths)))
    return lines


def promote_verdict(old: DataTypeSpec, new: DataTypeSpec) -> str | None:
    """Why promoting the unversioned path from ``old`` to ``new`` would refuse bodies; None: it would not."""
    verdict = readable(new.bundled, old.bundled)
    return None if verdict else verdict.reason


def _sentences(old: DataTypeSpec, new: DataTypeSpec, paths: list[str]) -> list[str]:
    name, was, now = old.name, f"v{old.version}", f"v{new.version}"
    where = ", ".join(paths)
    refused = promote_verdict(old, new)
    promote = f"`{PROMOTE} {name} {new.version}`"
    if refused is None:
        after = f"promoting then is safe: every {was} body is a valid {now} body"
    else:
        after = f"the gate refuses to promote, as some {was} bodies are invalid under {now} ({refused})"
    writers = (
        f"{name} {now}, writers: existing clients keep posting to {where}, which stays on {was} "
        f"until {promote}; {after}."
    )
    old_reads_new = readable(old.bundled, new.bundled)
    if old_reads_new:
        readers = (
            f"{name} {now}, readers: existing {was} handlers read {now} records "
            f"(every {now} reading is a valid {was} reading)."
        )
    else:
        readers = (
            f"{name} {now}, readers: existing {was} handlers cannot read {now} records "
            f"({old_reads_new.reason}); consumers with no handler that reads them dead-letter them."
        )
    if old_reads_new:
        order = f"either: gateway or consumers first (existing consumers read {now} as {was})"
        if refused is not None:
            order += (
                f"; a consumer moving to a {now} handler keeps its {was} handler while {was} records remain"
            )
    elif refused is None:
        order = (
            f"consumers first: deploy consumers with a {now} handler (it reads {was} records too), "
            "then the gateway"
        )
    else:
        order = (
            f"make it a new data type ({was} and {now} cannot read each other's readings); or deploy "
            f"consumers with both a {was} and a {now} handler first, then the gateway, and never promote"
        )
    return [writers, readers, f"{name} {now}, rollout order: {order}."]
