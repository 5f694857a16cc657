"""Adding a data type is one schema file and a regeneration: no change to src/."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from codegen.generate import generate_into
from loom_catalog import CATALOG
from loom_gateway.catalog import load_catalog
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka

REPO = Path(__file__).resolve().parents[2]

LIGHT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://schemas.loom-gateway.dev/device/sensor/light/v1.json",
    "title": "Ambient light reading",
    "description": "Illuminance from the ambient light sensor.",
    "x-loom": {
        "routes": ["/sensor/light"],
        "key": "device_id",
        "topic": {
            "name": "device.sensor.light.raw",
            "partitions": 2,
            "retention": "P14D",
            "compression": "lz4",
            "max_message_bytes": 4096,
        },
    },
    "type": "object",
    "additionalProperties": False,
    "required": ["device_id", "recorded_at", "lux"],
    "properties": {
        "device_id": {"$ref": "../../../common/v1.json#/$defs/device_id"},
        "recorded_at": {"$ref": "../../../common/v1.json#/$defs/date_time"},
        "message_id": {"$ref": "../../../common/v1.json#/$defs/message_id"},
        "received_at": {"$ref": "../../../common/v1.json#/$defs/received_at"},
        "lux": {"type": "number", "minimum": 0},
    },
    "examples": [{"device_id": "watch-1", "recorded_at": "2025-07-08T16:53:08", "lux": 320.5}],
}


def test_a_ninth_schema_gets_its_route_and_topic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gateway_settings: Settings, topic_prefix: str
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    light = schemas / "device" / "sensor" / "light" / "v1.json"
    light.parent.mkdir(parents=True)
    light.write_text(json.dumps(LIGHT_SCHEMA), "utf-8")
    package = f"ninth_catalog_{uuid.uuid4().hex[:8]}"
    output = tmp_path / "generated"
    output.mkdir()
    generate_into(schemas, output, package)
    monkeypatch.syspath_prepend(str(output))

    catalog = load_catalog(f"{package}:CATALOG")

    assert len(catalog.data_types) == len(CATALOG.data_types) + 1
    new_routes = {route.path for route in catalog.routes} - {route.path for route in CATALOG.routes}
    assert new_routes == {"/sensor/light", "/v1/sensor/light"}
    with running_gateway(gateway_settings, catalog) as client:
        accepted = client.post(
            "/sensor/light", json={"device_id": "watch-1", "recorded_at": "2025-07-08T16:53:08", "lux": 320.5}
        )
        refused = client.post(
            "/sensor/light", json={"device_id": "watch-1", "recorded_at": "2025-07-08T16:53:08", "lux": -1}
        )

    assert accepted.status_code == 202, accepted.text
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "/lux"
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.light.raw", expected=1
    )
    assert [(r.key, json.loads(r.value)["lux"]) for r in records] == [(b"watch-1", 320.5)]
