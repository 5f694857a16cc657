"""When Kafka goes away, readings get a prompt 503 with Retry-After, never a 2xx or a hang."""

from __future__ import annotations

import pytest

from loom_catalog import CATALOG
from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from loom_gateway.settings import load_settings
from tests.support.gateway import running_gateway

pytestmark = pytest.mark.kafka


def test_reading_sent_while_the_broker_is_down_gets_503_with_retry_after() -> None:
    broker = EmbeddedBroker(free_port())
    broker.start()
    settings = load_settings(
        auth_disabled=True,
        kafka_bootstrap_servers=broker.bootstrap_servers,
        kafka_default_partitions=1,
        kafka_delivery_timeout_ms=1500,
    )
    try:
        with running_gateway(settings, CATALOG) as client:
            broker.stop()
            response = client.post(
                "/sensor/heartrate",
                json={"device_id": "watch-1", "recorded_at": "2025-07-08T16:53:08", "bpm": 61},
            )
    finally:
        broker.stop()

    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/broker-unavailable")
