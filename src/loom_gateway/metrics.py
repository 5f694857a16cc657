"""Prometheus metrics, in a registry owned by the app (never the process-global one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

if TYPE_CHECKING:
    from loom_gateway.catalog import DataType
    from loom_gateway.ingest.service import Outcome

__all__ = ["Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.readings = Counter(
            "loom_readings",
            "Readings by data type and outcome (accepted = acknowledged by Kafka).",
            ["data_type", "outcome"],
            registry=self.registry,
        )
        self.ready = Gauge(
            "loom_ready", "1 when topics are ensured and readings are accepted.", registry=self.registry
        )
        self.queued = Gauge(
            "loom_producer_queued_records",
            "Records awaiting Kafka's acknowledgement.",
            registry=self.registry,
        )

    def count(self, data_type: DataType, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.error is None:
                label = "accepted"
            elif outcome.error.status < 500:
                label = "refused"
            else:
                label = "failed"
            self.readings.labels(data_type.qualified_name, label).inc()

    def refused(self, data_type: DataType) -> None:
        """A request refused as a whole (malformed, invalid single reading, too large)."""
        self.readings.labels(data_type.qualified_name, "refused").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
