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
