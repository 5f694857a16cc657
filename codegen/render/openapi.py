"""The ingestion API as an OpenAPI 3.1 document, built from the schemas themselves.

OpenAPI 3.1 speaks JSON Schema 2020-12, so each reading's bundled schema is its component as
is: every bound, pattern, enum, format, example and ``additionalProperties: false`` reaches
client generators (Litestar's own document drops some). Answers are described too: the
acknowledgements, the per-item report of a batch, and RFC 9457 problem documents with
``Retry-After`` where a retry is invited.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codegen.formats import CHECKED_FORMATS, used_formats
from codegen.render.header import TEXT_NOTICE
from codegen.served import Serving, served_dispatches, served_routes, served_streams
from codegen.spec import DataTypeSpec

__all__ = ["OPENAPI_FILE", "operation_id", "render_openapi"]

OPENAPI_FILE = "openapi.json"
_SCHEMAS = "#/components/schemas/"
_RESPONSES = "#/components/responses/"
_PROBLEM_MEDIA_TYPE = "application/problem+json"
_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}, {"bearer": []}]
"""Either header; devices send X-API-Key (the Loom mobile client's)."""
_REFUSALS = {
    "400": "The body is not JSON (or holds numbers JSON cannot carry).",
    "401": "No API key, or an unknown one.",
    "403": "The key may not write as this device, or the device was deleted.",
    "413": "The body, a reading, or the batch is too large.",
    "415": "The body is not application/json.",
    "422": "A reading does not match its schema (each broken rule has a JSON pointer).",
}
_RETRY_LATER = {
    "429": "This device sent more than its rate: retry after Retry-After seconds.",
    "503": "Kafka did not acknowledge in time, the gateway is overloaded or not ready: retry after "
    "Retry-After seconds with the same message_id (a retry is recognised and not published twice).",
}


def operation_id(path: str) -> str:
    """The POST operation's id, as clients name their methods after it (``/sensor/gps``: post_sensor_gps)."""
    return "post" + path.replace("/", "_").replace("-", "_")


def component_name(spec: DataTypeSpec) -> str:
    return f"{spec.name}.v{spec.version}".replace(".", "_")


def render_openapi(specs: list[DataTypeSpec], target: Path, serving: Serving | None = None) -> None:
    """Write the document to ``target`` (deterministic: paths and components in sorted order).
    ``serving``: the version each unversioned path serves (``codegen.pins``)."""
    readings = [spec for spec in specs if spec.kind == "reading"]
    paths: dict[str, Any] = {}
    for served in served_routes(readings, serving):
        paths[served.path] = {"post": _ingest_operation(served.path, served.spec)}
    for served in served_streams(readings, serving):
        paths[served.path] = {"get": _stream_operation(served.path, served.spec)}
    for served in served_dispatches(readings, serving):
        paths[served.path] = {"post": _dispatch_operation(served.path, served.spec, specs)}
    document = {
        "x-generated": TEXT_NOTICE,
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Loom Gateway",
            "version": "1",
            "description": "Devices post readings; each is validated against its schema and answered "
            "202 once Kafka has acknowledged it. Generated from schemas/ by `python -m codegen generate`."
            + _formats_description(readings),
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {
                **{component_name(spec): _component(spec) for spec in readings},
                **_answer_schemas(),
            },
            "responses": _responses(),
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _formats_description(readings: list[DataTypeSpec]) -> str:
    """The formats the schemas use, and what the gateway accepts for each (RFC 3339 has no name for
    Loom's date-time with an optional offset, so client generators treat it as a string)."""
    used = used_formats(spec.bundled for spec in readings)
    if not used:
        return ""
    lines = "".join(f"\n- `{name}`: {CHECKED_FORMATS[name].summary}" for name in used)
    return (
        "\n\nStrings with a `format` must be values that exist, not only of the pattern's shape; "
        "otherwise 422, rule `format`. Values are published as sent." + lines
    )


def _component(spec: DataTypeSpec) -> dict[str, Any]:
    # The dialect is the document's; the $id names the file the schema came from, not this.
    return {key: value for key, value in spec.bundled.items() if key not in ("$schema", "$id", "$comment")}


def _ref(component: str) -> dict[str, str]:
    return {"$ref": _SCHEMAS + component}


def _tag(spec: DataTypeSpec) -> str:
    return spec.name.split(".", 1)[0]


def _ingest_operation(route: str, spec: DataTypeSpec) -> dict[str, Any]:
    reading = {"$ref": _SCHEMAS + component_name(spec)}
    return {
        "tags": [_tag(spec)],
        "operationId": operation_id(route),
        "security": _SECURITY,
        "summary": f"Ingest {spec.title} (v{spec.version})",
        "description": f"Publishes to `{spec.topic_name}` once Kafka acknowledges it. Body: one reading, "
        f"or a JSON array of at most {spec.max_batch_items} (at most {spec.max_body_bytes} bytes). "
        f"Schema: {spec.schema_id}",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"oneOf": [reading, _array(reading, spec)]}}},
        },
        "responses": {
            "202": {
                "description": "Kafka has every reading.",
                "content": {
                    "application/json": {"schema": {"oneOf": [_ref("Accepted"), _ref("BatchReport")]}}
                },
            },
            **_batch_and_refusals(),
        },
    }


def _dispatch_operation(path: str, spec: DataTypeSpec, specs: list[DataTypeSpec]) -> dict[str, Any]:
    assert spec.dispatch is not None
    by_constant = {other.constant: other for other in specs}
    targets = ", ".join(
        f"`{value}` → `{by_constant[constant].topic_name}`" for value, constant in spec.dispatch.targets
    )
    reading = {"$ref": _SCHEMAS + component_name(spec)}
    return {
        "tags": [_tag(spec)],
        "operationId": operation_id(path),
        "security": _SECURITY,
        "summary": f"Ingest an array of {spec.title}s (v{spec.version}), each to its own data type",
        "description": f"A JSON array of at most {spec.max_batch_items} items ({spec.schema_id}). "
        f"By `{spec.dispatch.discriminator}`: {targets}; `{spec.dispatch.payload}` holds the target's "
        f"fields. Other items go to `{spec.topic_name}`. Answered per item.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": _array(reading, spec)}}},
        "responses": {
            "202": {
                "description": "Kafka has every reading.",
                "content": {"application/json": {"schema": {"$ref": _SCHEMAS + "BatchReport"}}},
            },
            **_batch_and_refusals(),
        },
    }


def _stream_operation(path: str, spec: DataTypeSpec) -> dict[str, Any]:
    parameters = [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
    return {
        "tags": [_tag(spec)],
        "operationId": "stream" + path.replace("/", "_").replace("{", "").replace("}", ""),
        "security": _SECURITY,
        "summary": f"Stream {spec.title}s (v{spec.version}) over a WebSocket",
        "description": "Upgrade to a WebSocket, then send one reading per text frame "
        f"(schema `{component_name(spec)}`). Each frame is answered by an acknowledgement once Kafka "
        "has the reading, or by a problem document; the connection stays open.",
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in parameters
        ],
        "responses": {"101": {"description": "Switching Protocols: the WebSocket is open."}},
        "x-websocket-frame": {"$ref": _SCHEMAS + component_name(spec)},
    }


def _array(reading: dict[str, Any], spec: DataTypeSpec) -> dict[str, Any]:
    return {"type": "array", "items": reading, "maxItems": spec.max_batch_items}


def _batch_and_refusals() -> dict[str, Any]:
    return {
        "207": {
            "description": "Some readings of the array were refused (listed per item); Kafka has the others.",
            "content": {"application/json": {"schema": {"$ref": _SCHEMAS + "BatchReport"}}},
        },
        **{status: {"$ref": _RESPONSES + f"Refused{status}"} for status in _REFUSALS},
        **{status: {"$ref": _RESPONSES + f"RetryLater{status}"} for status in _RETRY_LATER},
    }


def _responses() -> dict[str, Any]:
    problem = {_PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _SCHEMAS + "Problem"}}}
    responses: dict[str, Any] = {
        f"Refused{status}": {"description": description, "content": problem}
        for status, description in _REFUSALS.items()
    }
    for status, description in _RETRY_LATER.items():
        responses[f"RetryLater{status}"] = {
            "description": description,
            "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
            "content": problem,
        }
    return responses


def _answer_schemas() -> dict[str, Any]:
    field_error = {
        "type": "object",
        "description": "One broken rule, located by a JSON pointer into the request body.",
        "required": ["pointer", "rule", "message"],
        "properties": {
            "pointer": {"type": "string"},
            "rule": {"type": "string", "description": "The JSON Schema keyword, e.g. maximum or format."},
            "message": {"type": "string"},
        },
    }
    nullable_string = {"type": ["string", "null"]}
    return {
        "Accepted": {
            "type": "object",
            "description": "One reading, acknowledged by Kafka.",
            "required": ["status", "message_id", "topic", "trace_id"],
            "properties": {
                "status": {"const": "success"},
                "message_id": {"type": "string"},
                "topic": {"type": "string"},
                "trace_id": nullable_string,
            },
        },
        "BatchReport": {
            "type": "object",
            "description": "What became of each reading of a JSON-array body.",
            "required": ["status", "total", "processed", "failed", "errors", "trace_id", "results"],
            "properties": {
                "status": {"enum": ["success", "partial"]},
                "total": {"type": "integer"},
                "processed": {"type": "integer", "description": "Readings Kafka has."},
                "failed": {"type": "integer"},
                "errors": {"type": "array", "items": {"type": "string"}},
                "trace_id": nullable_string,
                "results": {"type": "array", "items": {"$ref": _SCHEMAS + "BatchItem"}},
            },
        },
        "BatchItem": {
            "type": "object",
            "required": ["index", "status"],
            "properties": {
                "index": {"type": "integer"},
                "status": {"enum": ["accepted", "refused", "failed"]},
                "message_id": {"type": "string"},
                "topic": {"type": "string"},
                "error": {
                    "type": "object",
                    "required": ["type", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
                "errors": {"type": "array", "items": {"$ref": _SCHEMAS + "FieldError"}},
            },
        },
        "FieldError": field_error,
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details. A refused batch also carries the BatchReport members.",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "schema": {"type": "string", "description": "The schema the reading was checked against."},
                "errors": {"type": "array", "items": {"$ref": _SCHEMAS + "FieldError"}},
            },
        },
    }
