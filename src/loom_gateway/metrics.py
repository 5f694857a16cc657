"""Prometheus metrics, in a registry owned by the app (never the process-global one).

With several worker processes (``serve`` with LOOM_WORKERS > 1) prometheus_client runs in its
multiprocess mode: every worker writes its values to files under ``PROMETHEUS_MULTIPROC_DIR`` and
``/metrics``, whichever worker answers it, adds up all of them. ``serve`` sets that directory up
itself (see ``loom_gateway.cli``).

The request path pays for a labelled child's ``inc``/``observe`` only: children are looked up in
dicts kept here (``labels()`` costs a lock and a tuple per call), and gauges that follow the state
of the process (readiness, queue depth, requests in flight) are read when sampled, not kept current.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from loom_gateway.errors import ConfigurationError

if TYPE_CHECKING:
    from loom_gateway.catalog import DataType
    from loom_gateway.errors import LoomError
    from loom_gateway.kafka.records import Record

__all__ = ["MULTIPROCESS_DIR_VARIABLE", "Metrics", "multiprocess_dir"]

logger = logging.getLogger(__name__)

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus_client's own variable: set, every worker writes its metrics to files in that directory."""

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
"""The route label of requests no route matched (never the raw path: it is the client's choice)."""
# librdkafka's per-broker counters (since the client started) turned into Prometheus counters.
_BROKER_COUNTERS = ("txretries", "req_timeouts", "txerrs")


class _ProcessId:
    """This process's id, refreshed in a forked child: prometheus_client's multiprocess values
    check it on every ``inc``/``observe`` (to notice a fork), and ``os.getpid()`` is a system
    call each time (measured: 7% of the event loop's CPU for a single reading, ~7 calls each)."""

    value = os.getpid()

    @classmethod
    def refresh(cls) -> None:
        cls.value = os.getpid()

    @classmethod
    def get(cls) -> int:
        return cls.value


def _cheaper_process_id() -> None:
    """Multiprocess values that read the cached process id. Only while this process has made no
    multiprocess value yet (no file of its id in the directory): two value classes would each
    write their own copy of the same file."""
    directory = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if not directory or not getattr(values.ValueClass, "_multiprocess", False):
        return
    if any(Path(directory).glob(f"*_{os.getpid()}.db")):
        return
    values.ValueClass = values.MultiProcessValue(process_identifier=_ProcessId.get)  # type: ignore[no-untyped-call]


os.register_at_fork(after_in_child=_ProcessId.refresh)
_cheaper_process_id()


def multiprocess_dir() -> str | None:
    """The multiprocess directory when prometheus_client's multiprocess mode is on, else None."""
    return os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None


class Metrics:
    def __init__(self, multiprocess_directory: str | None = None) -> None:
        """``multiprocess_directory``: aggregate every worker's files there (multiprocess mode)."""
        if multiprocess_directory is not None and not getattr(values.ValueClass, "_multiprocess", False):
            raise ConfigurationError(
                f"{MULTIPROCESS_DIR_VARIABLE} must be set before prometheus_client is first imported"
            )
        self._multiprocess_directory = multiprocess_directory
        self.registry = registry = CollectorRegistry()
        self.readings = Counter(
            "loom_readings",
            "Readings by data type and outcome (accepted = acknowledged by Kafka).",
            ["data_type", "outcome"],
            registry=registry,
        )
        self._children: dict[tuple[DataType, str], Counter] = {}
        self.duplicates = Counter(
            "loom_duplicate_readings",
            "Retried readings (same message_id) answered without publishing them again.",
            registry=registry,
        )
        self.state_errors = Counter(
            "loom_state_errors",
            "Calls to the shared state store that failed (the worker then decided from its own memory).",
            ["operation"],
            registry=registry,
        )
        self.quarantined = Counter(
            "loom_quarantined_readings",
            "Refused readings written to the quarantine topic (written), or lost on the way (failed).",
            ["outcome"],
            registry=registry,
        )
        self.ready = Gauge(
            "loom_ready",
            "1 when topics are ensured and readings are accepted (with several workers: all of them).",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.queued = Gauge(
            "loom_producer_queued_records",
            "Records awaiting Kafka's acknowledgement (with several workers: the fullest worker's, "
            "each bounded by LOOM_MAX_IN_FLIGHT_REQUESTS and LOOM_KAFKA_QUEUE_MAX_MESSAGES).",
            registry=registry,
            multiprocess_mode="livemax",
        )

        # HTTP, by route template (never the raw path: device ids in paths would explode the series).
        self.http_requests = Counter(
            "loom_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.http_duration = Histogram(
            "loom_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by method and route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.http_in_flight = Gauge(
            "loom_http_requests_in_flight",
            "HTTP requests being served (WebSocket streams not included).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.requests_in_flight = 0
        """Kept by the HTTP middleware; the gauge reads it when sampled."""
        self._http_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

        # Kafka.
        self.deliveries = Counter(
            "loom_kafka_deliveries",
            "Records Kafka acknowledged, by topic.",
            ["topic"],
            registry=registry,
        )
        self.delivery_errors = Counter(
            "loom_kafka_delivery_errors",
            "Records Kafka did not acknowledge (or the producer refused), by topic and error type.",
            ["topic", "error"],
            registry=registry,
        )
        self.delivery_duration = Histogram(
            "loom_kafka_delivery_duration_seconds",
            "Time from producing a request's records to Kafka's last delivery report for them.",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self._delivered: dict[str, Counter] = {}
        self._delivery_errors: dict[tuple[str, str], Counter] = {}
        self.broker_rtt = Gauge(
            "loom_kafka_broker_rtt_seconds",
            "Round-trip time of requests to each broker over the last statistics interval "
            "(librdkafka statistics), average and 99th percentile.",
            ["broker", "quantile"],
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.broker_retries = Counter(
            "loom_kafka_broker_retries",
            "Requests the producers sent again to each broker (librdkafka txretries).",
            ["broker"],
            registry=registry,
        )
        self.broker_request_timeouts = Counter(
            "loom_kafka_broker_request_timeouts",
            "Requests to each broker that timed out (librdkafka req_timeouts).",
            ["broker"],
            registry=registry,
        )
        self.broker_errors = Counter(
            "loom_kafka_broker_transmit_errors",
            "Errors sending requests to each broker (librdkafka txerrs).",
            ["broker"],
            registry=registry,
        )
        self._statistics_lock = threading.Lock()  # producers report on their own poll threads
        self._broker_totals: dict[tuple[str, str, str], int] = {}
        self.topic_bootstrap = Counter(
            "loom_topic_bootstrap_topics",
            "Catalog topics at each topic-bootstrap attempt: created, existing (as the catalog wants), "
            "drifted (exists but differs: reported, never changed) or failed (missing and not created).",
            ["result"],
            registry=registry,
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

    def http_request(self, method: str, route: str | None, status: int, seconds: float) -> None:
        """One answered HTTP request; ``route`` is the matched route's template (None: none matched)."""
        key = (route or UNMATCHED_ROUTE, method, status)
        children = self._http_children.get(key)
        if children is None:
            if method not in _METHODS:  # keep the dict bounded whatever methods clients invent
                key = (key[0], "other", status)
                method = "other"
            children = self._http_children.get(key)
            if children is None:
                children = self._http_children[key] = (
                    self.http_requests.labels(method, key[0], str(status)),
                    self.http_duration.labels(method, key[0]),
                )
        children[0].inc()
        children[1].observe(seconds)

    def delivered(self, records: Sequence[Record], outcomes: Sequence[LoomError | None]) -> None:
        """What became of one ``publish`` call's records."""
        if len(records) == 1:  # the common case: one reading per request
            self._delivery(records[0].topic, outcomes[0], 1)
            return
        accepted: dict[str, int] = {}
        for record, outcome in zip(records, outcomes, strict=True):
            if outcome is None:
                accepted[record.topic] = accepted.get(record.topic, 0) + 1
            else:
                self._delivery(record.topic, outcome, 1)
        for topic, count in accepted.items():
            self._delivery(topic, None, count)

    def _delivery(self, topic: str, error: LoomError | None, count: int) -> None:
        if error is None:
            child = self._delivered.get(topic)
            if child is None:
                child = self._delivered[topic] = self.deliveries.labels(topic)
        else:
            key = (topic, error.problem_type)
            child = self._delivery_errors.get(key)
            if child is None:
                child = self._delivery_errors[key] = self.delivery_errors.labels(*key)
        child.inc(count)

    def kafka_statistics(self, statistics: str) -> None:
        """librdkafka's statistics JSON (a producer's ``stats_cb``, on its poll thread)."""
        try:
            document = json.loads(statistics)
            client = str(document["name"])
            brokers = document.get("brokers", {}).values()
        except (ValueError, KeyError, AttributeError) as error:
            logger.warning("unreadable librdkafka statistics: %s", error)
            return
        with self._statistics_lock:
            for broker in brokers:
                if broker.get("nodeid", -1) < 0:  # the bootstrap entries, not brokers of the cluster
                    continue
                name = str(broker.get("nodename") or broker.get("name"))
                rtt = broker.get("rtt") or {}
                if rtt.get("cnt", 0) > 0:  # microseconds, over the last interval
                    self.broker_rtt.labels(name, "avg").set(rtt.get("avg", 0) / 1e6)
                    self.broker_rtt.labels(name, "0.99").set(rtt.get("p99", 0) / 1e6)
                for field, counter in zip(
                    _BROKER_COUNTERS,
                    (self.broker_retries, self.broker_request_timeouts, self.broker_errors),
                    strict=True,
                ):
                    # Totals since this producer started: add what is new since its last report.
                    total = int(broker.get(field, 0))
                    key = (client, name, field)
                    before = self._broker_totals.get(key, 0)
                    self._broker_totals[key] = total
                    if total > before:
                        counter.labels(name).inc(total - before)

    def topics_bootstrapped(self, result: str, topics: int) -> None:
        """``result``: created, existing, drifted or failed."""
        if topics:
            self.topic_bootstrap.labels(result).inc(topics)

    def sample(self, *, ready: bool, queued: int) -> None:
        """Set the gauges that follow the process's state (at each scrape, and periodically with
        several workers, whose gauges the scraped worker cannot read)."""
        self.ready.set(1 if ready else 0)
        self.queued.set(queued)
        self.http_in_flight.set(self.requests_in_flight)

    @property
    def multiprocess(self) -> bool:
        return self._multiprocess_directory is not None

    def render(self) -> bytes:
        """The text exposition: of every worker in multiprocess mode, else of this app's registry."""
        if self._multiprocess_directory is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self._multiprocess_directory)  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def close(self) -> None:
        """This worker stops: its live gauges (readiness, queue, in flight) no longer count."""
        if self._multiprocess_directory is not None:
            mark_process_dead(os.getpid(), self._multiprocess_directory)  # type: ignore[no-untyped-call]
