"""The OpenAPI document at /openapi.json: the one codegen built from the schemas, plus what
Litestar knows of the routes the schemas do not describe (device registry, health, metrics).

The ingestion operations come from ``generated/loom_catalog/openapi.json``, whose request
bodies are the bundled schemas themselves, so every constraint reaches client generators.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.handlers import HTTPRouteHandler

from loom_gateway.catalog import Catalog

__all__ = ["merged", "openapi_handler"]

_PROBLEM_MEDIA_TYPE = "application/problem+json"


def openapi_handler(catalog: Catalog) -> HTTPRouteHandler:
    built: dict[str, Any] = {}

    @get("/openapi.json", include_in_schema=False, sync_to_thread=False)
    def openapi_document(request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The OpenAPI 3.1 document, at the path client generators expect."""
        if not built:
            built.update(merged(catalog.openapi_document(), request.app.openapi_schema.to_schema()))
        return built

    return openapi_document


def merged(generated: dict[str, Any], litestar: dict[str, Any]) -> dict[str, Any]:
    """``generated``, with Litestar's paths and components for routes it does not describe."""
    paths = generated.setdefault("paths", {})
    for path, item in litestar.get("paths", {}).items():
        if path not in paths:
            paths[path] = _with_problem_answers(item)
    schemas = generated.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in litestar.get("components", {}).get("schemas", {}).items():
        schemas.setdefault(name, schema)
    generated["paths"] = dict(sorted(paths.items()))
    return generated


def _with_problem_answers(item: dict[str, Any]) -> dict[str, Any]:
    """Litestar documents its own error body; every error here is answered as a problem document."""
    for operation in item.values():
        if not isinstance(operation, dict):
            continue
        for status, response in operation.get("responses", {}).items():
            if status[:1] in ("4", "5"):
                operation["responses"][status] = {
                    "description": response.get("description", "Refused"),
                    "content": {_PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
    return item
