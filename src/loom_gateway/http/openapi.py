"""The OpenAPI document at /openapi.json: Litestar's, completed from the schemas.

Litestar describes the routes it mounts but not bodies it never parses (ingestion reads raw
bytes) nor WebSockets. The request bodies here are the generated, self-contained schemas
themselves, so every constraint (bounds, patterns, additionalProperties) reaches clients.
"""

from __future__ import annotations

import copy
from typing import Any

from litestar import Request, get
from litestar.handlers import HTTPRouteHandler

from loom_gateway.catalog import Catalog, DataType

__all__ = ["openapi_handler"]

_COMPONENT_REF = "#/components/schemas/"


def openapi_handler(catalog: Catalog) -> HTTPRouteHandler:
    built: dict[str, Any] = {}

    @get("/openapi.json", include_in_schema=False, sync_to_thread=False)
    def openapi_document(request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The OpenAPI 3.1 document, at the path client generators expect."""
        if not built:
            built.update(complete(request.app.openapi_schema.to_schema(), catalog))
        return built

    return openapi_document


def complete(document: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """``document`` with ingestion request bodies, the readings' schemas and the WebSockets."""
    document = copy.deepcopy(document)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for data_type in catalog.readings():
        schema = dict(catalog.json_schema(data_type))
        schema.pop("$id", None)
        schema.pop("$comment", None)
        schemas[_name(data_type)] = schema
    paths = document.setdefault("paths", {})
    for route in catalog.routes:
        paths.setdefault(route.path, {}).setdefault("post", {})["requestBody"] = _one_or_many(route.data_type)
    for dispatch in catalog.dispatches:
        paths.setdefault(dispatch.path, {}).setdefault("post", {})["requestBody"] = _many(dispatch.data_type)
    for stream in catalog.streams:
        paths[stream.path] = {"get": _websocket_operation(stream.path, stream.data_type)}
    return document


def _name(data_type: DataType) -> str:
    return data_type.qualified_name.replace(".", "_")


def _one_or_many(data_type: DataType) -> dict[str, Any]:
    reading = {"$ref": _COMPONENT_REF + _name(data_type)}
    array = {"type": "array", "items": reading, "maxItems": data_type.max_batch_items}
    return {"required": True, "content": {"application/json": {"schema": {"oneOf": [reading, array]}}}}


def _many(data_type: DataType) -> dict[str, Any]:
    reading = {"$ref": _COMPONENT_REF + _name(data_type)}
    array = {"type": "array", "items": reading, "maxItems": data_type.max_batch_items}
    return {"required": True, "content": {"application/json": {"schema": array}}}


def _websocket_operation(path: str, data_type: DataType) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _parameters(path)
    ]
    return {
        "tags": [data_type.name.split(".", 1)[0]],
        "summary": f"Stream {data_type.title}s over a WebSocket",
        "description": (
            "Upgrade to a WebSocket, then send one reading per text frame "
            f"(schema `{_name(data_type)}`). Each frame is answered by an acknowledgement once Kafka has "
            "the reading, or by a problem document; the connection stays open."
        ),
        "operationId": "stream" + path.replace("/", "_").replace("{", "").replace("}", ""),
        "parameters": parameters,
        "responses": {"101": {"description": "Switching Protocols: the WebSocket is open."}},
        "x-websocket-frame": {"$ref": _COMPONENT_REF + _name(data_type)},
    }


def _parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
