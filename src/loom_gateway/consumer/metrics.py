"""The consumer's Prometheus metrics, in a registry of its own (never the process-global one).

Throughput is ``rate(loom_consumer_records_total[1m])``. Lag is approximate: the high watermark
librdkafka last saw in a fetch minus the next offset to process, per partition, sampled about
once a second. On the embedded broker (Tansu) high watermarks are wrong (the last batch's base
offset + 1), so there the lag reads low by up to a batch; on Apache Kafka it is the usual figure.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["ConsumerMetrics"]

_HANDLER_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry = registry if registry is not None else CollectorRegistry()
        self.records = Counter(
            "loom_consumer_records",
            "Records done with, by outcome: handled, duplicate (skipped by the dedupe window) "
            "or dead_lettered.",
            ["topic", "data_type", "outcome"],
            registry=registry,
        )
        self.handler_seconds = Histogram(
            "loom_consumer_handler_seconds",
            "Time in a handler per attempt, failed attempts included.",
            ["data_type"],
            buckets=_HANDLER_BUCKETS,
            registry=registry,
        )
        self.retries = Counter(
            "loom_consumer_handler_retries",
            "Handler attempts that failed and were retried.",
            ["data_type"],
            registry=registry,
        )
        self.commits = Counter(
            "loom_consumer_commits",
            "Offset commits, by result (ok or failed).",
            ["result"],
            registry=registry,
        )
        self.lag = Gauge(
            "loom_consumer_lag_records",
            "Approximate records not yet processed per assigned partition (high watermark minus "
            "the next offset to process; wrong on brokers whose watermarks are, e.g. Tansu).",
            ["topic", "partition"],
            registry=registry,
        )
        self.assigned_partitions = Gauge(
            "loom_consumer_assigned_partitions", "Partitions assigned to this consumer.", registry=registry
        )
        self.rebalances = Counter(
            "loom_consumer_rebalances", "Partition assignment changes, by kind.", ["kind"], registry=registry
        )

        # Labelled children looked up here, not with labels() per record (a lock and a tuple each).
        self._records: dict[tuple[str, str, str], Any] = {}
        self._handler_seconds: dict[str, Any] = {}

    def processed(self, topic: str, data_type: str, outcome: str) -> None:
        key = (topic, data_type, outcome)
        child = self._records.get(key)
        if child is None:
            child = self._records[key] = self.records.labels(*key)
        child.inc()

    def handler_timer(self, data_type: str) -> Any:
        """The handler-duration histogram child of a data type (``.observe(seconds)``)."""
        child = self._handler_seconds.get(data_type)
        if child is None:
            child = self._handler_seconds[data_type] = self.handler_seconds.labels(data_type)
        return child
