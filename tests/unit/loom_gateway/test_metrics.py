"""loom_gateway.metrics: names, labels, librdkafka statistics, and what each helper counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from loom_gateway.errors import BrokerUnavailable, ConfigurationError, Overloaded
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics, _forget_dead_workers, _ProcessId


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def statistics(name: str = "loom-gateway#producer-1", **brokers: dict[str, Any]) -> str:
    """A librdkafka statistics document, reduced to what the metrics read."""
    return json.dumps(
        {
            "name": name,
            "brokers": {
                "127.0.0.1:9092/bootstrap": {"nodeid": -1, "nodename": "127.0.0.1:9092", "txretries": 99},
                **brokers,
            },
        }
    )


def broker(
    node: int, *, retries: int = 0, timeouts: int = 0, errors: int = 0, rtt_us: int = 0
) -> dict[str, Any]:
    rtt = {"cnt": 5, "avg": rtt_us, "p99": rtt_us * 2} if rtt_us else {"cnt": 0, "avg": 0, "p99": 0}
    return {
        "nodeid": node,
        "nodename": f"kafka-{node}:9092",
        "txretries": retries,
        "req_timeouts": timeouts,
        "txerrs": errors,
        "rtt": rtt,
    }


def test_broker_statistics_become_rtt_gauges_and_counters_of_what_is_new() -> None:
    metrics = Metrics()

    metrics.kafka_statistics(statistics(b1=broker(1, retries=2, timeouts=1, rtt_us=1500)))
    metrics.kafka_statistics(statistics(b1=broker(1, retries=5, timeouts=1, errors=1)))

    assert sample(metrics, "loom_kafka_broker_rtt_seconds", broker="kafka-1:9092", quantile="avg") == 0.0015
    assert sample(metrics, "loom_kafka_broker_rtt_seconds", broker="kafka-1:9092", quantile="0.99") == 0.003
    assert sample(metrics, "loom_kafka_broker_retries_total", broker="kafka-1:9092") == 5
    assert sample(metrics, "loom_kafka_broker_request_timeouts_total", broker="kafka-1:9092") == 1
    assert sample(metrics, "loom_kafka_broker_transmit_errors_total", broker="kafka-1:9092") == 1
    # The bootstrap entry is no broker of the cluster.
    assert sample(metrics, "loom_kafka_broker_retries_total", broker="127.0.0.1:9092") is None


def test_a_rebuilt_producer_starts_its_totals_afresh() -> None:
    metrics = Metrics()

    metrics.kafka_statistics(statistics("loom-gateway#producer-1", b1=broker(1, retries=4)))
    metrics.kafka_statistics(statistics("loom-gateway#producer-2", b1=broker(1, retries=1)))

    assert sample(metrics, "loom_kafka_broker_retries_total", broker="kafka-1:9092") == 5


def test_unreadable_statistics_are_skipped() -> None:
    metrics = Metrics()

    metrics.kafka_statistics("not json")
    metrics.kafka_statistics("{}")


def test_deliveries_are_counted_by_topic_and_errors_by_type() -> None:
    metrics = Metrics()
    records = [Record(topic, b"k", b"{}", []) for topic in ("a", "a", "b", "b")]

    metrics.delivered(records, [None, None, Overloaded("full"), BrokerUnavailable("down")])
    metrics.delivered(records[:1], [None])

    assert sample(metrics, "loom_kafka_deliveries_total", topic="a") == 3
    assert sample(metrics, "loom_kafka_deliveries_total", topic="b") is None
    assert sample(metrics, "loom_kafka_delivery_errors_total", topic="b", error="overloaded") == 1
    assert sample(metrics, "loom_kafka_delivery_errors_total", topic="b", error="broker-unavailable") == 1


def test_http_requests_by_route_template_and_status_with_invented_methods_pooled() -> None:
    metrics = Metrics()

    metrics.http_request("POST", "/sensor/gps", 202, 0.002)
    metrics.http_request("POST", "/sensor/gps", 202, 0.2)
    metrics.http_request("BREW", None, 404, 0.001)
    metrics.http_request("SPIN", None, 404, 0.001)

    assert sample(metrics, "loom_http_requests_total", method="POST", route="/sensor/gps", status="202") == 2
    assert sample(metrics, "loom_http_requests_total", method="other", route="unmatched", status="404") == 2
    count = sample(metrics, "loom_http_request_duration_seconds_count", method="POST", route="/sensor/gps")
    assert count == 2
    fast = {"method": "POST", "route": "/sensor/gps", "le": "0.0025"}
    assert metrics.registry.get_sample_value("loom_http_request_duration_seconds_bucket", fast) == 1


def test_sampled_gauges_and_bootstrap_results() -> None:
    metrics = Metrics()
    metrics.requests_in_flight = 3

    metrics.sample(ready=True, queued=7)
    metrics.topics_bootstrapped("created", 4)
    metrics.topics_bootstrapped("failed", 0)

    assert sample(metrics, "loom_ready") == 1
    assert sample(metrics, "loom_producer_queued_records") == 7
    assert sample(metrics, "loom_http_requests_in_flight") == 3
    assert sample(metrics, "loom_topic_bootstrap_topics_total", result="created") == 4
    assert sample(metrics, "loom_topic_bootstrap_topics_total", result="failed") is None
    assert b"loom_topic_bootstrap_topics_total" in metrics.render()


def test_multiprocess_mode_needs_the_variable_before_prometheus_client_is_imported(tmp_path: Any) -> None:
    # prometheus_client was imported without PROMETHEUS_MULTIPROC_DIR: its values live in memory.
    with pytest.raises(ConfigurationError, match="PROMETHEUS_MULTIPROC_DIR"):
        Metrics(str(tmp_path))


def test_the_cached_process_id_is_this_process_s_and_a_forked_child_s_own() -> None:
    assert _ProcessId.get() == os.getpid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child reports what it sees, and exits without running pytest's teardown
        os.write(write, f"{_ProcessId.get()} {os.getpid()}".encode())
        os._exit(0)
    os.close(write)
    seen, actual = os.read(read, 64).decode().split()
    os.close(read)
    os.waitpid(child, 0)

    assert seen == actual
    assert int(seen) != os.getpid()


def test_a_dead_worker_s_live_gauges_are_dropped_and_its_counters_kept(tmp_path: Any) -> None:
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)  # reaped: no process has this id any more
    files = [
        f"gauge_livesum_{dead}.db",
        f"gauge_livemin_{dead}.db",
        f"counter_{dead}.db",
        f"histogram_{dead}.db",
        f"gauge_livesum_{os.getpid()}.db",
    ]
    for name in files:
        (tmp_path / name).write_bytes(b"")

    _forget_dead_workers(str(tmp_path))

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"counter_{dead}.db", f"histogram_{dead}.db", f"gauge_livesum_{os.getpid()}.db"]
    )


_WORKER = """
import sys
from loom_gateway.metrics import Metrics, multiprocess_dir

metrics = Metrics(multiprocess_dir())
if sys.argv[1] == "sibling":
    metrics.sample(ready=sys.argv[2] == "ready", queued=0)
    print("sampled", flush=True)
    sys.stdin.read()  # alive until the test closes stdin
else:
    print(metrics.another_worker_ready(), flush=True)
"""


def test_a_worker_sees_whether_a_live_sibling_is_ready(tmp_path: Any) -> None:
    # Processes of their own: multiprocess mode is chosen when prometheus_client is imported.
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def newcomer_sees() -> str:
        command = [sys.executable, "-c", _WORKER, "newcomer"]
        return subprocess.run(
            command, env=environment, capture_output=True, check=True, text=True
        ).stdout.strip()

    def sibling(state: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, "sibling", state],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "sampled"
        return process

    assert newcomer_sees() == "False"  # alone
    not_ready = sibling("not-ready")
    assert newcomer_sees() == "False"
    ready = sibling("ready")
    assert newcomer_sees() == "True"
    ready.kill()  # dead without closing: its file stays, but it no longer counts
    ready.communicate()
    assert newcomer_sees() == "False"
    not_ready.communicate("")
