"""Reading the schema tree into plain values."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from codegen.errors import SchemaProblem

__all__ = ["SCHEMA_BASE_URI", "SchemaFile", "SchemaTree", "read_tree"]

SCHEMA_BASE_URI = "https://schemas.loom-gateway.dev/"
"""Every schema's ``$id`` is this base joined with its path under the tree's root."""

ANNOTATION = "x-loom"


@dataclass(frozen=True, slots=True)
class SchemaFile:
    path: PurePosixPath
    """Relative to the tree's root, e.g. ``device/sensor/gps/v1.json``."""
    document: Mapping[str, Any]

    @property
    def expected_id(self) -> str:
        return SCHEMA_BASE_URI + self.path.as_posix()

    @property
    def is_data_type(self) -> bool:
        """Data types carry the x-loom annotation; other files only share definitions."""
        return ANNOTATION in self.document

    @property
    def annotation(self) -> Mapping[str, Any]:
        value = self.document.get(ANNOTATION, {})
        return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class SchemaTree:
    root: Path
    files: tuple[SchemaFile, ...]
    problems: tuple[SchemaProblem, ...]
    """Files that could not be read as JSON objects."""

    def data_types(self) -> Iterator[SchemaFile]:
        return (file for file in self.files if file.is_data_type)


def read_tree(root: Path) -> SchemaTree:
    files: list[SchemaFile] = []
    problems: list[SchemaProblem] = []
    for path in sorted(root.rglob("*.json")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(SchemaProblem(str(relative), "", f"not valid JSON: {error}"))
            continue
        if not isinstance(document, dict):
            problems.append(SchemaProblem(str(relative), "", "a schema file must hold an object"))
            continue
        files.append(SchemaFile(relative, document))
    return SchemaTree(root, tuple(files), tuple(problems))
