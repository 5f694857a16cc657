"""Checks on the schema tree. Every problem is collected; none stops the others."""

from __future__ import annotations

import json
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
from codegen.errors import SchemaProblem
from codegen.tree import ANNOTATION, SchemaFile, SchemaTree

__all__ = ["SERVER_FIELDS", "lint"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SERVER_FIELDS = ("message_id", "received_at")
"""Properties the gateway fills in, so every data type must declare them."""

_TOP_LEVEL_COMBINATORS = ("$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else")


def lint(tree: SchemaTree) -> list[SchemaProblem]:
    problems = list(tree.problems)
    registry = registry_for(tree.files)
    for file in tree.files:
        problems.extend(_lint_file(file, registry))
    problems.extend(_lint_claims(tree))
    return sorted(problems)


def _lint_file(file: SchemaFile, registry: referencing.Registry[Any]) -> Iterator[SchemaProblem]:
    def problem(pointer: str, message: str) -> SchemaProblem:
        return SchemaProblem(str(file.path), pointer, message)

    document = file.document
    for error in _metaschema_validator().iter_errors(document):
        yield problem(_pointer(error.absolute_path), f"not a valid 2020-12 schema: {error.message}")
    if document.get("$schema") != DIALECT:
        yield problem("/$schema", f"must be {DIALECT!r}")
    if document.get("$id") != file.expected_id:
        yield problem("/$id", f"must be {file.expected_id!r} (the file's path), not {document.get('$id')!r}")
    yield from (problem("", message) for message in _naming_problems(file.path))
    try:
        bundled = bundle(file, registry)
    except UnresolvableReference as error:
        yield problem(error.pointer, str(error))
        return
    if file.is_data_type:
        yield from (problem(pointer, message) for pointer, message in _data_type_problems(file, bundled))


def _naming_problems(path: PurePosixPath) -> Iterator[str]:
    if not naming.VERSION_FILE.match(path.name):
        yield "file name must be v<N>.json (v1.json, v2.json, …)"
    for segment in path.parent.parts:
        if not naming.SEGMENT.match(segment):
            yield f"directory {segment!r} must be lower-case snake_case"
    if not path.parent.parts:
        yield "schemas live in a directory named after their data type, not at the root"


def _data_type_problems(file: SchemaFile, bundled: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for error in _vocabulary_validator().iter_errors(file.document[ANNOTATION]):
        yield f"/{ANNOTATION}{_pointer(error.absolute_path)}", error.message
    yield from _shape_problems(file.document)
    yield from _field_problems(file, bundled)
    yield from _example_problems(bundled)


def _shape_problems(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if not isinstance(document.get("title"), str) or not document["title"].strip():
        yield "/title", "a data type needs a title; it names the generated model"
    if document.get("type") != "object":
        yield "/type", "a data type must be an object"
    if document.get("additionalProperties") is not False:
        yield "/additionalProperties", "must be false, so misspelt fields are refused, not dropped"
    for keyword in _TOP_LEVEL_COMBINATORS:
        if keyword in document:
            yield (
                f"/{keyword}",
                f"{keyword!r} is not allowed at the top of a data type; the reading must be one plain object",
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
        if properties.get(key, {}).get("type") != "string":
            yield f"/{ANNOTATION}/key", f"key {key!r} must be a string property"


def _example_problems(bundled: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    validator = jsonschema.Draft202012Validator(bundled)
    for index, example in enumerate(bundled.get("examples", [])):
        for error in validator.iter_errors(example):
            yield (
                f"/examples/{index}{_pointer(error.absolute_path)}",
                f"example does not match the schema: {error.message}",
            )


def _lint_claims(tree: SchemaTree) -> Iterator[SchemaProblem]:
    """No two schemas may claim one route; a topic belongs to the versions of one data type."""
    routes: defaultdict[str, list[SchemaFile]] = defaultdict(list)
    topics: defaultdict[str, list[SchemaFile]] = defaultdict(list)
    for file in tree.data_types():
        for route in file.annotation.get("routes", []):
            routes[route].append(file)
        topic = file.annotation.get("topic", {})
        if isinstance(topic, Mapping) and isinstance(topic.get("name"), str):
            topics[topic["name"]].append(file)
    for route, claimants in routes.items():
        if len(claimants) > 1:
            others = ", ".join(str(file.path) for file in claimants)
            for file in claimants:
                yield SchemaProblem(
                    str(file.path), f"/{ANNOTATION}/routes", f"route {route!r} is claimed by {others}"
                )
    for topic, claimants in topics.items():
        owners = {naming.data_type_name(file.path) for file in claimants}
        if len(owners) > 1:
            others = ", ".join(str(file.path) for file in claimants)
            for file in claimants:
                yield SchemaProblem(
                    str(file.path), f"/{ANNOTATION}/topic/name", f"topic {topic!r} is claimed by {others}"
                )


@cache
def _metaschema_validator() -> jsonschema.protocols.Validator:
    meta = jsonschema.Draft202012Validator.META_SCHEMA
    return jsonschema.Draft202012Validator(meta)


@cache
def _vocabulary_validator() -> jsonschema.protocols.Validator:
    text = resources.files("codegen").joinpath("vocabulary.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def _pointer(path: Any) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in path)
