"""POST /sensor/batch: the mobile client's generic readings, each landing on its own data type's topic."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka


@pytest.fixture
def gateway(gateway_settings: Settings) -> Iterator[TestClient]:
    with running_gateway(gateway_settings, CATALOG) as client:
        yield client


def generic(sensor_type: str, value: Any, **changes: Any) -> dict[str, Any]:
    """A generic reading as the mobile client's SensorData serialises it."""
    return {
        "device_id": "3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13",
        "recorded_at": "2025-07-08T16:53:08.123",
        "timestamp": None,
        "message_id": str(uuid.uuid4()),
        "trace_id": None,
        "services_encountered": ["mobile-client"],
        "content_hash": None,
        "sensor_type": sensor_type,
        "value": value,
        "unit": None,
        "accuracy": None,
        **changes,
    }


def test_each_item_lands_on_the_topic_its_sensor_type_names(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    gps = generic("gps", {"latitude": 52.1, "longitude": 4.3})
    light = generic("light", 320.5, unit="lx")
    heart = generic("heartrate", {"bpm": 64, "confidence": 0.9})

    response = gateway.post("/sensor/batch", json=[gps, light, heart])

    assert response.status_code == 202, response.text
    body = response.json()
    assert {key: body[key] for key in ("status", "total", "processed", "failed", "errors")} == {
        "status": "success",
        "total": 3,
        "processed": 3,
        "failed": 0,
        "errors": [],
    }
    servers = gateway_settings.kafka_bootstrap_servers
    [gps_record] = read_topic(servers, f"{topic_prefix}device.sensor.gps.raw", expected=1)
    [light_record] = read_topic(servers, f"{topic_prefix}device.sensor.generic.raw", expected=1)
    [heart_record] = read_topic(servers, f"{topic_prefix}device.health.heartrate.raw", expected=1)
    published_gps = json.loads(gps_record.value)
    published_gps.pop("received_at")
    assert published_gps.pop("schema_version") == 1
    assert published_gps == {
        "device_id": gps["device_id"],
        "recorded_at": gps["recorded_at"],
        "timestamp": None,
        "message_id": gps["message_id"],
        "trace_id": None,
        "services_encountered": ["mobile-client"],
        "content_hash": None,
        "accuracy": None,
        "latitude": 52.1,
        "longitude": 4.3,
    }
    assert gps_record.headers["loom.schema"] == b"https://schemas.loom-gateway.dev/device/sensor/gps/v1.json"
    assert json.loads(light_record.value)["value"] == 320.5
    assert json.loads(heart_record.value)["bpm"] == 64
    assert [item["topic"] for item in body["results"]] == [
        f"{topic_prefix}device.sensor.gps.raw",
        f"{topic_prefix}device.sensor.generic.raw",
        f"{topic_prefix}device.health.heartrate.raw",
    ]


def test_items_that_break_their_target_schema_are_counted_failed_and_not_published(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    good = generic("accelerometer", {"x": 0.1, "y": 0.2, "z": 9.8})
    bad = generic("gps", {"latitude": 500, "longitude": 4.3})

    response = gateway.post("/sensor/batch", json=[good, bad])

    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["total"], body["processed"], body["failed"]) == (2, 1, 1)
    assert body["results"][1]["errors"][0]["pointer"] == "/1/value/latitude"
    assert len(body["errors"]) == 1
    servers = gateway_settings.kafka_bootstrap_servers
    assert read_topic(servers, f"{topic_prefix}device.sensor.gps.raw") == []
    assert len(read_topic(servers, f"{topic_prefix}device.sensor.accelerometer.raw", expected=1)) == 1
