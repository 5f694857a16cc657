"""Liveness, readiness and metrics, without a broker."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from loom_gateway.http.operations import operations_handlers
from loom_gateway.metrics import Metrics
from loom_gateway.readiness import Readiness


def client(readiness: Readiness, queued: int) -> TestClient[Litestar]:
    app = Litestar(operations_handlers(readiness, Metrics(), lambda: queued), logging_config=None)
    return TestClient(app)


def test_metrics_report_readiness_and_the_producer_queue_at_scrape_time() -> None:
    readiness = Readiness("topics")

    not_ready = client(readiness, queued=7).get("/metrics").text
    readiness.release("topics")
    ready = client(readiness, queued=0).get("/metrics").text

    assert "loom_ready 0.0" in not_ready
    assert "loom_producer_queued_records 7.0" in not_ready
    assert "loom_ready 1.0" in ready


def test_readiness_says_why_not_in_a_generic_phrase_and_liveness_stays_up() -> None:
    readiness = Readiness("topics")
    readiness.hold("topics", "broker not reachable: KafkaError{code=_TRANSPORT,str=10.0.0.7:9092 failed}")
    probe = client(readiness, queued=0)

    assert probe.get("/readyz").status_code == 503
    assert probe.get("/readyz").json() == {"status": "not-ready", "reason": "waiting for Kafka"}
    assert probe.get("/readyz").headers["retry-after"] == "2"
    assert probe.get("/healthz").json() == {"status": "healthy"}
