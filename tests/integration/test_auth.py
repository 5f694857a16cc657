"""Keys over the wire: 401 and 403 publish nothing; bound keys write only as their devices."""

from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from loom_catalog import CATALOG
from loom_gateway.cli import main
from loom_gateway.settings import Settings
from tests.support.gateway import TEST_API_KEY, running_gateway
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka

PHONE_KEY = "phone-only-key-0123456789"


def reading(device_id: str) -> dict[str, object]:
    return {
        "device_id": device_id,
        "recorded_at": "2025-07-08T16:53:08",
        "message_id": str(uuid.uuid4()),
        "bpm": 64,
    }


def test_only_authenticated_allowed_writes_are_published(
    gateway_settings: Settings, topic_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    keys = {TEST_API_KEY: "*", PHONE_KEY: ["phone-1"]}
    settings = gateway_settings.model_copy(update={"api_keys": SecretStr(json.dumps(keys))})
    accepted = reading("phone-1")
    bearer = reading("laptop-2")

    with running_gateway(settings, CATALOG) as client:
        del client.headers["X-API-Key"]
        anonymous = client.post("/sensor/heartrate", json=reading("phone-1"))
        wrong_key = client.post(
            "/sensor/heartrate", json=reading("phone-1"), headers={"X-API-Key": "nope" * 5}
        )
        other_device = client.post(
            "/sensor/heartrate", json=reading("laptop-2"), headers={"X-API-Key": PHONE_KEY}
        )
        mixed = client.post(
            "/sensor/heartrate", json=[reading("laptop-2"), accepted], headers={"X-API-Key": PHONE_KEY}
        )
        by_bearer = client.post(
            "/sensor/heartrate", json=bearer, headers={"Authorization": f"Bearer {TEST_API_KEY}"}
        )
        device_takeover = client.post(
            "/devices",
            json={"device_id": "laptop-2", "name": "x", "device_type": "other"},
            headers={"X-API-Key": PHONE_KEY},
        )
        open_health = client.get("/healthz")
        # Streams refuse an upgrade with an HTTP answer, which the test client cannot read: see
        # test_streams_over_the_wire.py.

    assert (anonymous.status_code, wrong_key.status_code) == (401, 401)
    assert anonymous.json()["type"].endswith("/unauthenticated")
    assert other_device.status_code == 403
    assert other_device.json()["type"].endswith("/device-not-allowed")
    assert mixed.status_code == 207
    assert [item["status"] for item in mixed.json()["results"]] == ["refused", "accepted"]
    assert by_bearer.status_code == 202
    assert device_takeover.status_code == 403
    assert open_health.status_code == 200
    records = read_topic(
        settings.kafka_bootstrap_servers, f"{topic_prefix}device.health.heartrate.raw", expected=2
    )
    assert sorted(json.loads(r.value)["message_id"] for r in records) == sorted(
        [accepted["message_id"], bearer["message_id"]]
    )
    assert all(key not in caplog.text for key in (TEST_API_KEY, PHONE_KEY))


def test_serve_refuses_to_start_without_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOOM_API_KEYS", "LOOM_API_KEYS_FILE", "LOOM_AUTH_DISABLED"):
        monkeypatch.delenv(name, raising=False)

    result = CliRunner().invoke(main, ["serve"])

    assert result.exit_code == 1
    assert "no API keys" in result.output
