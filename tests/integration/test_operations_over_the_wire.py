"""What anonymous callers see of ``loom-gateway serve``'s operations endpoints (http/operations.py,
http/metrics_port.py): with LOOM_METRICS_PORT, /metrics is on that port only, adding up every
worker; /readyz says why it is not ready in a generic phrase, never the broker's error text."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest

from loom_gateway.embedded_broker import free_port
from tests.support.mobile_bodies import ROUTE_BODIES
from tests.support.serve_server import running_serve

pytestmark = pytest.mark.kafka


def accepted_readings(metrics: str) -> float:
    found = re.findall(
        r'^loom_readings_total\{data_type="device\.health\.heartrate\.v1",outcome="accepted"\} (\S+)$',
        metrics,
        re.M,
    )
    return sum(map(float, found))


@pytest.mark.parametrize("workers", [1, 2])
def test_with_a_metrics_port_metrics_are_there_for_every_worker_and_not_on_the_ingestion_port(
    kafka_bootstrap_servers: str, workers: int
) -> None:
    metrics_port = free_port()
    with running_serve(
        kafka_bootstrap_servers,
        workers=workers,
        kafka_topic_prefix=f"ops{time.monotonic_ns() % 10**9}.",
        metrics_port=metrics_port,
    ) as server:
        posted = 6
        for _ in range(posted):  # new connections: the kernel spreads them over the workers
            reading = {**ROUTE_BODIES["/sensor/heartrate"](), "message_id": str(uuid.uuid4())}
            answer = httpx.post(
                server.base_url + "/sensor/heartrate", json=reading, headers=server.headers, timeout=30
            )
            assert answer.status_code == 202, answer.text
        assert httpx.get(server.base_url + "/metrics", timeout=30).status_code == 404

        deadline = time.monotonic() + 30  # the workers write their gauges every second
        while True:
            text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=30).text
            if accepted_readings(text) >= posted and "loom_ready 1.0" in text:
                break
            assert time.monotonic() < deadline, [line for line in text.splitlines() if "loom_r" in line]
            time.sleep(0.2)
        assert accepted_readings(text) == posted


def test_readyz_says_why_not_in_a_generic_phrase(kafka_bootstrap_servers: str) -> None:
    nowhere = f"127.0.0.1:{free_port()}"
    with running_serve(nowhere, workers=1, wait_ready=False, kafka_bootstrap_timeout_s=1) as server:
        time.sleep(2)  # a bootstrap attempt has failed by now, with librdkafka's error text
        answer = httpx.get(server.base_url + "/readyz", timeout=30)
        reading = httpx.post(
            server.base_url + "/sensor/heartrate",
            json=ROUTE_BODIES["/sensor/heartrate"](),
            headers=server.headers,
            timeout=30,
        )
        log = server.log()

    assert answer.status_code == 503
    assert answer.json() == {"status": "not-ready", "reason": "waiting for Kafka"}
    assert reading.status_code == 503
    assert reading.json()["detail"] == "waiting for Kafka"
    assert nowhere not in answer.text + reading.text
    assert nowhere in log  # the details are in the log
