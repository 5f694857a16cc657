"""Readings posted over HTTP, read back from the broker over the wire."""

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


def gps_reading(**changes: Any) -> dict[str, Any]:
    """A GPS body exactly as the Loom mobile client sends it."""
    reading = {
        "device_id": "3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13",
        "recorded_at": "2025-07-08T16:53:08.123456",
        "timestamp": None,
        "message_id": str(uuid.uuid4()),
        "trace_id": None,
        "services_encountered": ["mobile-client"],
        "content_hash": "abc123",
        "latitude": 52.3676,
        "longitude": 4.9041,
        "altitude": 2.5,
        "accuracy": 8.0,
        "heading": None,
        "speed": 0.0,
    }
    return {**reading, **changes}


def test_valid_gps_reading_is_acknowledged_and_on_its_topic_exactly_once(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    reading = gps_reading()

    response = gateway.post("/sensor/gps", json=reading)

    assert response.status_code == 202, response.text
    assert response.json() == {
        "status": "success",
        "message_id": reading["message_id"],
        "topic": f"{topic_prefix}device.sensor.gps.raw",
        "trace_id": None,
    }
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw", expected=1
    )
    assert len(records) == 1
    [record] = records
    assert record.key == reading["device_id"].encode()
    published = json.loads(record.value)
    received_at = published.pop("received_at")
    assert received_at.endswith("Z")
    assert published.pop("schema_version") == 1
    assert published == reading
    assert record.headers["loom.message_id"] == reading["message_id"].encode()
    assert record.headers["loom.schema"] == b"https://schemas.loom-gateway.dev/device/sensor/gps/v1.json"


def test_latitude_out_of_range_is_refused_by_name_and_nothing_is_published(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    response = gateway.post("/sensor/gps", json=gps_reading(latitude=500))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [
        {"pointer": "/latitude", "rule": "maximum", "message": "Input should be less than or equal to 90"}
    ]
    assert "latitude" in problem["detail"]
    assert read_topic(gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw") == []


def test_gateway_assigns_a_message_id_when_the_client_sends_none(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    reading = gps_reading()
    del reading["message_id"]

    response = gateway.post("/sensor/gps", json=reading)

    assert response.status_code == 202
    assigned = response.json()["message_id"]
    assert uuid.UUID(assigned).version == 4
    [record] = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw", expected=1
    )
    assert json.loads(record.value)["message_id"] == assigned


def test_batch_publishes_the_valid_readings_and_reports_each_item(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    good = [gps_reading(), gps_reading(device_id="other-device")]
    bad = gps_reading(longitude="east")

    response = gateway.post("/sensor/gps", json=[good[0], bad, good[1]])

    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["status"], body["total"], body["processed"], body["failed"]) == ("partial", 3, 2, 1)
    assert [item["status"] for item in body["results"]] == ["accepted", "refused", "accepted"]
    assert body["results"][1]["errors"][0]["pointer"] == "/1/longitude"
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw", expected=2
    )
    assert sorted(json.loads(r.value)["message_id"] for r in records) == sorted(r["message_id"] for r in good)
    assert {r.key for r in records} == {b"3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13", b"other-device"}


def test_batch_of_only_invalid_readings_is_refused_as_a_whole(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    response = gateway.post("/sensor/gps", json=[gps_reading(latitude=-91), gps_reading(speed=-1)])

    assert response.status_code == 422
    assert response.json()["failed"] == 2
    assert read_topic(gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw") == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "problem"),
    [
        (b'{"device_id": ', "application/json", 400, "malformed-body"),
        (b"\xff\xfe{}", "application/json", 400, "malformed-body"),
        (b"latitude=5", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
        (b"[" + b"{}," * 1000 + b"{}]", "application/json", 413, "batch-too-large"),
    ],
    ids=["truncated-json", "invalid-utf8", "form-encoded", "too-many-items"],
)
def test_unusable_bodies_get_a_problem_and_publish_nothing(
    gateway: TestClient,
    gateway_settings: Settings,
    topic_prefix: str,
    body: bytes,
    content_type: str,
    status: int,
    problem: str,
) -> None:
    response = gateway.post("/sensor/gps", content=body, headers={"content-type": content_type})

    assert response.status_code == status, response.text
    assert response.json()["type"].endswith(f"/{problem}")
    assert read_topic(gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw") == []


def test_body_over_the_schema_limit_is_refused_with_413(gateway: TestClient) -> None:
    limit = CATALOG.routes[0].data_type.max_body_bytes  # /audio/upload
    response = gateway.post(
        "/audio/upload", content=b" " * (limit + 1), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_metadata_is_accepted_on_both_of_its_routes(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    body = {
        "device_id": "3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13",
        "recorded_at": "2025-07-08T16:53:08.123",
        "metadata_type": "android_app_info",
        "metadata": {"package_name": "com.example", "install_time": None, "permissions": []},
    }
    for path in ("/system/metadata", "/device/metadata"):
        assert gateway.post(path, json=body).status_code == 202

    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.metadata.raw", expected=2
    )
    assert len(records) == 2


def test_readiness_and_metrics_report_the_state(gateway: TestClient) -> None:
    gateway.post("/sensor/gps", json=gps_reading())
    gateway.post("/sensor/gps", json=gps_reading(latitude=500))

    assert gateway.get("/readyz").json() == {"status": "ready"}
    assert gateway.get("/healthz").json() == {"status": "healthy"}
    metrics = gateway.get("/metrics").text
    assert 'loom_readings_total{data_type="device.sensor.gps.v1",outcome="accepted"} 1.0' in metrics
    assert 'loom_readings_total{data_type="device.sensor.gps.v1",outcome="refused"} 1.0' in metrics
    assert "loom_ready 1.0" in metrics


def test_a_retry_with_the_same_message_id_is_acknowledged_but_not_published_twice(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    reading = gps_reading()

    first = gateway.post("/sensor/gps", json=reading)
    retry = gateway.post("/sensor/gps", json=reading)
    in_one_batch = gateway.post("/sensor/gps", json=[reading, reading])
    # A message id is its device's: another device's reading with the same id is a reading of its own.
    other_device = gateway.post("/sensor/gps", json={**reading, "device_id": "another-device"})

    answers = (first.status_code, retry.status_code, in_one_batch.status_code, other_device.status_code)
    assert answers == (202, 202, 202, 202)
    assert retry.json()["message_id"] == reading["message_id"]
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw", expected=2
    )
    keys = sorted(record.key for record in records)
    assert keys == sorted([reading["device_id"].encode(), b"another-device"])
    assert "loom_duplicate_readings_total 3.0" in gateway.get("/metrics").text


def test_a_device_over_its_rate_gets_429_with_retry_after_and_publishes_nothing_more(
    gateway_settings: Settings, topic_prefix: str
) -> None:
    settings = gateway_settings.model_copy(update={"device_rate_limit": 0.01, "device_rate_burst": 2})

    with running_gateway(settings, CATALOG) as client:
        answers = [client.post("/sensor/gps", json=gps_reading()) for _ in range(3)]
        other_device = client.post("/sensor/gps", json=gps_reading(device_id="another-one"))

    assert [answer.status_code for answer in answers] == [202, 202, 429]
    assert int(answers[2].headers["retry-after"]) >= 1
    assert answers[2].json()["type"].endswith("/rate-limited")
    assert other_device.status_code == 202
    records = read_topic(settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw", expected=3)
    assert len(records) == 3
