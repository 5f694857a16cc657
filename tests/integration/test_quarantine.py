"""Quarantine over the wire: refused readings land on the quarantine topic with their error,
never on their data topic; accepted ones are not quarantined; off by default, topic and all."""

from __future__ import annotations

import json
import uuid

import pytest

from loom_catalog import CATALOG
from loom_catalog.models.gateway.quarantine.v1 import QuarantinedReading
from loom_gateway.kafka.topics import TopicAdmin
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import gps

pytestmark = pytest.mark.kafka

QUARANTINE = CATALOG.of_kind("quarantine")
GPS = next(route.data_type for route in CATALOG.routes if route.path == "/sensor/gps")


def test_refused_readings_are_quarantined_and_never_published(gateway_settings: Settings) -> None:
    assert QUARANTINE is not None
    settings = gateway_settings.model_copy(update={"quarantine_enabled": True})
    good = [{**gps(), "message_id": str(uuid.uuid4())} for _ in range(2)]
    bad_item = {**gps(), "message_id": str(uuid.uuid4()), "longitude": "east"}
    bad_alone = {**gps(), "message_id": str(uuid.uuid4()), "latitude": 500}

    with running_gateway(settings, CATALOG) as client:
        partial = client.post("/sensor/gps", json=[good[0], bad_item, good[1]])
        refused = client.post("/sensor/gps", json=bad_alone)
        json_type = {"content-type": "application/json"}
        malformed = client.post("/sensor/gps", content=b"{not json", headers=json_type)
        wrong_key = {"x-api-key": "wrong-key-0123456789"}
        unauthenticated = client.post("/sensor/gps", json=bad_alone, headers=wrong_key)

    assert (partial.status_code, refused.status_code, malformed.status_code) == (207, 422, 400)
    assert unauthenticated.status_code == 401
    servers = settings.kafka_bootstrap_servers
    quarantined = read_topic(servers, settings.topic_name(QUARANTINE.topic.name), expected=3)
    published = read_topic(servers, settings.topic_name(GPS.topic.name), expected=2)

    documents = [QuarantinedReading.model_validate_json(record.value, strict=True) for record in quarantined]
    assert sorted(document.error.status for document in documents) == [400, 422, 422]
    item = next(d for d in documents if d.index == 1)
    assert item.reading == bad_item
    assert item.error.errors[0].pointer == "/1/longitude"
    alone = next(d for d in documents if d.index is None and d.error.status == 422)
    assert alone.reading == bad_alone
    assert alone.schema_id == GPS.schema_id
    assert next(d for d in documents if d.error.status == 400).body == "{not json"
    assert {record.key for record in quarantined} >= {gps()["device_id"].encode()}
    assert all(record.headers["loom.schema"] == QUARANTINE.schema_id.encode() for record in quarantined)
    # Only the two valid readings reached the data topic; nothing refused did.
    assert sorted(json.loads(record.value)["message_id"] for record in published) == sorted(
        reading["message_id"] for reading in good
    )


def test_quarantine_is_off_by_default_and_its_topic_is_not_created(gateway_settings: Settings) -> None:
    assert QUARANTINE is not None
    assert gateway_settings.quarantine_enabled is False
    topic = gateway_settings.topic_name(QUARANTINE.topic.name)

    with running_gateway(gateway_settings, CATALOG) as client:
        refused = client.post("/sensor/gps", json={**gps(), "latitude": 500})

    assert refused.status_code == 422
    assert TopicAdmin(gateway_settings).existing([topic]) == {}
