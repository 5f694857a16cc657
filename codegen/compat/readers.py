"""Reader compatibility: is every value valid under one schema also valid under another?

The gate asks it of every pair of versions of a data type, both ways. "v1 reads v2" means every
reading valid under v2 is valid under v1, so a consumer written for v1 can decode records written
as v2 (and the consumer library delivers them to its v1 handler); "v2 reads v1" means every body
an old client posts is a valid v2 body, so the unversioned path may be promoted to v2.

The check is structural, on bundled normal forms (references inlined), and sound: "readable" is
only answered when it holds. Where it cannot decide (two different patterns, a keyword it has no
rule for) it answers "not readable" and says why, so the cost of not knowing is a dead letter or
a refused promotion, never a record decoded wrongly.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from codegen.compat.annotation_keywords import KEYWORDS as ANNOTATION_KEYWORDS
from codegen.compat.findings import child, show
from codegen.compat.normalise import DOCUMENTATION
from codegen.tree import ANNOTATION

__all__ = ["Verdict", "readable"]

# Keywords that never refuse a value.
_NOT_VALIDATING = frozenset({*ANNOTATION_KEYWORDS, *DOCUMENTATION, ANNOTATION, "$schema", "$defs"})
_UNDERSTOOD = frozenset(
    {
        "type",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "multipleOf",
        "pattern",
        "format",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "allOf",
    }
)
_ALL_TYPES = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether every value valid under the written schema is valid under the reading one."""

    readable: bool
    reasons: tuple[str, ...] = ()
    """Why not: ``#pointer: what`` for each place where a written value may be refused."""

    def __bool__(self) -> bool:
        return self.readable

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def readable(reader: Any, written: Any) -> Verdict:
    """Can a reader validating with ``reader`` accept every value valid under ``written``?"""
    reasons = tuple(_refusals(_schema(reader), _schema(written), ""))
    return Verdict(not reasons, reasons)


def _schema(node: Any) -> Any:
    if node is True:
        return {}
    return node


def _refusals(reader: Any, written: Any, pointer: str) -> Iterator[str]:
    """Where a value valid under ``written`` may be invalid under ``reader``."""
    if reader is False:
        if written is not False:
            yield f"#{pointer}: the reader refuses every value here"
        return
    if written is False or _validating(reader) == _validating(written) or not _validating(reader):
        return
    if not isinstance(reader, Mapping) or not isinstance(written, Mapping):
        yield f"#{pointer}: not a schema the check understands"
        return
    for keyword in sorted(reader.keys() - _NOT_VALIDATING - _UNDERSTOOD):
        if reader.get(keyword) != written.get(keyword):
            yield f"#{child(pointer, keyword)}: the check has no rule for {keyword!r}"
    members = written.get("allOf", []) if "allOf" not in reader else []
    if any(not list(_refusals(reader, member, pointer)) for member in members):
        return  # one member alone is already as narrow as the reader
    for index, member in enumerate(reader.get("allOf", [])):
        yield from _refusals(member, written, child(pointer, "allOf", str(index)))
    yield from _constraints(reader, written, pointer)


def _constraints(reader: Mapping[str, Any], written: Mapping[str, Any], pointer: str) -> Iterator[str]:
    written_types = _types(written)
    yield from _type(reader, written_types, pointer)
    yield from _values(reader, written, pointer)
    if "enum" in written or "const" in written:
        return  # the values were checked one by one, constraints included
    yield from _bounds(reader, written, written_types, pointer)
    for keyword in ("pattern", "format", "multipleOf"):
        if keyword in reader and reader[keyword] != written.get(keyword) and _applies(keyword, written_types):
            theirs = show(written[keyword]) if keyword in written else "none"
            yield (
                f"#{child(pointer, keyword)}: the reader requires {keyword} {show(reader[keyword])}, "
                f"the writer {theirs}"
            )
    unique = reader.get("uniqueItems") is True and written.get("uniqueItems") is not True
    if unique and "array" in written_types:
        yield f"#{child(pointer, 'uniqueItems')}: the reader requires unique items, the writer does not"
    if "object" in written_types:
        yield from _object(reader, written, pointer)
    if "array" in written_types and "items" in reader:
        yield from _refusals(reader["items"], _schema(written.get("items", True)), child(pointer, "items"))


def _validating(schema: Any) -> Any:
    if not isinstance(schema, Mapping):
        return schema
    return {key: value for key, value in schema.items() if key not in _NOT_VALIDATING}


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    """The JSON types a value valid under ``schema`` can have (``integer`` within ``number``)."""
    if "enum" in schema or "const" in schema:
        values = [schema["const"]] if "const" in schema else list(schema["enum"])
        return frozenset(_type_of(value) for value in values)
    declared = schema.get("type")
    if declared is None:
        return _ALL_TYPES
    return frozenset([declared] if isinstance(declared, str) else declared)


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _type(reader: Mapping[str, Any], written_types: frozenset[str], pointer: str) -> Iterator[str]:
    if "type" not in reader:
        return
    accepted = _types({"type": reader["type"]})
    refused = sorted(
        kind
        for kind in written_types
        if kind not in accepted and not (kind == "integer" and "number" in accepted)
    )
    if refused:
        yield f"#{child(pointer, 'type')}: the writer allows {' and '.join(refused)}, the reader does not"


def _values(reader: Mapping[str, Any], written: Mapping[str, Any], pointer: str) -> Iterator[str]:
    if "enum" in written or "const" in written:
        values = [written["const"]] if "const" in written else list(written["enum"])
        for value in values:
            if not _valid(reader, value):
                yield f"#{pointer}: the writer allows {show(value)}, the reader does not"
        return
    for keyword in ("enum", "const"):
        if keyword in reader:
            allowed = show(reader[keyword])
            yield f"#{child(pointer, keyword)}: the reader allows only {allowed}, the writer any value"


def _valid(schema: Mapping[str, Any], value: Any) -> bool:
    """One value against a schema, with the validator the gateway uses (formats checked)."""
    from codegen.ecma_regex import EcmaValidator
    from codegen.formats import FORMAT_CHECKER

    return bool(EcmaValidator(dict(schema), format_checker=FORMAT_CHECKER).is_valid(value))


_LOWER = {"minimum": "number", "minLength": "string", "minItems": "array", "minProperties": "object"}
_UPPER = {"maximum": "number", "maxLength": "string", "maxItems": "array", "maxProperties": "object"}


def _applies(keyword: str, types: frozenset[str]) -> bool:
    kind = {**_LOWER, **_UPPER, "exclusiveMinimum": "number", "exclusiveMaximum": "number"}.get(keyword)
    if keyword in ("pattern", "format"):
        kind = "string"
    if keyword == "multipleOf":
        kind = "number"
    if kind == "number":
        return bool(types & {"number", "integer"})
    return kind in types


def _bounds(
    reader: Mapping[str, Any], written: Mapping[str, Any], written_types: frozenset[str], pointer: str
) -> Iterator[str]:
    for keyword in ("minLength", "minItems", "minProperties"):
        if (
            keyword in reader
            and _applies(keyword, written_types)
            and written.get(keyword, 0) < reader[keyword]
        ):
            yield _bound(pointer, keyword, reader, written)
    for keyword in ("maxLength", "maxItems", "maxProperties"):
        if (
            keyword in reader
            and _applies(keyword, written_types)
            and written.get(keyword, math.inf) > reader[keyword]
        ):
            yield _bound(pointer, keyword, reader, written)
    if not _applies("minimum", written_types):
        return
    low, low_open = _lowest(written)
    for keyword, strict in (("minimum", False), ("exclusiveMinimum", True)):
        if keyword in reader:
            bound = reader[keyword]
            if low < bound or (low == bound and strict and not low_open):
                yield _bound(pointer, keyword, reader, written)
    high, high_open = _highest(written)
    for keyword, strict in (("maximum", False), ("exclusiveMaximum", True)):
        if keyword in reader:
            bound = reader[keyword]
            if high > bound or (high == bound and strict and not high_open):
                yield _bound(pointer, keyword, reader, written)


def _lowest(schema: Mapping[str, Any]) -> tuple[float, bool]:
    """The lowest number the schema allows, and whether it is itself excluded."""
    low: tuple[float, bool] = (-math.inf, True)
    if "minimum" in schema:
        low = max(low, (schema["minimum"], False))
    if "exclusiveMinimum" in schema:
        low = max(low, (schema["exclusiveMinimum"], True))
    return low


def _highest(schema: Mapping[str, Any]) -> tuple[float, bool]:
    high: tuple[float, bool] = (math.inf, True)
    if "maximum" in schema:
        high = min(high, (schema["maximum"], False), key=lambda bound: (bound[0], not bound[1]))
    if "exclusiveMaximum" in schema:
        high = min(high, (schema["exclusiveMaximum"], True), key=lambda bound: (bound[0], not bound[1]))
    return high


def _bound(pointer: str, keyword: str, reader: Mapping[str, Any], written: Mapping[str, Any]) -> str:
    shown = ", ".join(
        f"{k} {show(written[k])}"
        for k in sorted(written)
        if k in {**_LOWER, **_UPPER} or k.startswith("exclusive")
    )
    return (
        f"#{child(pointer, keyword)}: the reader requires {keyword} {show(reader[keyword])}, "
        f"the writer {shown or 'no bound'}"
    )


def _object(reader: Mapping[str, Any], written: Mapping[str, Any], pointer: str) -> Iterator[str]:
    reader_properties: Mapping[str, Any] = reader.get("properties", {})
    written_properties: Mapping[str, Any] = written.get("properties", {})
    reader_extra = _schema(reader.get("additionalProperties", True))
    written_extra = _schema(written.get("additionalProperties", True))
    written_required = set(written.get("required", ()))
    for name in sorted(set(reader.get("required", ())) - written_required):
        if written_properties.get(name) is not False:
            yield f"#{child(pointer, 'required')}: the reader requires {name!r}, the writer may leave it out"
    for name, schema in sorted(written_properties.items()):
        target = reader_properties.get(name, reader_extra)
        at = child(pointer, "properties", name)
        if target is False and schema is not False:
            yield f"#{at}: the writer allows {name!r}, the reader refuses it (undeclared properties refused)"
        else:
            yield from _refusals(target, _schema(schema), at)
    if written_extra is False:
        return
    at = child(pointer, "additionalProperties")
    for name, schema in sorted(reader_properties.items()):
        if name not in written_properties:
            yield from _refusals(schema, written_extra, child(pointer, "properties", name))
    if reader_extra is False:
        yield f"#{at}: the writer allows undeclared properties, the reader refuses them"
    else:
        yield from _refusals(reader_extra, written_extra, at)
