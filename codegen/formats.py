"""String formats the generated models check: which exist, what they mean, and how a schema node
with one becomes a type of the generated ``formats`` module.

A pattern checks a string's shape; a format says what it means (``2025-02-30`` has the shape of a
date and is none). The checks themselves live in ``codegen/runtime/format_checks.py``, copied into
the generated package. Here, every schema node with a checked ``format`` is given one alias of
that module, built from its format and its string bounds (``pattern``, ``minLength``,
``maxLength``) in that order: pydantic-core checks the bounds natively, then the format's check
runs once (a bound after a Python check would make pydantic wrap it in a second, slower one).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jsonschema

from codegen.runtime.format_checks import CHECKS

__all__ = [
    "CHECKED_FORMATS",
    "FORMAT_CHECKER",
    "FORMAT_CHECKS_SOURCE",
    "FormatType",
    "FormatTypes",
    "format_problems",
    "format_types",
    "iter_format_nodes",
    "used_formats",
]

FORMAT_CHECKS_SOURCE = Path(__file__).with_name("runtime") / "format_checks.py"


@dataclass(frozen=True, slots=True)
class CheckedFormat:
    name: str
    check: str
    """The function of ``format_checks`` that checks it."""
    summary: str
    """One sentence for the OpenAPI document and the integration guide."""
    avro: str
    """Why its Avro type is what it is (schemas/README.md, Avro)."""


CHECKED_FORMATS: Mapping[str, CheckedFormat] = {
    checked.name: checked
    for checked in (
        CheckedFormat(
            "date-time",
            "check_date_time",
            "An RFC 3339 date-time with its UTC offset (`Z` or `±hh:mm`): a real calendar date (month "
            "lengths, leap years), hour 00-23, minute 00-59, second 00-59 (60 only for a leap second, "
            "23:59:60 UTC on a month's last day), any fraction of a second, an offset of at most 23:59.",
            "string",
        ),
        CheckedFormat(
            "loom-date-time",
            "check_loom_date_time",
            "Loom's date-time: as `date-time`, but the offset may be left out, and then the value is the "
            "device's local time (what the Loom mobile client sends: `2025-07-08T16:53:08.123456`). "
            "Without an offset a leap second is accepted at any local time where some quarter-hour "
            "offset makes it 23:59:60 UTC on a month's last day.",
            "string",
        ),
        CheckedFormat(
            "uri",
            "check_uri",
            'An absolute URI as a browser serialises it: a scheme, no spaces, control characters, `"`, '
            "`<`, `>` or `\\`, `%` only before two hex digits; http, https, ws, wss and ftp URIs need a "
            "host name (labels of letters, digits, inner hyphens and underscores) or an IP literal, and a "
            "port of at most 65535.",
            "string",
        ),
        CheckedFormat(
            "email",
            "check_email",
            "An e-mail address `local@domain` (RFC 5321 mailbox, dot-atom form): a local part of at most "
            "64 characters without leading, trailing or double dots, a domain name (labels of letters, "
            "digits, inner hyphens and underscores, at most 63 characters) or an address literal in "
            "brackets.",
            "string",
        ),
    )
}
"""Every format a schema may use; lint refuses any other (it would go unchecked)."""

_BOUNDS = (("pattern", "pattern"), ("minLength", "min_length"), ("maxLength", "max_length"))
_NOT_SCHEMAS = frozenset({"examples", "enum", "const", "default", "x-loom"})


@dataclass(frozen=True, slots=True)
class FormatType:
    name: str
    format: str
    bounds: tuple[tuple[str, Any], ...]
    """(pydantic keyword, value) for the string bounds beside the format."""

    @property
    def check(self) -> str:
        return CHECKED_FORMATS[self.format].check


@dataclass(frozen=True, slots=True)
class FormatTypes:
    types: tuple[FormatType, ...]
    documents: Mapping[Path, Any]
    """The schema documents, each checked-format node replaced by a reference to its type."""


def iter_format_nodes(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (JSON pointer, subschema) with a ``format`` in a schema document."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_format_nodes(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("format"), str):
        yield pointer, node
    for key, value in node.items():
        if key not in _NOT_SCHEMAS:
            yield from iter_format_nodes(value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")


def format_types(documents: Mapping[Path, Any], package: str) -> FormatTypes:
    """One type per (format, bounds) in ``documents``, and copies of them that name those types with
    datamodel-code-generator's ``x-python-type`` (the format and the bounds move into the type)."""
    copies = {path: copy.deepcopy(document) for path, document in sorted(documents.items())}
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for document in copies.values():
        for _, node in iter_format_nodes(document):
            if node["format"] in CHECKED_FORMATS:
                found.setdefault((node["format"], _bounds_key(node)), []).append(node)
    types = []
    counts: dict[str, int] = {}
    for (format_name, key), nodes in sorted(found.items()):
        base = "".join(part.capitalize() for part in format_name.split("-")) + "Format"
        counts[base] = counts.get(base, 0) + 1
        name = base if counts[base] == 1 else f"{base}{counts[base]}"
        types.append(FormatType(name, format_name, tuple(tuple(pair) for pair in json.loads(key))))
        for node in nodes:
            nullable = isinstance(node.get("type"), list) and "null" in node["type"]
            for keyword, _ in (("format", None), *_BOUNDS):
                node.pop(keyword, None)
            node["x-python-type"] = f"{package}.formats.{name}" + (" | None" if nullable else "")
    return FormatTypes(tuple(types), copies)


def _bounds_key(node: Mapping[str, Any]) -> str:
    return json.dumps(
        [[keyword, node[schema_keyword]] for schema_keyword, keyword in _BOUNDS if schema_keyword in node]
    )


def used_formats(documents: Iterable[Any]) -> list[str]:
    """The checked formats that occur in ``documents``, sorted."""
    return sorted(
        {node["format"] for document in documents for _, node in iter_format_nodes(document)}
        & CHECKED_FORMATS.keys()
    )


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, check in CHECKS.items():
        # As jsonschema's own checkers: a format says nothing about values of other types.
        checker.checks(name, raises=ValueError)(partial(_if_string, check))
    return checker


def _if_string(check: Callable[[str], str], instance: object) -> bool:
    if isinstance(instance, str):
        check(instance)
    return True


FORMAT_CHECKER = _format_checker()
"""A jsonschema format checker with the gateway's checks, for lint's examples and the tests."""


def format_problems(document: Any) -> Iterator[tuple[str, str]]:
    """(pointer, message) for every ``format`` the models would not check."""
    for pointer, node in iter_format_nodes(document):
        name = node["format"]
        if name not in CHECKED_FORMATS:
            known = ", ".join(sorted(CHECKED_FORMATS))
            yield f"{pointer}/format", f"format {name!r} is not one the gateway checks ({known})"
        types = node.get("type")
        if not (types == "string" or (isinstance(types, list) and set(types) <= {"string", "null"})):
            yield f"{pointer}/format", 'a checked format needs "type": "string" (or ["string", "null"])'
