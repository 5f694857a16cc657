"""The existing Loom mobile client, unchanged: every body shape it sends, with its X-API-Key header,
is acknowledged as it expects and lands on its topic."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from pydantic import SecretStr

from loom_catalog import CATALOG
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import DEVICE_ID, ROUTE_BODIES, device_registration

pytestmark = pytest.mark.kafka

# What the app sends with every request (core/api/loom_api_client.dart), GETs included, with
# the app's default key, which the gateway is configured to accept here.
MOBILE_KEY = "apikeyhere"
CLIENT_HEADERS = {"X-API-Key": MOBILE_KEY, "Content-Type": "application/json"}


@pytest.fixture
def mobile_settings(gateway_settings: Settings) -> Settings:
    return gateway_settings.model_copy(update={"api_keys": SecretStr(json.dumps({MOBILE_KEY: "*"}))})


def test_every_body_the_client_sends_is_acknowledged_and_lands_on_its_topic(
    mobile_settings: Settings, topic_prefix: str
) -> None:
    topic_of = {route.path: route.data_type.topic.name for route in CATALOG.routes}
    sent: Counter[str] = Counter()

    with running_gateway(mobile_settings, CATALOG) as client:
        del client.headers["X-API-Key"]  # only the app's own headers
        for path, body in sorted(ROUTE_BODIES.items()):
            response = client.post(
                path, content=json.dumps(body(), separators=(",", ":")), headers=CLIENT_HEADERS
            )
            assert response.status_code // 100 == 2, (path, response.text)
            assert response.headers["content-type"].startswith("application/json")
            reply = response.json()
            assert reply["status"] == "success", (path, reply)
            assert isinstance(reply["message_id"], str)
            assert reply["trace_id"] is None or isinstance(reply["trace_id"], str)
            sent[topic_of[path]] += 1

    for topic, count in sent.items():
        records = read_topic(mobile_settings.kafka_bootstrap_servers, topic_prefix + topic, expected=count)
        assert len(records) == count, topic


def test_registration_health_and_device_list_work_as_the_client_expects(mobile_settings: Settings) -> None:
    registration = device_registration(tags=[])

    with running_gateway(mobile_settings, CATALOG) as client:
        del client.headers["X-API-Key"]
        health = client.get("/healthz", headers=CLIENT_HEADERS)
        first = client.post("/devices", json=registration, headers=CLIENT_HEADERS)
        again = client.post("/devices", json=registration, headers=CLIENT_HEADERS)
        listed = client.get("/devices", headers=CLIENT_HEADERS)
        one = client.get(f"/devices/{DEVICE_ID}", headers=CLIENT_HEADERS)

    assert health.json()["status"] == "healthy"
    assert (first.status_code, again.status_code) == (201, 201)
    device = again.json()
    assert {key: device[key] for key in registration} == registration
    assert device["is_active"] is True
    assert all(
        isinstance(device[key], str) for key in ("first_seen_at", "last_seen_at", "created_at", "updated_at")
    )
    assert isinstance(listed.json(), list)
    assert [d["device_id"] for d in listed.json()] == [DEVICE_ID]
    assert one.json()["device_id"] == DEVICE_ID
