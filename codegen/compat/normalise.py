"""The normal form the lock stores and the gate compares: what a schema promises, nothing else.

A bundled schema (references inlined) loses its documentation (``description``, ``examples``,
``$comment``: editing them is free), and keeps every keyword that constrains, names or routes
data in one canonical spelling: ``type`` and ``required`` sorted, ``enum`` de-duplicated and
sorted, ``1.0`` written ``1``, the ``x-loom`` annotation with its defaults spelt out. Normalising
twice gives the same result, so a lock written by an older rule set is re-normalised before use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from codegen.spec import DEFAULT_MAX_BATCH_ITEMS, DEFAULT_MAX_BODY_BYTES
from codegen.tree import ANNOTATION

__all__ = ["DOCUMENTATION", "canonical_json", "digest", "normalise"]

DOCUMENTATION = frozenset({"description", "examples", "$comment"})
"""Keywords that neither constrain nor name anything: changing them is never a change."""

_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMAS = frozenset(
    {
        "items",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)


def normalise(document: Mapping[str, Any]) -> dict[str, Any]:
    """A bundled schema, with the data type's ``x-loom`` annotation at its root when it has one."""
    normal = _schema(document)
    assert isinstance(normal, dict)  # a mapping stays a mapping
    if ANNOTATION in document:
        normal[ANNOTATION] = _annotation(document[ANNOTATION])
    return normal


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(normal: Mapping[str, Any]) -> str:
    """The lock's content hash: SHA-256 of the canonical JSON of the normal form."""
    return hashlib.sha256(canonical_json(normal).encode("utf-8")).hexdigest()


def _schema(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return _data(node)  # a boolean schema, or something lint has reported already
    normal: dict[str, Any] = {}
    for key, value in node.items():
        if key in DOCUMENTATION:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, Mapping):
            normal[key] = {name: _schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            normal[key] = [_schema(sub) for sub in value]
        elif key in _SCHEMAS:
            normal[key] = _schema(value)
        elif key == "type" and isinstance(value, list):
            types = sorted(set(value))
            normal[key] = types[0] if len(types) == 1 else types
        elif key == "required" and isinstance(value, list):
            normal[key] = sorted(set(value))
        elif key == "enum" and isinstance(value, list):
            normal[key] = _unique_sorted(_data(value))
        else:
            normal[key] = _data(value)
    return normal


def _annotation(annotation: Any) -> Any:
    if not isinstance(annotation, Mapping):
        return _data(annotation)
    normal: dict[str, Any] = {
        "kind": "reading",
        "max_body_bytes": DEFAULT_MAX_BODY_BYTES,
        "max_batch_items": DEFAULT_MAX_BATCH_ITEMS,
        **_data(dict(annotation)),
    }
    for listed in ("routes", "streams"):
        if isinstance(normal.get(listed), list):
            normal[listed] = sorted(set(normal[listed]))
    if isinstance(normal.get("topic"), dict):
        normal["topic"] = {"cleanup_policy": "delete", **normal["topic"]}
    return normal


def _data(value: Any) -> Any:
    """JSON data with integral floats written as integers (JSON Schema holds 1.0 and 1 equal)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_data(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _data(item) for key, item in value.items()}
    return value


def _unique_sorted(values: list[Any]) -> list[Any]:
    by_text = {canonical_json(value): value for value in values}
    return [by_text[text] for text in sorted(by_text)]
