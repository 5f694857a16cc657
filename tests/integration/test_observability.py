"""Metrics, request ids and trace propagation, over the real broker (and a real multi-worker serve)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from loom_catalog import CATALOG
from loom_gateway.kafka.topics import desired_topics
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.serve_server import running_serve

pytestmark = pytest.mark.kafka

GPS_ROUTE = "/sensor/gps"
GPS_TYPE = "device.sensor.gps.v1"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def gateway(gateway_settings: Settings) -> Iterator[TestClient]:
    with running_gateway(gateway_settings, CATALOG) as client:
        yield client


def gps(**changes: Any) -> dict[str, Any]:
    reading = {
        "device_id": f"phone-{uuid.uuid4().hex[:8]}",
        "recorded_at": "2025-07-08T16:53:08.123456",
        "message_id": str(uuid.uuid4()),
        "latitude": 52.3676,
        "longitude": 4.9041,
    }
    return {**reading, **changes}


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape: (name, labels) → value."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(scrape: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return scrape.get((name, frozenset(labels.items())), 0.0)


def test_counters_move_by_exactly_the_traffic_sent(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    topic = f"{topic_prefix}device.sensor.gps.raw"
    before = samples(gateway.get("/metrics").text)

    accepted = [gateway.post(GPS_ROUTE, json=gps()) for _ in range(3)]
    refused = gateway.post(GPS_ROUTE, json=gps(latitude=123.0))  # out of range: 422
    after = samples(gateway.get("/metrics").text)

    assert [response.status_code for response in accepted] == [202, 202, 202]
    assert refused.status_code == 422, refused.text

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("loom_readings_total", data_type=GPS_TYPE, outcome="accepted") == 3
    assert moved("loom_readings_total", data_type=GPS_TYPE, outcome="refused") == 1
    assert moved("loom_http_requests_total", method="POST", route=GPS_ROUTE, status="202") == 3
    assert moved("loom_http_requests_total", method="POST", route=GPS_ROUTE, status="422") == 1
    assert moved("loom_http_request_duration_seconds_count", method="POST", route=GPS_ROUTE) == 4
    assert moved("loom_kafka_deliveries_total", topic=topic) == 3
    assert moved("loom_kafka_delivery_duration_seconds_count") == 3
    assert value(after, "loom_kafka_delivery_errors_total", topic=topic, error="broker-unavailable") == 0
    # The first scrape is counted by the second, under its route; nothing else is in flight.
    assert value(after, "loom_http_requests_total", method="GET", route="/metrics", status="200") >= 1
    assert value(after, "loom_http_requests_in_flight") == 1  # the scrape itself
    assert value(after, "loom_ready") == 1
    # Fresh topic names: the bootstrap created every catalog topic, once.
    created = len(desired_topics(CATALOG.renamed(gateway_settings.topic_name), gateway_settings))
    assert value(after, "loom_topic_bootstrap_topics_total", result="created") == created
    assert value(after, "loom_topic_bootstrap_topics_total", result="failed") == 0


def test_paths_no_route_matches_share_one_series(gateway: TestClient) -> None:
    for device in ("a", "b", "c"):
        assert gateway.get(f"/no/such/{device}").status_code == 404

    scrape = samples(gateway.get("/metrics").text)

    assert value(scrape, "loom_http_requests_total", method="GET", route="unmatched", status="404") == 3
    assert not any("/no/such" in dict(labels).get("route", "") for _, labels in scrape)


def test_a_request_id_is_echoed_or_made_up(gateway: TestClient) -> None:
    sent = gateway.post(GPS_ROUTE, json=gps(), headers={"X-Request-ID": "client-chosen-42"})
    made_up = [gateway.get("/healthz").headers["x-request-id"] for _ in range(2)]

    assert sent.headers["x-request-id"] == "client-chosen-42"
    assert made_up[0] != made_up[1]


def test_a_devices_traceparent_arrives_in_every_record_header(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    device = f"traced-{uuid.uuid4().hex[:8]}"
    batch = [gps(device_id=device), gps(device_id=device)]
    untraced = gps(device_id=device)

    traced = gateway.post(
        GPS_ROUTE, json=batch, headers={"traceparent": TRACEPARENT, "tracestate": "vendor=abc,other=x"}
    )
    malformed = gateway.post(GPS_ROUTE, json=untraced, headers={"traceparent": "00-not-a-trace-01"})
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.sensor.gps.raw", expected=3
    )

    assert traced.status_code == 202, traced.text
    assert malformed.status_code == 202, malformed.text
    by_id = {record.headers["loom.message_id"].decode(): record for record in records}
    for reading in batch:
        headers = by_id[reading["message_id"]].headers
        assert headers["traceparent"] == TRACEPARENT.encode()
        assert headers["tracestate"] == b"vendor=abc,other=x"
    assert "traceparent" not in by_id[untraced["message_id"]].headers


def test_metrics_of_several_workers_add_up(kafka_bootstrap_servers: str, topic_prefix: str) -> None:
    sent = 12
    with running_serve(kafka_bootstrap_servers, workers=2, kafka_topic_prefix=topic_prefix) as server:
        assert len(server.worker_pids()) == 2
        for _ in range(sent):
            # A new connection each: the kernel spreads them over both workers.
            response = httpx.post(f"{server.base_url}{GPS_ROUTE}", json=gps(), headers=server.headers)
            assert response.status_code == 202, response.text
        scrapes = [samples(httpx.get(f"{server.base_url}/metrics").text) for _ in range(6)]

    for scrape in scrapes:  # whichever worker answers, it reports both workers' counts
        assert value(scrape, "loom_readings_total", data_type=GPS_TYPE, outcome="accepted") == sent
        assert value(scrape, "loom_http_requests_total", method="POST", route=GPS_ROUTE, status="202") == sent
        assert value(scrape, "loom_ready") == 1
