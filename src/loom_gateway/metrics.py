"""Prometheus metrics, in a registry owned by the app (never the process-global one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

if TYPE_CHECKING:
    from loom_gateway.catalog import DataType
    from loom_gateway.errors import LoomError

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
        self._children: dict[tuple[DataType, str], Counter] = {}
        self.duplicates = Counter(
            "loom_duplicate_readings",
            "Retried readings (same message_id) answered without publishing them again.",
            registry=self.registry,
        )
        self.quarantined = Counter(
            "loom_quarantined_readings",
            "Refused readings written to the quarantine topic (written), or lost on the way (failed).",
            ["outcome"],
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

    def count(self, data_type: DataType, error: LoomError | None, readings: int = 1) -> None:
        """Readings' fate: accepted (Kafka has it), refused (4xx) or failed (5xx)."""
        if error is None:
            outcome = "accepted"
        elif error.status < 500:
            outcome = "refused"
        else:
            outcome = "failed"
        key = (data_type, outcome)
        child = self._children.get(key)
        if child is None:  # labels() costs a lock and a tuple per call: keep the children
            child = self._children[key] = self.readings.labels(data_type.qualified_name, outcome)
        child.inc(readings)

    def render(self) -> bytes:
        return generate_latest(self.registry)
