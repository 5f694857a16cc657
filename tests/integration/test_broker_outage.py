"""When Kafka goes away, readings get a prompt 503 with Retry-After, never a 2xx for something
Kafka does not have, and the gateway recovers by itself when the broker is back."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.embedded_broker import EmbeddedBroker
from loom_gateway.kafka.topics import TopicAdmin
from loom_gateway.settings import Settings, load_settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka

DELIVERY_TIMEOUT_MS = 1500
TOPIC = "device.health.heartrate.raw"


@pytest.fixture
def settings(broker: EmbeddedBroker) -> Settings:
    return load_settings(
        auth_disabled=True,
        kafka_bootstrap_servers=broker.bootstrap_servers,
        kafka_default_partitions=2,
        kafka_delivery_timeout_ms=DELIVERY_TIMEOUT_MS,
        kafka_bootstrap_timeout_s=2.0,
    )


def post(client: TestClient, acknowledged: list[str]) -> tuple[int, float, str | None]:
    """Post one reading; remember its message_id when the answer is 2xx."""
    message_id = str(uuid.uuid4())
    body = {"device_id": "watch-1", "recorded_at": "2025-07-08T16:53:08", "message_id": message_id, "bpm": 61}
    started = time.monotonic()
    response = client.post("/sensor/heartrate", json=body)
    elapsed = time.monotonic() - started
    if response.status_code // 100 == 2:
        acknowledged.append(message_id)
    return response.status_code, elapsed, response.headers.get("retry-after")


def wait_ready(client: TestClient, within_s: float = 30.0) -> float:
    started = time.monotonic()
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() - started < within_s, client.get("/readyz").json()
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_stalled_broker_gets_prompt_503s_and_the_gateway_recovers_when_it_answers_again(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    acknowledged: list[str] = []
    with running_gateway(settings, CATALOG) as client:
        before = post(client, acknowledged)
        broker.pause()
        during = [post(client, acknowledged) for _ in range(4)]
        not_ready = client.get("/readyz")
        broker.resume()
        recovery_s = wait_ready(client)
        after = post(client, acknowledged)

    bound_s = DELIVERY_TIMEOUT_MS / 1000 + 5.5  # the delivery timeout plus the report grace
    assert before[0] == 202
    assert [status for status, _, _ in during] == [503] * 4
    assert all(elapsed < bound_s and retry_after for _, elapsed, retry_after in during)
    assert not_ready.status_code == 503
    assert after[0] == 202
    print(
        f"stalled broker: answers {[(s, round(e, 2)) for s, e, _ in during]}, recovered in {recovery_s:.2f}s"
    )
    consumed = read_topic(broker.bootstrap_servers, TOPIC, expected=len(acknowledged))
    assert {json.loads(r.value)["message_id"] for r in consumed} >= set(acknowledged)


def test_a_broker_that_restarts_empty_gets_its_topics_back_before_readings_flow(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    acknowledged: list[str] = []
    with running_gateway(settings, CATALOG) as client:
        before = post(client, acknowledged)
        broker.stop()
        during = [post(client, acknowledged) for _ in range(3)]
        broker.start()  # same port, nothing kept
        recovery_s = wait_ready(client)
        after = post(client, acknowledged)

    assert before[0] == 202
    assert all(status == 503 and retry_after for status, _, retry_after in during)
    assert after[0] == 202
    answers = [(status, round(elapsed, 2)) for status, elapsed, _ in during]
    print(f"restarted broker: answers {answers}, recovered in {recovery_s:.2f}s")
    existing = TopicAdmin(settings).existing([TOPIC])
    assert existing[TOPIC].partitions == 2  # the catalog's, not the broker's auto-created 4
    consumed = read_topic(broker.bootstrap_servers, TOPIC, expected=1)
    assert [json.loads(r.value)["message_id"] for r in consumed] == acknowledged[-1:]
