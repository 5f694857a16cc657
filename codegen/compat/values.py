"""Keywords that constrain a value: type, enum and const, bounds, pattern, format, uniqueItems.

Narrowing refuses some readings that were valid (older clients still send them, the topic holds
them); widening lets through values old readers were promised would not occur. Either way some
data is affected, not all of it: a revision. Only a change that leaves no overlap (a type or a
constant swapped for another) is breaking.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from codegen.compat.findings import NARROWER, WIDER, Change, Delta, child, show
from codegen.compat.normalise import canonical_json

__all__ = [
    "BOUNDS",
    "compare_bounds",
    "compare_constraint",
    "compare_type",
    "compare_unique_items",
    "compare_values",
]

_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
BOUNDS = frozenset((*_LOWER, *_UPPER))
_NOTHING_LEFT = "no value valid before is valid now"

Schema = Mapping[str, Any]


def compare_type(old: Schema, new: Schema, pointer: str) -> Iterator[Delta]:
    before, after = _types(old), _types(new)
    if before == after:
        return
    at = child(pointer, "type")
    if before is None or after is None:
        if after is not None:
            yield Delta(at, Change.REVISION, f"type restricted to {_names(after)}: {NARROWER}.")
        else:
            message = f"type no longer restricted to {_names(before or set())}"
            yield Delta(at, Change.REVISION, f"{message}: {WIDER}.")
        return
    lost = {kind for kind in before if not _covers(after, kind)}
    gained = {kind for kind in after if not _covers(before, kind)}
    overlap = any(_covers(after, kind) for kind in before) or any(_covers(before, kind) for kind in after)
    if not overlap:
        message = f"type changed from {_names(before)} to {_names(after)}"
        yield Delta(at, Change.BREAKING, f"{message}: {_NOTHING_LEFT}.")
        return
    if lost:
        shown = _names(lost, "non-integer numbers" if "integer" in after else "number")
        yield Delta(at, Change.REVISION, f"no longer accepts {shown}: {NARROWER}.")
    if gained:
        shown = _names(gained, "non-integer numbers" if "integer" in before else "number")
        yield Delta(at, Change.REVISION, f"now also accepts {shown}: {WIDER}.")


def compare_values(old: Schema, new: Schema, pointer: str) -> Iterator[Delta]:
    """``enum`` and ``const`` together: both name the values allowed."""
    before, after = _allowed(old), _allowed(new)
    if before == after:
        return
    at = child(pointer, "enum" if "enum" in new or ("const" not in new and "enum" in old) else "const")
    if before is None:
        yield Delta(at, Change.REVISION, f"values restricted to {_listed(after or {})}: {NARROWER}.")
    elif after is None:
        yield Delta(at, Change.REVISION, f"values no longer restricted to {_listed(before)}: {WIDER}.")
    elif not before.keys() & after.keys():
        message = f"allowed values changed from {_listed(before)} to {_listed(after)}"
        yield Delta(at, Change.BREAKING, f"{message}: {_NOTHING_LEFT}.")
    else:
        lost = {text: before[text] for text in before.keys() - after.keys()}
        gained = {text: after[text] for text in after.keys() - before.keys()}
        if lost:
            yield Delta(at, Change.REVISION, f"no longer accepts {_listed(lost)}: {NARROWER}.")
        if gained:
            yield Delta(at, Change.REVISION, f"now also accepts {_listed(gained)}: {WIDER}.")


def compare_bounds(old: Schema, new: Schema, pointer: str) -> Iterator[Delta]:
    for keyword in (*_LOWER, *_UPPER):
        if old.get(keyword) == new.get(keyword):
            continue
        at = child(pointer, keyword)
        if keyword not in old:
            yield Delta(at, Change.REVISION, f"{keyword} {show(new[keyword])} added: {NARROWER}.")
        elif keyword not in new:
            yield Delta(at, Change.REVISION, f"{keyword} {show(old[keyword])} removed: {WIDER}.")
        else:
            raised = new[keyword] > old[keyword]
            narrower = raised == (keyword in _LOWER)
            verb = "raised" if raised else "lowered"
            message = f"{keyword} {verb} from {show(old[keyword])} to {show(new[keyword])}"
            yield Delta(at, Change.REVISION, f"{message}: {NARROWER if narrower else WIDER}.")


def compare_constraint(old: Schema, new: Schema, pointer: str, keyword: str) -> Iterator[Delta]:
    """``pattern``, ``format``, ``multipleOf``: whether one value is narrower than another is not
    decided here, so a change is taken to narrow and widen at once."""
    if old.get(keyword) == new.get(keyword):
        return
    at = child(pointer, keyword)
    if keyword not in old:
        yield Delta(at, Change.REVISION, f"{keyword} {show(new[keyword])} added: {NARROWER}.")
    elif keyword not in new:
        yield Delta(at, Change.REVISION, f"{keyword} {show(old[keyword])} removed: {WIDER}.")
    else:
        message = f"{keyword} changed from {show(old[keyword])} to {show(new[keyword])}"
        yield Delta(at, Change.REVISION, f"{message}: {NARROWER}, and {WIDER}.")


def compare_unique_items(old: Schema, new: Schema, pointer: str) -> Iterator[Delta]:
    before, after = old.get("uniqueItems") is True, new.get("uniqueItems") is True
    if before != after:
        at = child(pointer, "uniqueItems")
        if after:
            yield Delta(at, Change.REVISION, f"items must now be unique: {NARROWER}.")
        else:
            yield Delta(at, Change.REVISION, f"items need no longer be unique: {WIDER}.")


def _types(schema: Schema) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _covers(types: set[str], kind: str) -> bool:
    return kind in types or (kind == "integer" and "number" in types)


def _names(types: set[str], number: str = "number") -> str:
    return " or ".join(number if kind == "number" else kind for kind in sorted(types))


def _allowed(schema: Schema) -> dict[str, Any] | None:
    """Allowed values by their canonical JSON text; None when any value is allowed."""
    allowed: dict[str, Any] | None = None
    if "enum" in schema:
        allowed = {canonical_json(value): value for value in schema["enum"]}
    if "const" in schema:
        const = {canonical_json(schema["const"]): schema["const"]}
        allowed = const if allowed is None else {text: allowed[text] for text in allowed.keys() & const}
    return allowed


def _listed(values: Mapping[str, Any]) -> str:
    return ", ".join(show(values[text]) for text in sorted(values))
