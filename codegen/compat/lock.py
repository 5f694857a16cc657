"""The lock of released schemas: reading it (every problem reported) and writing it (byte-stable).

It lives beside the schema tree it describes, named after it: ``schemas/`` → ``schemas.lock.json``
(inside the tree it would be read as a schema). One entry per released schema file: the SHA-256
of its normal form, and the normal form itself, so a later change can be classified; and, under
``unversioned``, which version each unversioned path serves (``python -m codegen promote`` moves
one, recording the reason when it was forced past the gate).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from codegen import naming
from codegen.compat.normalise import digest
from codegen.errors import CodegenError, SchemaProblem

__all__ = [
    "LOCK_FORMAT",
    "Lock",
    "LockUnusable",
    "Pin",
    "Released",
    "lock_path_for",
    "read_lock",
    "render_lock",
]

LOCK_FORMAT = 1
_ABOUT = (
    "Schemas released to clients and consumers, in normal form. Written by `python -m codegen release`, "
    "compared by `python -m codegen check`; do not edit by hand. See schemas/README.md, Compatibility."
)


@dataclass(frozen=True, slots=True)
class Released:
    path: str
    """Relative to the schema root, e.g. ``device/sensor/gps/v1.json``."""
    sha256: str
    schema: Mapping[str, Any]
    """The normal form (codegen.compat.normalise) of the schema as released."""
    revision: int = 0
    """How many revisions were released in place (``release --revision``): SchemaVer's
    MODEL-REVISION, the model being the file's ``v<N>``. Written only when not 0."""
    released_on: str | None = None
    """The day it was first released (ISO date), when ``release`` recorded it: a successor's
    release date is when its predecessor's answers start carrying ``Deprecation``."""

    @property
    def schemaver(self) -> str:
        """``<N>-<revision>``, e.g. ``1-1`` for v1.json revised once."""
        return f"{naming.version_of(PurePosixPath(self.path))}-{self.revision}"


@dataclass(frozen=True, slots=True)
class Pin:
    """The version an unversioned path serves: recorded by ``release`` (the version it served
    then) and moved only by ``promote``."""

    schema: str
    """The schema file serving it, relative to the schema root."""
    forced: str | None = None
    """Why ``promote --force`` moved it although some bodies valid before are refused now."""

    @property
    def version(self) -> int:
        return naming.version_of(PurePosixPath(self.schema))


@dataclass(frozen=True, slots=True)
class Lock:
    file: Path
    released: Mapping[str, Released]
    exists: bool
    unversioned: Mapping[str, Pin] = field(default_factory=dict)
    """By unversioned path (``/sensor/gps``)."""


class LockUnusable(CodegenError):
    """The lock cannot be trusted; every reason is listed."""

    def __init__(self, problems: Sequence[SchemaProblem]) -> None:
        self.problems = tuple(sorted(problems))
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) with the lock of released schemas:\n{lines}")


def lock_path_for(schema_root: Path) -> Path:
    """``schemas`` → ``schemas.lock.json``, beside the tree."""
    if not schema_root.name:  # "." or "/": name it after the directory itself
        schema_root = schema_root.resolve()
    return schema_root.with_name(f"{schema_root.name}.lock.json")


def read_lock(file: Path) -> Lock:
    """The lock at ``file``; an absent lock releases nothing."""
    if not file.exists():
        return Lock(file, {}, exists=False)
    name = file.name
    try:
        document = json.loads(file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LockUnusable([SchemaProblem(name, "", f"not valid JSON: {error}")]) from error
    if not isinstance(document, dict) or document.get("format") != LOCK_FORMAT:
        raise LockUnusable([SchemaProblem(name, "/format", f"must be an object of format {LOCK_FORMAT}")])
    entries = document.get("released")
    if not isinstance(entries, dict):
        raise LockUnusable([SchemaProblem(name, "/released", "must map schema paths to entries")])
    problems: list[SchemaProblem] = []
    released: dict[str, Released] = {}
    for path, entry in sorted(entries.items()):
        pointer = "/released/" + path.replace("~", "~0").replace("/", "~1")
        if not isinstance(entry, dict) or not (
            isinstance(entry.get("schema"), dict) and isinstance(entry.get("sha256"), str)
        ):
            problems.append(SchemaProblem(name, pointer, "an entry needs a sha256 and a schema"))
        elif not _is_revision(entry.get("revision", 0)):
            problems.append(SchemaProblem(name, f"{pointer}/revision", "must be a whole number, 0 or more"))
        elif digest(entry["schema"]) != entry["sha256"]:
            message = "the stored schema does not match its sha256: edited by hand? Restore it from git"
            problems.append(SchemaProblem(name, pointer, message))
        elif not isinstance(entry.get("released_on", ""), str):
            problems.append(SchemaProblem(name, f"{pointer}/released_on", "must be an ISO date"))
        else:
            released[path] = Released(
                path, entry["sha256"], entry["schema"], entry.get("revision", 0), entry.get("released_on")
            )
    unversioned = _pins(document.get("unversioned", {}), name, problems)
    if problems:
        raise LockUnusable(problems)
    return Lock(file, released, exists=True, unversioned=unversioned)


def _pins(entries: Any, name: str, problems: list[SchemaProblem]) -> dict[str, Pin]:
    if not isinstance(entries, dict):
        problems.append(SchemaProblem(name, "/unversioned", "must map unversioned paths to entries"))
        return {}
    pins: dict[str, Pin] = {}
    for path, entry in sorted(entries.items()):
        pointer = "/unversioned/" + path.replace("~", "~0").replace("/", "~1")
        schema = entry.get("schema") if isinstance(entry, dict) else None
        forced = entry.get("forced") if isinstance(entry, dict) else None
        if not isinstance(schema, str) or naming.VERSION_FILE.fullmatch(PurePosixPath(schema).name) is None:
            problems.append(
                SchemaProblem(name, pointer, "an entry needs the schema file (…/v<N>.json) it serves")
            )
        elif forced is not None and not isinstance(forced, str):
            problems.append(SchemaProblem(name, f"{pointer}/forced", "must be the reason, as text"))
        else:
            pins[path] = Pin(schema, forced)
    return pins


def render_lock(released: Mapping[str, Released], unversioned: Mapping[str, Pin] | None = None) -> str:
    """The lock file's text: sorted keys, two-space indent, a final newline, nothing variable."""
    document: dict[str, Any] = {
        "about": _ABOUT,
        "format": LOCK_FORMAT,
        "released": {path: _entry(entry) for path, entry in sorted(released.items())},
    }
    if unversioned:
        document["unversioned"] = {
            path: {"schema": pin.schema, **({"forced": pin.forced} if pin.forced else {})}
            for path, pin in sorted(unversioned.items())
        }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _entry(entry: Released) -> dict[str, Any]:
    written: dict[str, Any] = {"sha256": entry.sha256, "schema": entry.schema}
    if entry.revision:
        written["revision"] = entry.revision
    if entry.released_on:
        written["released_on"] = entry.released_on
    return written


def _is_revision(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
