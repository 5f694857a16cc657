"""schemathesis, in-process, against the served OpenAPI document: whatever it sends, the gateway
never answers 5xx, and exactly the readings it acknowledged are in Kafka."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.app import create_app
from loom_gateway.settings import Settings, load_settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka

# The document needs no broker: an app that never starts serves it.
_OFFLINE = create_app(load_settings(auth_disabled=True, kafka_bootstrap_servers="127.0.0.1:9"), CATALOG)
DOCUMENT: dict[str, Any] = TestClient(_OFFLINE).get("/openapi.json").json()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
INGESTION = {route.path for route in CATALOG.routes} | {dispatch.path for dispatch in CATALOG.dispatches}
ACKNOWLEDGED: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()
"""Readings acknowledged per (real) topic, from the answers themselves."""


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap_servers: str) -> Iterator[tuple[TestClient, Settings]]:
    # Every acknowledged post must be one record: retries are not collapsed here.
    settings = load_settings(
        auth_disabled=True,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=f"fuzz{id(ACKNOWLEDGED) % 100000}.",
        kafka_default_partitions=2,
        idempotency_window_s=0,
    )
    with running_gateway(settings, CATALOG) as client:
        yield client, settings


# Every operation the document describes, once: /v<N>/… serve the same handlers and schemas.
@SCHEMA.exclude(path_regex="^/v[0-9]+/").parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, gateway: tuple[TestClient, Settings]) -> None:
    client, _ = gateway
    request = case.as_transport_kwargs(base_url=str(client.base_url))
    request.pop("cookies", None)  # the gateway reads none
    if isinstance(request.get("data"), str | bytes):  # httpx's name for a raw body
        request["content"] = request.pop("data")
    response = client.request(**request)

    STATUSES[response.status_code] += 1
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
    if case.method == "POST" and case.path in INGESTION and response.status_code // 100 == 2:
        body = response.json()
        if "results" in body:
            ACKNOWLEDGED.update(item["topic"] for item in body["results"] if item["status"] == "accepted")
        else:
            ACKNOWLEDGED[body["topic"]] += 1


def test_exactly_the_acknowledged_readings_were_published(gateway: tuple[TestClient, Settings]) -> None:
    _, settings = gateway
    print(f"schemathesis: {sum(STATUSES.values())} requests, statuses {dict(sorted(STATUSES.items()))}")
    assert ACKNOWLEDGED, "schemathesis sent nothing that was accepted"
    for topic, count in sorted(ACKNOWLEDGED.items()):
        records = read_topic(settings.kafka_bootstrap_servers, topic, expected=count)
        assert len(records) == count, (topic, json.dumps(ACKNOWLEDGED))
