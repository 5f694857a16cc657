"""/openapi.json: every endpoint, with the schemas' own constraints."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.app import create_app
from loom_gateway.settings import load_settings


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    # No lifespan: nothing connects to Kafka; the document needs none.
    app = create_app(load_settings(kafka_bootstrap_servers="127.0.0.1:9", auth_disabled=True), CATALOG)
    body: dict[str, Any] = TestClient(app).get("/openapi.json").json()
    return body


def test_every_ingestion_route_dispatch_route_and_stream_is_documented(document: dict[str, Any]) -> None:
    paths = document["paths"]
    for route in CATALOG.routes:
        assert "requestBody" in paths[route.path]["post"], route.path
    for dispatch in CATALOG.dispatches:
        assert "requestBody" in paths[dispatch.path]["post"]
    for stream in CATALOG.streams:
        assert paths[stream.path]["get"]["responses"] == {
            "101": {"description": "Switching Protocols: the WebSocket is open."}
        }


def test_the_device_registry_and_operations_are_documented(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert {"/devices", "/devices/activity", "/devices/{device_id}", "/healthz", "/readyz"} <= paths.keys()


def test_request_bodies_keep_the_schemas_constraints(document: dict[str, Any]) -> None:
    gps = document["components"]["schemas"]["device_sensor_gps_v1"]
    body = document["paths"]["/sensor/gps"]["post"]["requestBody"]["content"]["application/json"]["schema"]

    assert gps["properties"]["latitude"] == {
        "description": "Degrees north.",
        "type": "number",
        "minimum": -90,
        "maximum": 90,
    }
    assert gps["additionalProperties"] is False
    assert body["oneOf"][0] == {"$ref": "#/components/schemas/device_sensor_gps_v1"}
    assert body["oneOf"][1]["maxItems"] == 1000


def test_the_served_ingestion_operations_are_the_generated_ones(document: dict[str, Any]) -> None:
    generated = CATALOG.openapi_document()

    for route in CATALOG.routes:
        assert document["paths"][route.path] == generated["paths"][route.path], route.path
    assert document["openapi"] == "3.1.0"


def test_answers_are_described_with_problem_documents_and_retry_after(document: dict[str, Any]) -> None:
    operation = document["paths"]["/sensor/gps"]["post"]
    responses = document["components"]["responses"]

    statuses = {"202", "207", "400", "401", "403", "413", "415", "422", "429", "503"}
    assert set(operation["responses"]) == statuses
    assert operation["operationId"] == "post_sensor_gps"
    assert operation["security"] == [{"apiKey": []}, {"bearer": []}]
    refused = responses[operation["responses"]["422"]["$ref"].rsplit("/", 1)[1]]
    problem = refused["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    retry = responses[operation["responses"]["503"]["$ref"].rsplit("/", 1)[1]]
    assert retry["headers"] == {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
    accepted = document["components"]["schemas"]["Accepted"]
    assert accepted["required"] == ["status", "message_id", "topic", "trace_id"]
