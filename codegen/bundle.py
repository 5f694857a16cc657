"""Self-contained copies of data-type schemas: every ``$ref`` replaced by what it points at.

Tools downstream (hypothesis-jsonschema, OpenAPI documents, consumers without access to
the tree) cannot follow references across files; the bundled form needs no resolver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import referencing
import referencing.exceptions
from referencing._core import Resolver  # the public alias is not exported for type checkers
from referencing.jsonschema import DRAFT202012

from codegen.errors import CodegenError
from codegen.tree import ANNOTATION, SchemaFile

__all__ = ["UnresolvableReference", "bundle", "registry_for"]

_DROPPED_AT_ROOT = frozenset({ANNOTATION, "$schema"})
# Keywords that describe but never constrain: beside a $ref they may simply be merged.
_ANNOTATIONS = frozenset(
    {"title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly", "$comment"}
)


class UnresolvableReference(CodegenError):
    def __init__(self, pointer: str, reference: str, reason: str) -> None:
        # The resolver's reason can quote a whole document; the first line says enough.
        reason = reason.splitlines()[0] if reason else reason
        if len(reason) > 200:
            reason = reason[:200] + "…"
        super().__init__(f"cannot resolve $ref {reference!r}: {reason}")
        self.pointer = pointer


def registry_for(files: Iterable[SchemaFile]) -> referencing.Registry[Any]:
    resources = [(file.expected_id, DRAFT202012.create_resource(dict(file.document))) for file in files]
    return referencing.Registry().with_resources(resources)


def bundle(file: SchemaFile, registry: referencing.Registry[Any]) -> dict[str, Any]:
    """The schema with references inlined and the gateway's annotation removed."""
    resolver = registry.resolver(base_uri=file.expected_id)
    inlined = _inline(file.document, resolver, pointer="", seen=())
    return {key: value for key, value in inlined.items() if key not in _DROPPED_AT_ROOT}


def _inline(node: Any, resolver: Resolver[Any], pointer: str, seen: tuple[int, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, resolver, f"{pointer}/{i}", seen) for i, item in enumerate(node)]
    if not isinstance(node, Mapping):
        return node
    reference = node.get("$ref")
    if isinstance(reference, str):
        try:
            resolved = resolver.lookup(reference)
        except referencing.exceptions.Unresolvable as error:
            raise UnresolvableReference(pointer, reference, str(error)) from error
        # The registry hands out the same object for the same target: identity finds cycles.
        target = id(resolved.contents)
        if target in seen:
            raise UnresolvableReference(pointer, reference, "references form a cycle")
        siblings = _inline({k: v for k, v in node.items() if k != "$ref"}, resolver, pointer, seen)
        inlined = _inline(resolved.contents, resolved.resolver, pointer, (*seen, target))
        if not (siblings.keys() - _ANNOTATIONS):
            return {**inlined, **siblings}
        # In 2020-12 a $ref and its sibling keywords all apply: keep both, never let one
        # overwrite the other (a sibling maxLength must not loosen the referenced one).
        return {**siblings, "allOf": [*siblings.get("allOf", []), inlined]}
    return {key: _inline(value, resolver, f"{pointer}/{_escape(key)}", seen) for key, value in node.items()}


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
