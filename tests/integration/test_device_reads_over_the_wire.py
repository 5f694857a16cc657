"""What a key bound to devices may read of the registry, and /devices/activity's paging and bound,
against ``loom-gateway serve`` (devices/routes.py, devices/_activity.py).

Proves: a bound key lists, gets and sees the activity of its own devices only; another device is
404 to it exactly as an unknown id is (so ids do not leak); /devices/activity is paged like
/devices; and a process keeps the activity of at most LOOM_DEVICE_ACTIVITY_MAX_DEVICES devices,
the most recently seen.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.gateway import TEST_API_KEY
from tests.support.mobile_bodies import device_registration
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

PHONE_KEY = "phone-key-0123456789abcdef"
PHONE = str(uuid.uuid4())
OTHER = str(uuid.uuid4())
MAX_DEVICES = 3


@pytest.fixture(scope="module")
def server(kafka_bootstrap_servers: str) -> Iterator[ServeServer]:
    with running_serve(
        kafka_bootstrap_servers,
        workers=1,
        kafka_topic_prefix=f"reads{time.monotonic_ns() % 10**9}.",
        api_keys=json.dumps({TEST_API_KEY: "*", PHONE_KEY: [PHONE]}),
        device_activity_max_devices=MAX_DEVICES,
    ) as running:
        any_key = {"X-API-Key": TEST_API_KEY}
        for device_id in (PHONE, OTHER):
            registered = httpx.post(
                f"{running.base_url}/devices", json=device_registration(device_id=device_id), headers=any_key
            )
            assert registered.status_code == 201, registered.text
            assert post_reading(running, device_id, TEST_API_KEY).status_code == 202
        yield running


def post_reading(server: ServeServer, device_id: str, key: str) -> httpx.Response:
    reading = {
        "device_id": device_id,
        "recorded_at": "2025-07-08T16:53:08.123456",
        "message_id": str(uuid.uuid4()),
        "bpm": 61,
    }
    return httpx.post(
        f"{server.base_url}/sensor/heartrate", json=reading, headers={"X-API-Key": key}, timeout=30
    )


def get(server: ServeServer, path: str, key: str) -> httpx.Response:
    return httpx.get(server.base_url + path, headers={"X-API-Key": key}, timeout=30)


def ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, Any]] = answer.json()
    return [entry["device_id"] for entry in listed]


def test_a_bound_key_lists_and_gets_only_its_devices(server: ServeServer) -> None:
    assert set(ids(get(server, "/devices?limit=1000", TEST_API_KEY))) >= {PHONE, OTHER}
    assert ids(get(server, "/devices", PHONE_KEY)) == [PHONE]
    assert get(server, f"/devices/{PHONE}", PHONE_KEY).json()["device_id"] == PHONE


def test_another_device_is_404_to_a_bound_key_exactly_as_an_unknown_one(server: ServeServer) -> None:
    other = get(server, f"/devices/{OTHER}", PHONE_KEY)
    unknown = get(server, f"/devices/{uuid.uuid4()}", PHONE_KEY)

    assert (other.status_code, unknown.status_code) == (404, 404)
    assert other.json()["type"] == unknown.json()["type"]
    assert other.json().keys() == unknown.json().keys()
    assert "service_config" not in other.text
    assert get(server, f"/devices/{OTHER}", TEST_API_KEY).status_code == 200  # it does exist


def test_a_bound_key_sees_only_its_devices_activity(server: ServeServer) -> None:
    assert ids(get(server, "/devices/activity", PHONE_KEY)) == [PHONE]
    assert set(ids(get(server, "/devices/activity", TEST_API_KEY))) >= {PHONE, OTHER}


def test_activity_is_paged_like_devices(server: ServeServer) -> None:
    everything = ids(get(server, "/devices/activity?limit=1000", TEST_API_KEY))
    assert len(everything) >= 2
    assert everything == sorted(everything)

    first = ids(get(server, "/devices/activity?limit=1", TEST_API_KEY))
    second = ids(get(server, "/devices/activity?limit=1&offset=1", TEST_API_KEY))

    assert first + second == everything[:2]
    for bad in ("limit=0", "limit=1001", "offset=-1", "limit=%C2%B2"):
        refused = get(server, f"/devices/activity?{bad}", TEST_API_KEY)
        assert refused.status_code == 400, (bad, refused.text)
        assert refused.json()["type"].endswith("/invalid-query")


def test_a_process_keeps_the_activity_of_its_most_recently_seen_devices_only(server: ServeServer) -> None:
    latest = [str(uuid.uuid4()) for _ in range(MAX_DEVICES + 2)]
    for device_id in latest:
        assert post_reading(server, device_id, TEST_API_KEY).status_code == 202

    deadline = time.monotonic() + 30
    while set(kept := ids(get(server, "/devices/activity?limit=1000", TEST_API_KEY))) != set(
        latest[-MAX_DEVICES:]
    ):
        assert time.monotonic() < deadline, kept  # answers may be a second old
        time.sleep(0.2)
    assert len(kept) == MAX_DEVICES
