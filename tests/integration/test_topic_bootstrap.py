"""The admin bootstrap against a real broker: create, leave alone, report drift, wait for the broker."""

from __future__ import annotations

import logging
import time

import pytest
from confluent_kafka.admin import AdminClient, NewTopic
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.app import create_app
from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from loom_gateway.kafka.topics import Action, TopicAdmin, desired_topics
from loom_gateway.settings import Settings, load_settings
from tests.support.gateway import running_gateway

pytestmark = pytest.mark.kafka


def test_gateway_creates_every_catalog_topic_with_its_settings(gateway_settings: Settings) -> None:
    desired = desired_topics(CATALOG.renamed(gateway_settings.topic_name), gateway_settings)

    with running_gateway(gateway_settings, CATALOG):
        plan = TopicAdmin(gateway_settings).plan(desired)

    assert [item.action for item in plan] == [Action.OK] * len(desired)
    existing = TopicAdmin(gateway_settings).existing(topic.name for topic in desired)
    gps = existing[gateway_settings.topic_name("device.sensor.gps.raw")]
    assert gps.partitions == 3
    assert gps.configs["retention.ms"] == str(30 * 24 * 3600 * 1000)
    assert gps.configs["compression.type"] == "zstd"
    audio = existing[gateway_settings.topic_name("device.audio.raw")]
    assert audio.configs["retention.ms"] == str(7 * 24 * 3600 * 1000)
    assert audio.configs["max.message.bytes"] == "8388608"


def test_existing_topics_are_left_alone_and_drift_is_reported(
    gateway_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    name = gateway_settings.topic_name("device.sensor.gps.raw")
    admin = AdminClient({"bootstrap.servers": gateway_settings.kafka_bootstrap_servers})
    admin.create_topics(
        [NewTopic(name, num_partitions=1, replication_factor=1, config={"retention.ms": "1000"})]
    )[name].result()

    with caplog.at_level(logging.INFO, logger="loom_gateway"), running_gateway(gateway_settings, CATALOG):
        pass

    [drift] = [r.getMessage() for r in caplog.records if "drift" in r.getMessage()]
    # Other differences depend on the broker's defaults; these two are ours.
    assert drift.startswith(f"topic {name}: drift (partitions 1, catalog wants 3; ")
    assert "retention.ms 1000, catalog wants 2592000000" in drift
    created = [
        r.getMessage()
        for r in caplog.records
        if r.getMessage().endswith(")") and ": created" in r.getMessage()
    ]
    assert len(created) == len(desired_topics(CATALOG, gateway_settings)) - 1


def test_missing_topics_keep_the_gateway_not_ready_when_auto_create_is_off(
    gateway_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = gateway_settings.model_copy(update={"kafka_auto_create_topics": False})
    verdict = "missing topics and LOOM_KAFKA_AUTO_CREATE_TOPICS is off"

    with (
        caplog.at_level(logging.ERROR, logger="loom_gateway.kafka.bootstrap"),
        TestClient(create_app(settings, CATALOG)) as client,
    ):
        # Wait for the bootstrap's verdict (slow on a loaded machine; /readyz gives only a generic
        # phrase, the reason is in the log), then check it holds readiness.
        deadline = time.monotonic() + 30
        while verdict not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        readiness = client.get("/readyz")

    assert verdict in caplog.text
    assert readiness.status_code == 503
    assert readiness.json()["status"] == "not-ready"


def test_gateway_waits_for_a_late_broker_and_refuses_readings_meanwhile() -> None:
    port = free_port()
    settings = load_settings(
        auth_disabled=True,
        kafka_bootstrap_servers=f"127.0.0.1:{port}",
        kafka_bootstrap_timeout_s=1.0,
        kafka_default_partitions=1,
    )
    with TestClient(create_app(settings, CATALOG)) as client:
        readiness = client.get("/readyz")
        refused = client.post(
            "/sensor/accelerometer",
            json={"device_id": "d", "recorded_at": "2025-07-08T16:53:08", "x": 0.0, "y": 0.0, "z": 9.8},
        )
        with EmbeddedBroker(port):
            deadline = time.monotonic() + 30
            while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.1)
            ready = client.get("/readyz")

    assert readiness.status_code == 503
    assert readiness.headers["retry-after"]
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["type"].endswith("/not-ready")
    assert ready.status_code == 200, ready.text
