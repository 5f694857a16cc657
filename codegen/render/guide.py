"""Template filters for the integration guide: field tables, example bodies, anchors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from codegen.spec import DataTypeSpec

__all__ = ["FILTERS", "Field"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    required: bool
    description: str


def fields(spec: DataTypeSpec) -> list[Field]:
    required = set(spec.bundled.get("required", []))
    return [
        Field(name, _type_of(schema), name in required, _cell(schema.get("description", "")))
        for name, schema in spec.bundled.get("properties", {}).items()
        if isinstance(schema, Mapping)
    ]


def _type_of(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(value)}`" for value in schema["enum"])
    declared = schema.get("type")
    if declared is None:
        return "any"
    names = declared if isinstance(declared, list) else [declared]
    if "array" in names and isinstance(schema.get("items"), Mapping):
        item = _type_of(schema["items"])
        names = [f"array of {item}" if name == "array" else name for name in names]
    if isinstance(schema.get("format"), str):
        names = [f"string, format `{schema['format']}`" if name == "string" else name for name in names]
    bounds = _bounds(schema)
    return " \\| ".join(names) + (f", {bounds}" if bounds else "")


def _bounds(schema: Mapping[str, Any]) -> str:
    """``0 to 100``, ``> 0``, ``≤ 128 characters``, ``≤ 64 items``: what a value must stay within."""
    shown: list[str] = []
    low = _number(schema, "minimum", "exclusiveMinimum", "≥", ">")
    high = _number(schema, "maximum", "exclusiveMaximum", "≤", "<")
    if "minimum" in schema and "maximum" in schema:
        shown.append(f"{_show(schema['minimum'])} to {_show(schema['maximum'])}")
    else:
        shown += [bound for bound in (low, high) if bound]
    for unit, low_key, high_key in (
        ("characters", "minLength", "maxLength"),
        ("items", "minItems", "maxItems"),
    ):
        if low_key in schema and high_key in schema:
            shown.append(f"{schema[low_key]} to {schema[high_key]} {unit}")
        elif high_key in schema:
            shown.append(f"≤ {schema[high_key]} {unit}")
        elif schema.get(low_key):
            shown.append(f"≥ {schema[low_key]} {unit}")
    return ", ".join(shown)


def _number(schema: Mapping[str, Any], inclusive: str, exclusive: str, at: str, beyond: str) -> str:
    if inclusive in schema:
        return f"{at} {_show(schema[inclusive])}"
    if exclusive in schema:
        return f"{beyond} {_show(schema[exclusive])}"
    return ""


def _show(number: Any) -> str:
    return str(int(number)) if isinstance(number, float) and number.is_integer() else str(number)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def example_json(spec: DataTypeSpec) -> str:
    """The schema's first example, compact, quoted for a single-quoted shell word."""
    return _shell(json.dumps(spec.examples[0], ensure_ascii=False, separators=(", ", ": ")))


def examples_json(spec: DataTypeSpec) -> str:
    return _shell(json.dumps(spec.examples, ensure_ascii=False, separators=(", ", ": ")))


def _shell(text: str) -> str:
    return text.replace("'", "'\\''")


def example_path(path: str, spec: DataTypeSpec) -> str:
    """A stream path with its parameters taken from the schema's first example."""
    example = spec.examples[0]
    return re.sub(r"\{([a-z0-9_]+)\}", lambda match: str(example.get(match.group(1), match.group(0))), path)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def size(count: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


FILTERS: Mapping[str, Callable[..., Any]] = {
    "fields": fields,
    "example_json": example_json,
    "examples_json": examples_json,
    "example_path": example_path,
    "anchor": anchor,
    "size": size,
}
