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
from codegen.formats import FORMAT_CHECKER, format_problems
from codegen.tree import ANNOTATION, SchemaFile, SchemaTree

__all__ = ["SERVER_FIELDS", "lint"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SERVER_FIELDS = ("message_id", "received_at")
"""Properties the gateway fills in, so every data type must declare them."""

_TOP_LEVEL_COMBINATORS = ("$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else")
# The title names the generated class: it must start with a letter.
_TITLE = re.compile(r"[A-Za-z][A-Za-z0-9 _-]*")
_VERSION_PREFIX = re.compile(r"^/v[0-9]+/")


def lint(tree: SchemaTree) -> list[SchemaProblem]:
    problems = list(tree.problems)
    registry = registry_for(tree.files)
    for file in tree.files:
        problems.extend(_lint_file(file, registry))
    problems.extend(_lint_claims(tree))
    problems.extend(_lint_dispatch_targets(tree))
    problems.extend(_lint_kinds(tree))
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
    yield from (problem(pointer, message) for pointer, message in format_problems(document))
    if file.is_data_type:
        yield from (problem(pointer, message) for pointer, message in _annotation_problems(file))
        yield from (problem(pointer, message) for pointer, message in _shape_problems(document))
        yield from (problem(pointer, message) for pointer, message in _nested_object_problems(document))
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


def _nested_object_problems(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The top level is held to ``additionalProperties: false`` (see _shape_problems); below it,"""
    for key, value in document.items():
        if key not in ("examples", "default", "const", "enum", ANNOTATION):
            yield from _open_object_problems(value, f"/{_escape(key)}")


def _open_object_problems(schema: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """objects with properties must say whether others are allowed: left unsaid, the generated
    model would silently drop unknown keys instead of refusing or keeping them."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from _open_object_problems(item, f"{pointer}/{index}")
        return
    if not isinstance(schema, Mapping):
        return
    if isinstance(schema.get("properties"), Mapping) and "additionalProperties" not in schema:
        yield (
            pointer or "/",
            "an object with properties must set additionalProperties (false, true or a schema)",
        )
    for key, value in schema.items():
        if key not in ("examples", "default", "const", "enum", ANNOTATION):
            yield from _open_object_problems(value, f"{pointer}/{_escape(key)}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _field_problems(file: SchemaFile, bundled: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    properties = bundled.get("properties", {})
    required = bundled.get("required", [])
    is_reading = file.annotation.get("kind", "reading") == "reading"
    for name in SERVER_FIELDS if is_reading else ():
        if name not in properties:
            yield (
                "/properties",
                f"must declare {name!r} (the gateway sets it): refer to common/v1.json#/$defs/{name}",
            )
    if _annotation_is_valid(file):
        yield from _route_field_problems(file.annotation, properties, required)
    key = file.annotation.get("key")
    if isinstance(key, str):
        if key not in required:
            yield f"/{ANNOTATION}/key", f"key {key!r} must be a required property"
        key_schema = properties.get(key)
        if not isinstance(key_schema, Mapping) or key_schema.get("type") != "string":
            yield f"/{ANNOTATION}/key", f"key {key!r} must be a string property"


def _route_field_problems(
    annotation: Mapping[str, Any], properties: Mapping[str, Any], required: list[str]
) -> Iterator[tuple[str, str]]:
    """Stream path parameters and dispatch fields must be properties of the schema."""
    for index, stream in enumerate(annotation.get("streams", [])):
        for parameter in re.findall(r"\{([a-z0-9_]+)\}", stream):
            if parameter not in properties:
                yield f"/{ANNOTATION}/streams/{index}", f"path parameter {parameter!r} is not a property"
    dispatch = annotation.get("dispatch")
    if dispatch is None:
        return
    discriminator, payload = dispatch["discriminator"], dispatch["payload"]
    discriminator_schema = properties.get(discriminator)
    if discriminator not in required or not (
        isinstance(discriminator_schema, Mapping) and discriminator_schema.get("type") == "string"
    ):
        yield f"/{ANNOTATION}/dispatch/discriminator", f"{discriminator!r} must be a required string property"
    if payload not in properties:
        yield f"/{ANNOTATION}/dispatch/payload", f"{payload!r} is not a property"


def _example_problems(bundled: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    examples = bundled.get("examples", [])
    if not examples:
        # The integration guide, its tested curl lines and the OpenAPI document show them.
        yield "/examples", "a data type needs at least one example"
    validator = EcmaValidator(bundled, format_checker=FORMAT_CHECKER)
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
    """A route and a topic belong to the versions of one data type."""
    routes: defaultdict[str, set[str]] = defaultdict(set)
    topics: defaultdict[str, set[str]] = defaultdict(set)
    for file in tree.data_types():
        if not _annotation_is_valid(file):
            continue  # its annotation problems are reported already
        dispatch = file.annotation.get("dispatch")
        paths = [
            *file.annotation.get("routes", []),
            *file.annotation.get("streams", []),
            *([dispatch["route"]] if dispatch else []),
        ]
        for route in paths:
            routes[route].add(str(file.path))
        topics[file.annotation["topic"]["name"]].add(str(file.path))
    for route, claimants in routes.items():
        # The versions of one data type share their paths (served at /v<N>/…, the latest unversioned).
        owners = {naming.data_type_name(PurePosixPath(path)) for path in claimants}
        if len(owners) > 1:
            yield from _conflicts(claimants, f"/{ANNOTATION}/routes", f"route {route!r} is claimed by")
        if _VERSION_PREFIX.match(route):
            for claimant in sorted(claimants):
                yield SchemaProblem(
                    claimant,
                    f"/{ANNOTATION}/routes",
                    f"route {route!r} starts with a version: declare {_VERSION_PREFIX.sub('/', route)!r}; "
                    "the gateway serves it at /v<N>/… for each version itself",
                )
    for topic, claimants in topics.items():
        owners = {naming.data_type_name(PurePosixPath(path)) for path in claimants}
        if len(owners) > 1:
            yield from _conflicts(claimants, f"/{ANNOTATION}/topic/name", f"topic {topic!r} is claimed by")


def _lint_dispatch_targets(tree: SchemaTree) -> Iterator[SchemaProblem]:
    readings = {
        str(file.path)
        for file in tree.data_types()
        if _annotation_is_valid(file) and file.annotation.get("kind", "reading") == "reading"
    }
    for file in tree.data_types():
        if not _annotation_is_valid(file) or "dispatch" not in file.annotation:
            continue
        for value, target in sorted(file.annotation["dispatch"]["targets"].items()):
            if target not in readings:
                yield SchemaProblem(
                    str(file.path),
                    f"/{ANNOTATION}/dispatch/targets/{value}",
                    f"target {target!r} is not a reading data type in the tree",
                )


def _lint_kinds(tree: SchemaTree) -> Iterator[SchemaProblem]:
    """The registries are singletons: the runtime looks each one up by its kind."""
    by_kind: defaultdict[str, set[str]] = defaultdict(set)
    for file in tree.data_types():
        kind = file.annotation.get("kind", "reading")
        if kind != "reading" and _annotation_is_valid(file):
            by_kind[kind].add(str(file.path))
    for kind, claimants in by_kind.items():
        yield from _conflicts(claimants, f"/{ANNOTATION}/kind", f"kind {kind!r} is declared by")


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
