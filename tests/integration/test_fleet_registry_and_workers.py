"""The chart's shape on one machine: two ``loom-gateway serve`` replicas of two workers each, on one
broker, behind HAProxy (round robin, a new server connection per request).

- Registry read-your-writes across the fleet: a device registered through the balancer is read back
  by the next request, which round robin sends to the other replica.
- A worker killed with SIGKILL is replaced while its replica keeps serving, and the replica's
  /metrics still adds up: the dead worker's counts neither vanish nor count twice.

Run with ``-s`` to see the registry's latency figures (printed, never asserted).
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from tests.support import mobile_bodies
from tests.support.haproxy import HAProxy, running_haproxy
from tests.support.mobile_bodies import device_registration
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

READ_BACKS = 20
GPS_ROUTE = "/sensor/gps"
GPS_TYPE = DEVICE_SENSOR_GPS_V1.qualified_name
DEVICE_ROUTE = "/devices/{device_id}"

Scrape = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass(frozen=True, slots=True)
class Fleet:
    replicas: tuple[ServeServer, ServeServer]
    balancer: HAProxy
    metrics_directory: Path
    """The first replica's PROMETHEUS_MULTIPROC_DIR (set by the test, to look at one worker's files)."""

    @property
    def headers(self) -> dict[str, str]:
        return self.replicas[0].headers


@pytest.fixture(scope="module")
def fleet(kafka_bootstrap_servers: str) -> Iterator[Fleet]:
    prefix = f"fleet-{uuid.uuid4().hex[:8]}."
    with (
        tempfile.TemporaryDirectory(prefix="loom-fleet-metrics-") as directory,
        running_serve(
            kafka_bootstrap_servers,
            workers=2,
            kafka_topic_prefix=prefix,
            environment={"PROMETHEUS_MULTIPROC_DIR": directory},
        ) as first,
        running_serve(kafka_bootstrap_servers, workers=2, kafka_topic_prefix=prefix) as second,
        running_haproxy([first.base_url, second.base_url]) as balancer,
    ):
        yield Fleet((first, second), balancer, Path(directory))


def samples(exposition: str) -> Scrape:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(scrape: Scrape, name: str, **labels: str) -> float:
    return scrape.get((name, frozenset(labels.items())), 0.0)


def scrape(server: ServeServer) -> Scrape:
    response = httpx.get(f"{server.base_url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return samples(response.text)


def gps(device_id: str) -> dict[str, Any]:
    """The mobile client's GPS body, for ``device_id``, with a message_id of its own."""
    return {**mobile_bodies.gps(), "device_id": device_id, "message_id": str(uuid.uuid4())}


def milliseconds(durations: list[float]) -> str:
    ordered = sorted(durations)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms"


def test_a_registration_is_read_back_by_the_next_request_on_the_other_replica(fleet: Fleet) -> None:
    found = 0
    writes: list[float] = []
    reads: list[float] = []
    baseline: list[float] = []
    ids: list[str] = []
    # One client connection: HAProxy still opens a server connection per request, in turn.
    with httpx.Client(base_url=fleet.balancer.base_url, headers=fleet.headers, timeout=30) as client:
        for _ in range(READ_BACKS):
            posted = device_registration(device_id=str(uuid.uuid4()), name="read back across the fleet")
            started = time.perf_counter()
            registered = client.post("/devices", json=posted)
            writes.append(time.perf_counter() - started)
            assert registered.status_code == 201, registered.text
            started = time.perf_counter()
            read = client.get(f"/devices/{posted['device_id']}")
            reads.append(time.perf_counter() - started)
            found += read.status_code == 200 and read.json() == registered.json()
            ids.append(posted["device_id"])
        assert found == READ_BACKS
        # Round robin alternated the replicas: every registration reached one, every read-back the other.
        first, second = (scrape(replica) for replica in fleet.replicas)
        posts = [
            value(s, "loom_http_requests_total", method="POST", route="/devices", status="201")
            for s in (first, second)
        ]
        gets = [
            value(s, "loom_http_requests_total", method="GET", route=DEVICE_ROUTE, status="200")
            for s in (first, second)
        ]
        assert sorted(zip(posts, gets, strict=True)) == [(0, READ_BACKS), (READ_BACKS, 0)]
        # Reading devices this replica has long read: the wait is one ListOffsets round trip.
        settled: list[float] = []
        for _ in range(2):
            for device_id in ids:
                started = time.perf_counter()
                assert client.get(f"/devices/{device_id}").status_code == 200
                settled.append(time.perf_counter() - started)
        # The same balancer and replicas, a /devices route that does not wait for the topic's end.
        for _ in range(READ_BACKS):
            started = time.perf_counter()
            assert client.get("/devices/activity").status_code == 200
            baseline.append(time.perf_counter() - started)

    print(
        f"\nregistry through HAProxy, {READ_BACKS} each: POST /devices {milliseconds(writes)}; "
        f"GET /devices/{{id}} just written on the other replica {milliseconds(reads)}, "
        f"written earlier {milliseconds(settled)}; "
        f"GET /devices/activity (no wait for the topic's end) {milliseconds(baseline)}"
    )


def test_a_killed_worker_is_replaced_and_the_metrics_still_add_up(fleet: Fleet) -> None:
    replica = fleet.replicas[0]
    workers = replica.worker_pids()
    assert len(workers) == 2
    device_id = str(uuid.uuid4())

    def post_directly(count: int) -> None:
        for _ in range(count):  # a new connection each: the kernel spreads them over the workers
            response = httpx.post(
                f"{replica.base_url}{GPS_ROUTE}", json=gps(device_id), headers=fleet.headers
            )
            assert response.status_code == 202, response.text

    post_directly(30)
    counted = {pid: accepted_by(fleet.metrics_directory, pid) for pid in workers}
    victim = max(workers, key=lambda pid: counted[pid])
    assert counted[victim] > 0, counted
    before = scrape(replica)
    accepted_before = value(before, "loom_readings_total", data_type=GPS_TYPE, outcome="accepted")
    assert accepted_before == sum(counted.values())

    os.kill(victim, signal.SIGKILL)

    # The fleet keeps serving through the balancer while the worker is replaced.
    deadline = time.monotonic() + 60
    through_balancer = 0
    while True:
        response = httpx.post(
            f"{fleet.balancer.base_url}{GPS_ROUTE}", json=gps(device_id), headers=fleet.headers, timeout=30
        )
        assert response.status_code == 202, response.text
        through_balancer += 1
        replaced = replica.worker_pids()
        if len(replaced) == 2 and victim not in replaced:
            break
        assert time.monotonic() < deadline, f"worker {victim} not replaced: {replica.log()[-3000:]}"
    assert replica.process.poll() is None
    post_directly(20)  # some reach the new worker
    while through_balancer < 20:
        response = httpx.post(
            f"{fleet.balancer.base_url}{GPS_ROUTE}", json=gps(device_id), headers=fleet.headers
        )
        assert response.status_code == 202, response.text
        through_balancer += 1

    # The replica's sum: what it accepted before (the dead worker's share included), plus the 20 sent
    # to it directly, plus its share of the balancer's (round robin: half, give or take one).
    scrapes = [scrape(replica) for _ in range(6)]  # whichever worker answers
    other = value(scrape(fleet.replicas[1]), "loom_readings_total", data_type=GPS_TYPE, outcome="accepted")
    for after in scrapes:
        accepted = value(after, "loom_readings_total", data_type=GPS_TYPE, outcome="accepted")
        assert accepted + other == accepted_before + 20 + through_balancer
        assert abs((accepted - accepted_before - 20) - through_balancer / 2) <= 1
        assert value(after, "loom_ready") == 1
    # The dead worker's live gauges were dropped; its counts were kept.
    left = {path.name for path in fleet.metrics_directory.iterdir() if path.name.endswith(f"_{victim}.db")}
    assert left, "the dead worker's counters are gone"
    assert not any(name.startswith("gauge_live") for name in left), left


def accepted_by(directory: Path, pid: int) -> float:
    """The readings one worker counted, from its own multiprocess files only."""
    with tempfile.TemporaryDirectory(prefix="loom-one-worker-") as alone:
        for path in directory.glob(f"*_{pid}.db"):
            shutil.copy(path, alone)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=alone)  # type: ignore[no-untyped-call]
        return value(
            samples(generate_latest(registry).decode()),
            "loom_readings_total",
            data_type=GPS_TYPE,
            outcome="accepted",
        )
