"""Objects: ``properties``, ``required`` and ``additionalProperties`` judged together; ``$defs``.

Readers ignore properties they do not know (schemas/README.md says so to every consumer), so a
new optional property of a closed object is an addition: older clients never send it, old
readers skip it. ``additionalProperties: false`` guards the gateway's door against misspelt
fields; it is not a promise to readers that nothing will ever be added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from codegen.compat.findings import NARROWER, WIDER, Change, Delta, child

__all__ = ["KEYWORDS", "Recurse", "compare_definitions", "compare_object"]

KEYWORDS = frozenset({"properties", "required", "additionalProperties"})

Recurse = Callable[[Any, Any, str], Iterator[Delta]]
Schema = Mapping[str, Any]


def compare_object(old: Schema, new: Schema, pointer: str, recurse: Recurse) -> Iterator[Delta]:
    old_properties, new_properties = _mapping(old, "properties"), _mapping(new, "properties")
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    old_extra, new_extra = _extra(old), _extra(new)
    names = old_properties.keys() | new_properties.keys() | old_required | new_required
    for name in sorted(names):
        at = child(pointer, "properties", name)
        was_required, is_required = name in old_required, name in new_required
        if name in old_properties and name in new_properties:
            yield from recurse(old_properties[name], new_properties[name], at)
        elif name in new_properties:
            if is_required and not was_required:
                message = f"new required property {name!r}: every reading older clients send lacks it"
                yield Delta(at, Change.BREAKING, f"{message} and is refused.")
                continue
            yield from _added(name, old_extra, new_properties[name], at, recurse)
        elif name in old_properties:
            if was_required and not is_required:
                yield Delta(at, Change.BREAKING, _required_removed(name, new_extra))
                continue
            yield from _removed(name, old_properties[name], new_extra, at, recurse)
        if was_required != is_required:
            yield _required_changed(name, is_required, child(pointer, "required"))
    yield from _compare_extra(old_extra, new_extra, child(pointer, "additionalProperties"), recurse)


def compare_definitions(old: Schema, new: Schema, pointer: str, recurse: Recurse) -> Iterator[Delta]:
    """Shared definitions are public: other schemas refer to them by URL."""
    before, after = _mapping(old, "$defs"), _mapping(new, "$defs")
    for name in sorted(before.keys() | after.keys()):
        at = child(pointer, "$defs", name)
        if name not in after:
            message = f"definition {name!r} removed: references to it no longer resolve"
            yield Delta(at, Change.BREAKING, f"{message}.")
        elif name not in before:
            yield Delta(at, Change.ADDITION, f"new definition {name!r}: nothing referred to it before.")
        else:
            yield from recurse(before[name], after[name], at)


def _added(name: str, old_extra: Any, schema: Any, at: str, recurse: Recurse) -> Iterator[Delta]:
    if old_extra is False:
        message = f"new optional property {name!r}: older clients do not send it"
        yield Delta(at, Change.ADDITION, f"{message}, and readers ignore properties they do not know.")
    else:  # the object took it before as an undeclared property: compare with what it allowed
        yield from recurse(old_extra, schema, at)


def _removed(name: str, schema: Any, new_extra: Any, at: str, recurse: Recurse) -> Iterator[Delta]:
    if new_extra is False:
        yield Delta(at, Change.REVISION, f"optional property {name!r} removed: {NARROWER}.")
    else:  # it is an undeclared property now: compare with what the object allows
        yield from recurse(schema, new_extra, at)


def _required_removed(name: str, new_extra: Any) -> str:
    message = f"required property {name!r} removed: old readers rely on it"
    if new_extra is False:
        return f"{message}, and every reading older clients send carries it and is refused."
    return f"{message}."


def _required_changed(name: str, is_required: bool, at: str) -> Delta:
    if is_required:
        return Delta(at, Change.REVISION, f"{name!r} is now required: {NARROWER}.")
    return Delta(at, Change.REVISION, f"{name!r} is no longer required: {WIDER} (an absent {name!r}).")


def _compare_extra(old: Any, new: Any, at: str, recurse: Recurse) -> Iterator[Delta]:
    if old == new:
        return
    if old is False:
        message = "the object now accepts properties it does not declare"
        yield Delta(at, Change.ADDITION, f"{message}: readers ignore properties they do not know.")
    elif new is False:
        yield Delta(at, Change.REVISION, f"undeclared properties are now refused: {NARROWER}.")
    else:  # a schema (or true) for every undeclared property, as in a map: readers see these values
        yield from recurse(old, new, at)


def _extra(schema: Schema) -> Any:
    extra = schema.get("additionalProperties", True)
    return True if extra == {} else extra


def _mapping(schema: Schema, keyword: str) -> Mapping[str, Any]:
    value = schema.get(keyword, {})
    return value if isinstance(value, Mapping) else {}
