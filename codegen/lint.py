"""Checks on the schema tree. Every problem is collected; none stops the others."""

from __future__ import annotations

import json
import keyword
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

import jsonschema
import referencing

from codegen import naming
from codegen.bundle import UnresolvableReference, bundle, registry_for
from codegen.ecma_regex import EcmaValidator
from codegen.errors import SchemaProblem
from codegen.tree import ANNOTATION, SchemaFile, SchemaTree

__all__ = ["SERVER_FIELDS", "lint"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SERVER_FIELDS = ("message_id", "received_at")
"""Properties the gateway fills in, so every data type must declare them."""

_TOP_LEVEL_COMBINATORS = ("$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else")
# The title names the generated class: it must start with a letter.
_TITLE = re.compile(r"[A-Za-z][A-Za-z0-9 _-]*")


def lint(tree: SchemaTree) -> list[SchemaProblem]:
    problems = list(tree.problems)
    registry = registry_for(tree.files)
    for file in tree.files:
        problems.extend(_lint_file(file, registry))
    problems.extend(_lint_claims(tree))
    problems.extend(_lint_generated_names(tree))
    return sorted(set(problems))


def _lint_file(file: SchemaFile, registry: referencing.Registry[Any]) -> Iterator[SchemaProblem]:
    def problem(pointer: str, message: str) -> SchemaProblem:
        return SchemaProblem(str(file.path), pointer, message)

    document = file.document
    meta_errors = list(_metaschema_validator().iter_errors(document))
    for error in meta_errors:
        yield problem(_pointer(error.absolute_path), f"not a valid 2020-12 schema: {error.message}")
    if document.get("$schema") != DIALECT:
        yield problem("/$schema", f"must be {DIALECT!r}")
    if document.get("$id") != file.expected_id:
        yield problem("/$id", f"must be {file.expected_id!r} (the file's path), not {document.get('$id')!r}")
    yield from (problem("", message) for message in _naming_problems(file.path))
    if file.is_data_type:
        yield from (problem(pointer, message) for pointer, message in _annotation_problems(file))
        yield from (problem(pointer, message) for pointer, message in _shape_problems(document))
    try:
        bundled = bundle(file, registry)
    except UnresolvableReference as error:
        yield problem(error.pointer, str(error))
        return
    # Checks that run the schema need a valid one: its own problems are reported above.
    if file.is_data_type and not meta_errors:
        yield from (problem(pointer, message) for pointer, message in _field_problems(file, bundled))
        yield from (problem(pointer, message) for pointer, message in _example_problems(bundled))


def _naming_problems(path: PurePosixPath) -> Iterator[str]:
    if not naming.VERSION_FILE.fullmatch(path.name):
        yield "file name must be v<N>.json (v1.json, v2.json, …)"
    for segment in path.parent.parts:
        if not naming.SEGMENT.fullmatch(segment):
            yield f"directory {segment!r} must be lower-case snake_case"
        elif keyword.iskeyword(segment):
            yield f"directory {segment!r} is a Python keyword and cannot name a generated module"
    if not path.parent.parts:
        yield "schemas live in a directory named after their data type, not at the root"


def _annotation_problems(file: SchemaFile) -> Iterator[tuple[str, str]]:
    for error in _vocabulary_validator().iter_errors(file.document[ANNOTATION]):
        yield f"/{ANNOTATION}{_pointer(error.absolute_path)}", error.message


def _annotation_is_valid(file: SchemaFile) -> bool:
    return file.is_data_type and _vocabulary_validator().is_valid(file.document[ANNOTATION])


def _shape_problems(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        yield "/title", "a data type needs a title; it names the generated model"
    elif not _TITLE.fullmatch(title):
        yield (
            "/title",
            f"title {title!r} must start with a letter and hold only letters, digits, spaces, - and _",
        )
    if document.get("type") != "object":
        yield "/type", "a data type must be an object"
    if document.get("additionalProperties") is not False:
        yield "/additionalProperties", "must be false, so misspelt fields are refused, not dropped"
    for combinator in _TOP_LEVEL_COMBINATORS:
        if combinator in document:
            yield (
                f"/{combinator}",
                f"{combinator!r} is not allowed at the top of a data type; "
                "the reading must be one plain object",
            )


def _field_problems(file: SchemaFile, bundled: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    properties = bundled.get("properties", {})
    required = bundled.get("required", [])
    for name in SERVER_FIELDS:
        if name not in properties:
            yield (
                "/properties",
                f"must declare {name!r} (the gateway sets it): refer to common/v1.json#/$defs/{name}",
            )
    key = file.annotation.get("key")
    if isinstance(key, str):
        if key not in required:
            yield f"/{ANNOTATION}/key", f"key {key!r} must be a required property"
        key_schema = properties.get(key)
        if not isinstance(key_schema, Mapping) or key_schema.get("type") != "string":
            yield f"/{ANNOTATION}/key", f"key {key!r} must be a string property"


def _example_problems(bundled: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    examples = bundled.get("examples", [])
    validator = EcmaValidator(bundled)
    for index, example in enumerate(examples):
        try:
            errors = list(validator.iter_errors(example))
        except (jsonschema.SchemaError, re.error) as unusable:
            yield f"/examples/{index}", f"the schema cannot check this example: {unusable}"
            continue
        for error in errors:
            yield (
                f"/examples/{index}{_pointer(error.absolute_path)}",
                f"example does not match the schema: {error.message}",
            )


def _lint_claims(tree: SchemaTree) -> Iterator[SchemaProblem]:
    """No two schemas may claim one route; a topic belongs to the versions of one data type."""
    routes: defaultdict[str, set[str]] = defaultdict(set)
    topics: defaultdict[str, set[str]] = defaultdict(set)
    for file in tree.data_types():
        if not _annotation_is_valid(file):
            continue  # its annotation problems are reported already
        for route in file.annotation["routes"]:
            routes[route].add(str(file.path))
        topics[file.annotation["topic"]["name"]].add(str(file.path))
    for route, claimants in routes.items():
        yield from _conflicts(claimants, f"/{ANNOTATION}/routes", f"route {route!r} is claimed by")
    for topic, claimants in topics.items():
        owners = {naming.data_type_name(PurePosixPath(path)) for path in claimants}
        if len(owners) > 1:
            yield from _conflicts(claimants, f"/{ANNOTATION}/topic/name", f"topic {topic!r} is claimed by")


def _lint_generated_names(tree: SchemaTree) -> Iterator[SchemaProblem]:
    """Distinct paths can make one generated name (device/state/door and device/state_door)."""
    constants: defaultdict[str, set[str]] = defaultdict(set)
    for file in tree.data_types():
        if naming.VERSION_FILE.fullmatch(file.path.name):
            constants[naming.constant_name(file.path)].add(str(file.path))
    for constant, claimants in constants.items():
        yield from _conflicts(claimants, "", f"the generated name {constant} is shared by")


def _conflicts(claimants: set[str], pointer: str, message: str) -> Iterator[SchemaProblem]:
    if len(claimants) < 2:
        return
    others = ", ".join(sorted(claimants))
    for path in sorted(claimants):
        yield SchemaProblem(path, pointer, f"{message} {others}")


@cache
def _metaschema_validator() -> jsonschema.protocols.Validator:
    meta = jsonschema.Draft202012Validator.META_SCHEMA
    # The format checker makes the meta-schema check that patterns are regular expressions.
    return jsonschema.Draft202012Validator(
        meta, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _vocabulary_validator() -> jsonschema.protocols.Validator:
    text = resources.files("codegen").joinpath("vocabulary.schema.json").read_text("utf-8")
    validator: jsonschema.protocols.Validator = EcmaValidator(json.loads(text))
    return validator


def _pointer(path: Any) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in path)
