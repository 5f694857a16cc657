"""The device registry over HTTP, against the real broker: registration as the Loom mobile client
does it, listing, patching, soft deletion refusing readings, several replicas, activity counts."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.devices import DeviceRegistry
from loom_gateway.settings import Settings
from tests.support.gateway import TEST_API_KEY, running_gateway
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import device_registration

pytestmark = pytest.mark.kafka

UTC_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
SERVER_FIELDS = {"first_seen_at", "last_seen_at", "created_at", "updated_at", "is_active", "deleted_at"}

T = TypeVar("T")


@pytest.fixture
def gateway(gateway_settings: Settings) -> Iterator[TestClient]:
    with running_gateway(gateway_settings, CATALOG) as client:
        yield client


def mobile_device(**changes: Any) -> dict[str, Any]:
    """The mobile client's registration, for a device of its own (tests share one broker)."""
    return device_registration(
        **{"device_id": str(uuid.uuid4()), "metadata": {"screen": "1080x2400"}, **changes}
    )


def gps_reading(device_id: str) -> dict[str, Any]:
    return {
        "device_id": device_id,
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


def accelerometer_reading(device_id: str) -> dict[str, Any]:
    return {
        **{key: value for key, value in gps_reading(device_id).items() if key not in _GPS_ONLY},
        "x": 0.1,
        "y": 9.8,
        "z": 0.3,
    }


_GPS_ONLY = {"latitude", "longitude", "altitude", "accuracy", "heading", "speed"}


def register(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/devices", json=body)
    assert response.status_code == 201, response.text
    device: dict[str, Any] = response.json()
    return device


def eventually(probe: Callable[[], T | None], what: str, within_s: float = 15.0) -> T:
    """Poll until ``probe`` returns something (eventual consistency between replicas)."""
    deadline = time.monotonic() + within_s
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within_s}s: {what}")
        time.sleep(0.05)


def registry_of(client: TestClient) -> DeviceRegistry:
    registry = client.app.state.device_registry
    assert isinstance(registry, DeviceRegistry)
    return registry


def test_registration_answers_201_with_the_device_the_mobile_client_needs(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    body = mobile_device()

    response = gateway.post("/devices", json=body, headers={"X-API-Key": TEST_API_KEY})

    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    device = response.json()
    assert {key: device[key] for key in body} == body
    assert set(device) == set(body) | SERVER_FIELDS
    for field in ("first_seen_at", "last_seen_at", "created_at", "updated_at"):
        assert UTC_TIMESTAMP.match(device[field]), device[field]
    assert device["first_seen_at"] == device["created_at"]
    assert device["is_active"] is True
    assert device["deleted_at"] is None
    [record] = read_topic(
        gateway_settings.kafka_bootstrap_servers,
        f"{topic_prefix}device.registry.devices.state",
        expected=1,
    )
    assert record.key == body["device_id"].encode()
    assert json.loads(record.value) == device
    assert gateway.get(f"/devices/{body['device_id']}").json() == device


def test_a_minimal_registration_gets_every_field_with_defaults(gateway: TestClient) -> None:
    device = register(gateway, {"device_id": "laptop-1", "name": "Laptop", "device_type": "desktop_linux"})

    assert device["tags"] == []
    assert device["metadata"] == {}
    assert device["platform"] is None
    assert device["service_config"] is None


def test_re_registering_keeps_one_device_and_its_first_seen_at(gateway: TestClient) -> None:
    body = mobile_device()
    first = register(gateway, body)

    # Server fields a client sends are replaced, not stored.
    again = register(
        gateway,
        {**body, "name": "Pixel 8 Pro", "first_seen_at": "2000-01-01T00:00:00Z", "is_active": False},
    )

    assert again["name"] == "Pixel 8 Pro"
    assert again["first_seen_at"] == first["first_seen_at"]
    assert again["created_at"] == first["created_at"]
    assert again["is_active"] is True
    listed = gateway.get("/devices").json()
    assert [device["device_id"] for device in listed] == [body["device_id"]]
    assert listed[0] == again


def test_a_registration_off_the_schema_is_refused_by_field_and_not_stored(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    body = mobile_device(device_type="phone", tags="personal")
    del body["name"]

    response = gateway.post("/devices", json=body)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("/invalid-device")
    assert problem["schema"] == "https://schemas.loom-gateway.dev/device/registry/devices/v1.json"
    assert {(error["pointer"], error["rule"]) for error in problem["errors"]} == {
        ("/name", "required"),
        ("/device_type", "enum"),
        ("/tags", "type"),
    }
    assert (
        gateway.post("/devices", content=b"{not json", headers={"content-type": "application/json"})
        .json()["type"]
        .endswith("/malformed-body")
    )
    assert gateway.post("/devices", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
    assert gateway.get("/devices").json() == []
    assert (
        read_topic(gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.registry.devices.state")
        == []
    )


def test_listing_filters_and_pages_in_registration_order(gateway: TestClient) -> None:
    phones = [register(gateway, mobile_device(name=f"phone {index}")) for index in range(3)]
    service = register(
        gateway,
        {"device_id": "ingest-1", "name": "Ingest", "device_type": "service", "service_name": "ingest"},
    )

    def ids(query: str) -> list[str]:
        response = gateway.get(f"/devices{query}")
        assert response.status_code == 200, response.text
        return [device["device_id"] for device in response.json()]

    phone_ids = [phone["device_id"] for phone in phones]
    assert ids("") == [*phone_ids, service["device_id"]]
    assert ids("?device_type=mobile_android") == phone_ids
    assert ids("?service_name=ingest") == ["ingest-1"]
    assert ids("?device_type=service&service_name=other") == []
    assert ids("?limit=2") == phone_ids[:2]
    assert ids("?limit=2&offset=2") == [phone_ids[2], "ingest-1"]
    assert ids("?offset=10") == []
    assert ids("?is_active=true&device_type=mobile_android&limit=1&offset=1") == phone_ids[1:2]
    for query, parameter in [
        ("?limit=0", "limit"),
        ("?limit=1001", "limit"),
        ("?is_active=yes", "is_active"),
    ]:
        response = gateway.get(f"/devices{query}")
        assert response.status_code == 400, query
        assert response.json()["parameter"] == parameter


def test_patch_merges_the_given_fields_and_refuses_server_fields(gateway: TestClient) -> None:
    device = register(gateway, mobile_device())
    path = f"/devices/{device['device_id']}"

    response = gateway.patch(
        path, json={"name": "Work phone", "metadata": {"owner": "me"}, "tags": None, "platform": "android 14"}
    )

    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["name"] == "Work phone"
    assert patched["metadata"] == {"screen": "1080x2400", "owner": "me"}
    assert patched["tags"] == []
    assert patched["platform"] == "android 14"
    assert patched["first_seen_at"] == device["first_seen_at"]
    assert gateway.get(path).json() == patched

    refused = gateway.patch(path, json={"is_active": False, "device_id": "another", "name": None})
    assert refused.status_code == 422
    assert {(error["pointer"], error["rule"]) for error in refused.json()["errors"]} == {
        ("/is_active", "readOnly"),
        ("/device_id", "const"),
    }
    invalid = gateway.patch(path, json={"name": None, "device_type": "toaster"})
    assert invalid.status_code == 422
    assert {(error["pointer"], error["rule"]) for error in invalid.json()["errors"]} == {
        ("/name", "required"),
        ("/device_type", "enum"),
    }
    assert gateway.get(path).json() == patched
    assert gateway.patch("/devices/nobody", json={"name": "x"}).status_code == 404


def test_a_deleted_device_is_hidden_and_its_readings_are_refused_until_restored(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    device = register(gateway, mobile_device())
    device_id = device["device_id"]
    gps_topic = f"{topic_prefix}device.sensor.gps.raw"

    deleted = gateway.delete(f"/devices/{device_id}")

    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["is_active"] is False
    assert UTC_TIMESTAMP.match(deleted.json()["deleted_at"])
    missing = gateway.get(f"/devices/{device_id}")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/device-not-found")
    assert gateway.get("/devices").json() == []
    assert [d["device_id"] for d in gateway.get("/devices?is_active=false").json()] == [device_id]
    assert gateway.delete(f"/devices/{device_id}").status_code == 404

    refused = gateway.post("/sensor/gps", json=gps_reading(device_id))
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert problem["type"].endswith("/device-deleted")
    assert device_id in problem["detail"]
    assert problem["device_id"] == device_id
    again = gateway.post("/devices", json=mobile_device(device_id=device_id))
    assert again.status_code == 403
    assert read_topic(gateway_settings.kafka_bootstrap_servers, gps_topic) == []

    restored = gateway.post(f"/devices/{device_id}/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["is_active"] is True
    assert gateway.post("/sensor/gps", json=gps_reading(device_id)).status_code == 202
    assert len(read_topic(gateway_settings.kafka_bootstrap_servers, gps_topic, expected=1)) == 1


def test_unregistered_devices_may_still_send_readings(gateway: TestClient) -> None:
    # The mobile client carries on when its registration fails.
    assert gateway.post("/sensor/gps", json=gps_reading(str(uuid.uuid4()))).status_code == 202


def test_a_second_replica_loads_the_registry_and_follows_the_first(gateway_settings: Settings) -> None:
    first_settings = gateway_settings.model_copy(update={"device_replica_id": "replica-a"})
    second_settings = gateway_settings.model_copy(update={"device_replica_id": "replica-b"})
    with running_gateway(first_settings, CATALOG) as first:
        early = register(first, mobile_device(name="registered before the second replica started"))
        with running_gateway(second_settings, CATALOG) as second:
            # Ready means caught up: the earlier device is there at once.
            assert second.get(f"/devices/{early['device_id']}").json() == early

            late = register(first, mobile_device(name="registered while both run"))
            seen = eventually(
                lambda: (
                    second.get(f"/devices/{late['device_id']}").json()
                    if second.get(f"/devices/{late['device_id']}").status_code == 200
                    else None
                ),
                "the second replica sees the first one's new device",
            )
            assert seen == late

            assert first.delete(f"/devices/{early['device_id']}").status_code == 200
            eventually(
                lambda: (
                    True
                    if second.post("/sensor/gps", json=gps_reading(early["device_id"])).status_code == 403
                    else None
                ),
                "the second replica refuses the deleted device's readings",
            )
            # Writes on the second replica build on what the first wrote.
            patched = second.patch(f"/devices/{late['device_id']}", json={"tags": ["shared"]})
            assert patched.status_code == 200, patched.text
            assert patched.json()["name"] == "registered while both run"


def test_activity_counts_accepted_readings_per_data_type_summed_over_replicas(
    gateway_settings: Settings, topic_prefix: str
) -> None:
    first_settings = gateway_settings.model_copy(update={"device_replica_id": "replica-a"})
    second_settings = gateway_settings.model_copy(update={"device_replica_id": "replica-b"})
    device_id = str(uuid.uuid4())
    with (
        running_gateway(first_settings, CATALOG) as first,
        running_gateway(second_settings, CATALOG) as second,
    ):
        register(first, mobile_device(device_id=device_id))
        for _ in range(3):
            assert first.post("/sensor/gps", json=gps_reading(device_id)).status_code == 202
        assert first.post("/sensor/accelerometer", json=accelerometer_reading(device_id)).status_code == 202
        assert second.post("/sensor/gps", json=gps_reading(device_id)).status_code == 202
        invalid = {**gps_reading(device_id), "latitude": 500}
        assert first.post("/sensor/gps", json=invalid).status_code == 422  # refused: not counted

        # Unwritten counts are in the replica's own answer at once.
        [own] = first.get("/devices/activity").json()
        assert own["device_id"] == device_id
        assert own["counts"] == {"device.sensor.accelerometer.v1": 1, "device.sensor.gps.v1": 3}
        assert own["total"] == 4
        assert UTC_TIMESTAMP.match(own["last_seen_at"])

        assert first.blocking_portal.call(registry_of(first).flush_activity) == 1
        assert first.blocking_portal.call(registry_of(first).flush_activity) == 0  # nothing changed since

        def summed() -> list[dict[str, Any]] | None:
            activity: list[dict[str, Any]] = second.get("/devices/activity").json()
            return activity if activity and activity[0]["total"] == 5 else None

        [both] = eventually(summed, "the second replica sums the first one's slot with its own")
        assert both["counts"] == {"device.sensor.accelerometer.v1": 1, "device.sensor.gps.v1": 4}

    # On the topic: one slot per replica (the second wrote its own at shutdown).
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.registry.activity.state", expected=2
    )
    slots = {record.key: json.loads(record.value) for record in records}
    assert len(records) == 2
    assert slots[f"{device_id}/replica-a".encode()]["counts"] == {
        "device.sensor.accelerometer.v1": 1,
        "device.sensor.gps.v1": 3,
    }
    second_slot = slots[f"{device_id}/replica-b".encode()]
    assert (second_slot["device_id"], second_slot["replica_id"], second_slot["slot"]) == (
        device_id,
        "replica-b",
        f"{device_id}/replica-b",
    )
    assert second_slot["counts"] == {"device.sensor.gps.v1": 1}


def test_shutdown_writes_the_activity_not_yet_written(gateway_settings: Settings, topic_prefix: str) -> None:
    device_id = str(uuid.uuid4())
    with running_gateway(
        gateway_settings.model_copy(update={"device_replica_id": "leaving"}), CATALOG
    ) as client:
        assert client.post("/sensor/gps", json=gps_reading(device_id)).status_code == 202

    slots = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.registry.activity.state", expected=1
    )
    assert [json.loads(record.value)["counts"] for record in slots] == [{"device.sensor.gps.v1": 1}]

    # A restart under the same replica id carries on counting from its slot.
    with running_gateway(
        gateway_settings.model_copy(update={"device_replica_id": "leaving"}), CATALOG
    ) as client:
        assert client.post("/sensor/gps", json=gps_reading(device_id)).status_code == 202
        [activity] = client.get("/devices/activity").json()
        assert activity["counts"] == {"device.sensor.gps.v1": 2}


def test_the_registry_endpoints_are_in_the_openapi_document(gateway: TestClient) -> None:
    paths = gateway.get("/openapi.json").json()["paths"]

    assert {"get", "post"} <= set(paths["/devices"])
    assert {"get", "patch", "delete"} <= set(paths["/devices/{device_id}"])
    assert "get" in paths["/devices/activity"]
