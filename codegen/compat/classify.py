"""Classifying the difference between a released normal form and the current one.

The walk is structural: each keyword the gate understands has a rule (values, objects,
annotations, identity); ``items``, ``allOf`` and the properties of objects are walked
recursively. A keyword without a rule is treated conservatively: any change to it is breaking,
and the finding names the keyword and where it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from codegen.compat import annotation_keywords, objects, values
from codegen.compat.findings import WIDER, Change, Delta, child, show
from codegen.compat.identity import compare_annotation
from codegen.tree import ANNOTATION

__all__ = ["classify", "compare"]

_CONSTRAINTS = ("pattern", "format", "multipleOf")
_UNDERSTOOD = frozenset(
    {
        *objects.KEYWORDS,
        *values.BOUNDS,
        *annotation_keywords.KEYWORDS,
        *_CONSTRAINTS,
        "$defs",
        "type",
        "enum",
        "const",
        "uniqueItems",
        "items",
        "allOf",
        ANNOTATION,
    }
)

Schema = Mapping[str, Any]


def classify(old: Schema, new: Schema) -> list[Delta]:
    """Every difference between two normal forms, in pointer order."""
    return sorted(compare(old, new, ""), key=lambda delta: (delta.pointer, delta.message))


def compare(old: Any, new: Any, pointer: str) -> Iterator[Delta]:
    if old == new:
        return
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        yield from _boolean(old, new, pointer)
        return
    yield from annotation_keywords.compare_annotations(old, new, pointer)
    yield from values.compare_type(old, new, pointer)
    yield from values.compare_values(old, new, pointer)
    yield from values.compare_bounds(old, new, pointer)
    for keyword in _CONSTRAINTS:
        yield from values.compare_constraint(old, new, pointer, keyword)
    yield from values.compare_unique_items(old, new, pointer)
    yield from objects.compare_object(old, new, pointer, compare)
    yield from objects.compare_definitions(old, new, pointer, compare)
    yield from compare(old.get("items", True), new.get("items", True), child(pointer, "items"))
    yield from _all_of(old, new, pointer)
    if ANNOTATION in old or ANNOTATION in new:
        yield from compare_annotation(old.get(ANNOTATION), new.get(ANNOTATION), child(pointer, ANNOTATION))
    for keyword in sorted((old.keys() | new.keys()) - _UNDERSTOOD):
        if old.get(keyword) != new.get(keyword) or (keyword in old) != (keyword in new):
            yield _unclassified(keyword, old, new, child(pointer, keyword))


def _boolean(old: Any, new: Any, pointer: str) -> Iterator[Delta]:
    """``true`` is the empty schema; ``false`` refuses everything."""
    if old is True or new is True:
        yield from compare({} if old is True else old, {} if new is True else new, pointer)
    elif new is False:
        yield Delta(pointer, Change.BREAKING, "the schema now refuses every value.")
    elif old is False:
        message = "the schema refused every value and now accepts some"
        yield Delta(pointer, Change.REVISION, f"{message}: {WIDER}.")
    else:
        yield Delta(pointer, Change.BREAKING, f"not a schema: {show(old)} became {show(new)}.")


def _all_of(old: Schema, new: Schema, pointer: str) -> Iterator[Delta]:
    """``allOf`` arises from a ``$ref`` beside constraints; compared element by element."""
    before, after = old.get("allOf", []), new.get("allOf", [])
    if before == after:
        return
    if not (isinstance(before, list) and isinstance(after, list)) or len(before) != len(after):
        yield _unclassified("allOf", old, new, child(pointer, "allOf"))
        return
    for index, (was, now) in enumerate(zip(before, after, strict=True)):
        yield from compare(was, now, child(pointer, "allOf", str(index)))


def _unclassified(keyword: str, old: Schema, new: Schema, at: str) -> Delta:
    if keyword not in old:
        what = f"{keyword!r} added"
    elif keyword not in new:
        what = f"{keyword!r} removed"
    else:
        what = f"{keyword!r} changed"
    message = f"{what}: the gate has no rule for this keyword, so any change to it counts as breaking"
    return Delta(at, Change.BREAKING, f"{message}.")
