"""Avro schemas (``avro/<data type>.v<N>.avsc``) from the bundled JSON Schemas, and their ids.

The mapping (documented in ``schemas/README.md``, section Avro):

- an object with ``additionalProperties: false`` → a record, named after the schema's title
  (top level, in the namespace ``<data type>.v<N>``) or after its property path (nested);
- ``string`` → string (date-times, base64 and enums included), ``integer`` → long,
  ``number`` → double, ``boolean`` → boolean;
- ``type`` listing ``null``, and any optional property → a union with null first, default null;
- an array → an array of its items' type;
- an object with no properties whose ``additionalProperties`` is a schema → a map;
- anything that can hold JSON the above cannot type (no ``type``, several types, an open
  object, combinators) → a string holding that JSON, marked ``"loom.json": true``.

A string with a checked ``format`` (date-times, URIs, e-mail addresses) stays a string, marked
``"loom.format": "<format>"`` (readers ignore attributes they do not know). No Avro logical type
fits: the date-time ones (``timestamp-*``, ``local-timestamp-*``) annotate a ``long``, which
cannot hold the value as sent (its offset, its digits) and would have to mix instants with the
mobile client's offset-less local times in one field; ``uuid``, the one logical type on
``string``, makes decoders (fastavro) hand out ``UUID`` objects and rewrite the text.

The server fields of a reading (``message_id``, ``received_at``), which the gateway always sets,
are required strings. An optional property whose value may not be null is marked
``"loom.optional": true``: null there means the client left it out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import fastavro

from codegen.errors import LintFailed, SchemaProblem
from codegen.formats import CHECKED_FORMATS
from codegen.lint import SERVER_FIELDS
from codegen.spec import DataTypeSpec

__all__ = ["AvroSchema", "avro_schema", "render_avro", "schema_id"]

AvroSchema = Any
"""A JSON value as the Avro specification reads it: a name, a list (union) or an object."""

JSON_STRING: dict[str, Any] = {"type": "string", "loom.json": True}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCALARS = {"string": "string", "integer": "long", "number": "double", "boolean": "boolean"}
_COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "if", "prefixItems", "patternProperties")
_ID_SPACE = 2**31 - 1


def avro_schema(spec: DataTypeSpec) -> AvroSchema:
    """The Avro record for one data type; LintFailed names every property Avro cannot name."""
    problems: list[SchemaProblem] = []
    # The gateway sets them on every reading it publishes: never null in a reading's value.
    always_set = frozenset(SERVER_FIELDS) if spec.kind == "reading" else frozenset()
    builder = _Builder(str(spec.path), problems, always_set)
    record = builder.record(spec.bundled, _pascal(spec.title), "", namespace=f"{spec.name}.v{spec.version}")
    if problems:
        raise LintFailed(problems)
    return record


def schema_id(schema: AvroSchema) -> int:
    """A positive int32 from the schema without its documentation: the same on every replica and
    after every restart, and unchanged by a reworded description."""
    canonical = json.dumps(_without_docs(schema), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).digest()
    return int.from_bytes(digest[:8], "big") % _ID_SPACE + 1


def render_avro(specs: Iterable[DataTypeSpec], directory: Path) -> dict[str, int]:
    """Write one ``.avsc`` per data type into ``directory``; the schema id by data-type constant."""
    problems: list[SchemaProblem] = []
    schemas: dict[str, tuple[DataTypeSpec, AvroSchema]] = {}
    for spec in specs:
        try:
            schemas[spec.constant] = (spec, avro_schema(spec))
        except LintFailed as failed:
            problems.extend(failed.problems)
    if problems:
        raise LintFailed(problems)
    ids: dict[str, int] = {}
    owners: dict[int, str] = {}
    directory.mkdir()
    for constant, (spec, schema) in sorted(schemas.items()):
        fastavro.parse_schema(schema)  # raises on anything Avro would refuse
        identifier = schema_id(schema)
        if identifier in owners:
            problems.append(
                SchemaProblem(
                    str(spec.path), "", f"Avro schema id {identifier} is {owners[identifier]}'s too"
                )
            )
        owners[identifier] = str(spec.path)
        ids[constant] = identifier
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        (directory / f"{spec.name}.v{spec.version}.avsc").write_text(text, "utf-8")
    if problems:
        raise LintFailed(problems)
    return ids


class _Builder:
    def __init__(self, path: str, problems: list[SchemaProblem], always_set: frozenset[str]) -> None:
        self._path = path
        self._always_set = always_set
        self._problems = problems
        self._names: dict[str, str] = {}

    def type_of(self, node: Any, name: str, pointer: str) -> AvroSchema:
        """The Avro type for a JSON Schema node, a union with null when the node allows null."""
        if not isinstance(node, dict) or any(keyword in node for keyword in _COMBINATORS):
            return JSON_STRING
        types = _types(node)
        nullable = "null" in types
        types.discard("null")
        if len(types) != 1:
            return JSON_STRING
        (kind,) = types
        avro: AvroSchema
        if kind in _SCALARS:
            avro = _SCALARS[kind]
            if kind == "string" and node.get("format") in CHECKED_FORMATS:
                # No Avro logical type fits (see the module's docstring): the format is noted.
                avro = {"type": "string", "loom.format": node["format"]}
        elif kind == "array":
            items = node.get("items", True)
            avro = {"type": "array", "items": self.type_of(items, f"{name}_item", f"{pointer}/items")}
        elif kind == "object" and node.get("additionalProperties", True) is False:
            avro = self.record(node, name, pointer)
        elif (
            kind == "object"
            and not node.get("properties")
            and isinstance(node.get("additionalProperties"), dict)
        ):
            values = self.type_of(
                node["additionalProperties"], f"{name}_value", f"{pointer}/additionalProperties"
            )
            avro = {"type": "map", "values": values}
        else:
            return JSON_STRING
        return ["null", avro] if nullable else avro

    def record(
        self, node: dict[str, Any], name: str, pointer: str, namespace: str | None = None
    ) -> AvroSchema:
        if name in self._names:
            self._problem(pointer, f"its Avro record name {name!r} is also {self._names[name] or '/'}'s")
        self._names[name] = pointer
        required = set(node.get("required", ()))
        if namespace is not None:  # the top level
            required |= self._always_set
        fields = []
        for property_name, property_schema in node.get("properties", {}).items():
            where = f"{pointer}/properties/{_escape(property_name)}"
            if not _NAME.fullmatch(property_name):
                self._problem(where, f"{property_name!r} is not an Avro field name ([A-Za-z_][A-Za-z0-9_]*)")
                continue
            avro = self.type_of(property_schema, f"{name}_{property_name}", where)
            field: dict[str, Any] = {"name": property_name}
            if isinstance(property_schema, dict) and isinstance(property_schema.get("description"), str):
                field["doc"] = property_schema["description"]
            if property_name in required:
                field["type"] = avro
            elif isinstance(avro, list):  # may be null already: null stands for absent and for null
                field |= {"type": avro, "default": None}
            else:
                field |= {"type": ["null", avro], "default": None, "loom.optional": True}
            fields.append(field)
        record: dict[str, Any] = {"type": "record", "name": name}
        if namespace is not None:
            record["namespace"] = namespace
        if isinstance(node.get("description"), str):
            record["doc"] = node["description"]
        record["fields"] = fields
        return record

    def _problem(self, pointer: str, message: str) -> None:
        self._problems.append(SchemaProblem(self._path, pointer, message))


def _types(node: dict[str, Any]) -> set[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    values = node.get("enum", [node["const"]] if "const" in node else None)
    if values is not None and all(isinstance(value, str) or value is None for value in values):
        return {"string"} | ({"null"} if None in values else set())
    return set()


def _pascal(title: str) -> str:
    """``GPS reading`` → ``GPSReading`` (lint has the title start with a letter)."""
    return "".join(word[0].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def _without_docs(schema: AvroSchema) -> AvroSchema:
    if isinstance(schema, list):
        return [_without_docs(item) for item in schema]
    if isinstance(schema, dict):
        return {key: _without_docs(value) for key, value in schema.items() if key != "doc"}
    return schema


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
