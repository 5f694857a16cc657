"""The chart's dashboard and alert rules against a real Prometheus scraping a real gateway.

``loom-gateway serve`` (2 workers, multiprocess metrics) and a consumer built on
loom_gateway.consumer run over a broker of the test's own; a Prometheus server (Debian's package)
scrapes both every second with the chart's rules rendered by Helm (tests/fixtures/monitoring/
fast-alerts-values.yaml: seconds instead of minutes). Traffic of every kind flows: readings,
refusals (401, 403, 413, 422, 429), quarantined readings and dead-lettered records; then the broker
stalls (SIGSTOP) and comes back (SIGCONT).

Proves through Prometheus' HTTP API: every query of every dashboard panel returns series carrying
the labels its legend shows; the outage alert goes pending, then firing, while the broker is away
and resolves after it is back; the quarantine and dead-letter alerts fire on their records. Run
with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from loom_catalog import CATALOG
from loom_gateway.consumer import Consumed, Handlers, ReadingConsumer, load_consumer_settings
from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from loom_gateway.settings import load_settings
from tests.support.consumers import RunningConsumer
from tests.support.gateway import TEST_API_KEY
from tests.support.load import HEARTRATE, Load, by_status, heartrate
from tests.support.prometheus import (
    PrometheusServer,
    dashboard_panels,
    render_rules,
    running_prometheus,
)
from tests.support.serve_server import running_serve

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
FAST_VALUES = ROOT / "tests" / "fixtures" / "monitoring" / "fast-alerts-values.yaml"
NAMESPACE = RELEASE = "loom"
"""What the rules select (rendered as release "loom" in namespace "loom") and the scrape labels say."""
POD = "loom-gateway-0"
CONSUMER_JOB = "device-summary"
VARIABLES = {"namespace": NAMESPACE, "release": RELEASE, "__rate_interval": "5s"}
"""The dashboard's variables as Grafana would fill them in (rate interval: 4 scrape intervals + 1)."""
OUTAGE_ALERT = "LoomGatewayKafkaUnavailable"
ONE_DEVICE_KEY = "one-device-key-0123456789"
"""An API key for device "watch-0" only: posting for another device is a 403."""
POISON = "poison"
"""The device whose readings the consumer's handler refuses: dead letters."""
DELIVERY_TIMEOUT_MS = 1500


class Alerts:
    """When each (alert, state) was first seen, polled from /api/v1/alerts in a thread of its own."""

    def __init__(self, prometheus: PrometheusServer) -> None:
        self._prometheus = prometheus
        self.first_seen: dict[tuple[str, str], float] = {}
        self.last_seen: dict[str, float] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            now = time.monotonic()
            try:
                active = self._prometheus.alerts()
            except (httpx.HTTPError, AssertionError):
                active = []
            for alert in active:
                name = alert["labels"]["alertname"]
                self.first_seen.setdefault((name, alert["state"]), now)
                self.last_seen[name] = now
            time.sleep(0.2)

    def wait(self, what: str, condition: Any, within_s: float) -> float:
        deadline = time.monotonic() + within_s
        while not condition():
            assert time.monotonic() < deadline, f"not within {within_s}s: {what}; seen {self.first_seen}"
            time.sleep(0.1)
        return time.monotonic()

    def active(self, name: str) -> bool:
        return any(alert["labels"]["alertname"] == name for alert in self._prometheus.alerts())

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)


class HeartrateConsumer(RunningConsumer):
    """A consumer service: heartrate readings, a handler that refuses the poison device's."""

    def __init__(self, bootstrap_servers: str, prefix: str, metrics_port: int) -> None:
        handlers = Handlers()
        self.handled = 0

        @handlers.on("device.health.heartrate", 1)
        async def on_heartrate(reading: Consumed[Any]) -> None:
            if reading.key == POISON.encode():
                raise RuntimeError("storage refuses this device")
            self.handled += 1

        super().__init__(
            ReadingConsumer(
                CATALOG,
                handlers,
                load_consumer_settings(
                    group_id=f"{CONSUMER_JOB}-{uuid.uuid4().hex[:6]}",
                    session_timeout_ms=6000,
                    heartbeat_interval_ms=1000,
                    commit_interval_s=0.2,
                    poll_timeout_s=0.1,
                    max_retries=1,
                    retry_backoff_s=0.01,
                    metrics_port=metrics_port,
                ),
                load_settings(
                    auth_disabled=True, kafka_bootstrap_servers=bootstrap_servers, kafka_topic_prefix=prefix
                ),
            )
        )


@pytest.fixture
def rules() -> dict[str, Any]:
    return render_rules(yaml.safe_load(FAST_VALUES.read_text()), release=RELEASE, namespace=NAMESPACE)


@pytest.fixture
def consumer_port() -> int:
    return free_port()


@pytest.fixture
def prefix() -> str:
    return f"mon{uuid.uuid4().hex[:8]}."


def refusals(base_url: str) -> dict[int, int]:
    """One request of each refusal the dashboard shows, but 503; answers by status."""
    answers: list[int] = []
    key = {"X-API-Key": TEST_API_KEY}
    with httpx.Client(base_url=base_url, timeout=10) as client:
        answers.append(client.post(HEARTRATE, json=heartrate(str(uuid.uuid4()))).status_code)  # no key
        answers.append(
            client.post(
                HEARTRATE, json=heartrate(str(uuid.uuid4()), "watch-9"), headers={"X-API-Key": ONE_DEVICE_KEY}
            ).status_code
        )
        big = json.dumps(heartrate(str(uuid.uuid4())) | {"padding": "x" * 2_000_000})
        answers.append(
            client.post(
                HEARTRATE, content=big, headers=key | {"Content-Type": "application/json"}
            ).status_code
        )
        for _ in range(3):  # out of range: refused, and quarantined
            answers.append(
                client.post(
                    HEARTRATE, json=heartrate(str(uuid.uuid4())) | {"bpm": -5}, headers=key
                ).status_code
            )
        for _ in range(3):  # the consumer dead-letters these
            answers.append(
                client.post(HEARTRATE, json=heartrate(str(uuid.uuid4()), POISON), headers=key).status_code
            )
        for _ in range(40):  # one device far over its rate: 429s
            answers.append(
                client.post(HEARTRATE, json=heartrate(str(uuid.uuid4()), "greedy"), headers=key).status_code
            )
    return {status: answers.count(status) for status in sorted(set(answers))}


def test_every_panel_has_series_and_the_outage_alert_fires_and_resolves(
    broker: EmbeddedBroker,
    rules: dict[str, Any],
    prefix: str,
    consumer_port: int,
) -> None:
    started = time.monotonic()
    with running_serve(
        broker.bootstrap_servers,
        workers=2,
        api_keys=json.dumps({TEST_API_KEY: "*", ONE_DEVICE_KEY: ["watch-0"]}),
        kafka_topic_prefix=prefix,
        kafka_delivery_timeout_ms=DELIVERY_TIMEOUT_MS,
        kafka_bootstrap_timeout_s=2.0,
        quarantine_enabled=True,
        device_rate_limit=20.0,
        device_rate_burst=20,
    ) as server:
        consumer = HeartrateConsumer(broker.bootstrap_servers, prefix, consumer_port)
        gateway_target = server.base_url.removeprefix("http://")
        scrape_configs = [
            {
                "job_name": "loom-gateway",
                "static_configs": [
                    {
                        "targets": [gateway_target],
                        "labels": {"namespace": NAMESPACE, "release": RELEASE, "pod": POD},
                    }
                ],
            },
            {
                "job_name": CONSUMER_JOB,
                "static_configs": [
                    {"targets": [f"127.0.0.1:{consumer_port}"], "labels": {"namespace": NAMESPACE}}
                ],
            },
        ]
        try:
            with (
                running_prometheus(rules, scrape_configs) as prometheus,
                Load(
                    server.base_url, threads=4, interval_s=0.1, timeout_s=15, headers=server.headers
                ) as load,
            ):
                window_start = time.time()
                alerts = Alerts(prometheus)
                try:
                    refused = refusals(server.base_url)
                    # Records flow to the consumer, which dead-letters the poison device's.
                    alerts.wait(
                        "the dead letters and the quarantined readings alert",
                        lambda: (
                            {
                                ("LoomConsumerDeadLetters", "firing"),
                                ("LoomGatewayReadingsQuarantined", "firing"),
                            }
                            <= alerts.first_seen.keys()
                        ),
                        within_s=40,
                    )
                    assert not alerts.active(OUTAGE_ALERT)

                    # The outage: the broker stalls until the alert fires, then comes back.
                    broker.pause()
                    paused = time.monotonic()
                    try:
                        firing = alerts.wait(
                            f"{OUTAGE_ALERT} firing",
                            lambda: (OUTAGE_ALERT, "firing") in alerts.first_seen,
                            within_s=30,
                        )
                    finally:
                        broker.resume()
                    resumed = time.monotonic()
                    resolved = alerts.wait(
                        f"{OUTAGE_ALERT} resolved",
                        lambda: (
                            not alerts.active(OUTAGE_ALERT)
                            and alerts.last_seen[OUTAGE_ALERT] < time.monotonic() - 1
                        ),
                        within_s=40,
                    )
                    load.wait_for(
                        "acknowledgements after the outage",
                        lambda answers: any(a.acknowledged and a.started > resumed for a in answers),
                    )
                finally:
                    alerts.stop()
                load.stop()
                window_end = time.time()
                panels = {
                    (panel.title, panel.resolved(VARIABLES)): (
                        panel.labels,
                        prometheus.query_range(panel.resolved(VARIABLES), window_start, window_end),
                    )
                    for panel in dashboard_panels()
                }
                statuses = {
                    series["metric"].get("status")
                    for (title, _), (_, result) in panels.items()
                    if title == "Refusals by reason"
                    for series in result
                }
                targets = {target["labels"]["job"]: target["health"] for target in prometheus.targets()}
                answers = load.answers
        finally:
            consumer.stop()
    elapsed = time.monotonic() - started

    pending = alerts.first_seen.get((OUTAGE_ALERT, "pending"))
    print(
        f"\nmonitoring: {len(answers)} load requests {by_status(answers)}; refusals sent {refused};"
        f" consumer handled {consumer.handled}"
        f"\n  {OUTAGE_ALERT}: broker paused at 0.0s, pending at"
        f" {(pending or float('nan')) - paused:.1f}s, firing at {firing - paused:.1f}s;"
        f" resumed at {resumed - paused:.1f}s, resolved at {resolved - paused:.1f}s"
        f"\n  alerts seen: {sorted(alerts.first_seen)}"
        f"\n  panels: {[(title, len(result)) for (title, _), (_, result) in panels.items()]}"
        f"\n  refusal statuses in Prometheus: {sorted(s for s in statuses if s)}; targets {targets}"
        f"\n  took {elapsed:.1f}s"
    )
    assert consumer.error is None, consumer.error
    assert targets == {"loom-gateway": "up", CONSUMER_JOB: "up"}
    assert refused.keys() >= {202, 401, 403, 413, 422, 429}, refused
    # Every query of every panel returned series, each with the labels its legend shows.
    for (title, expr), (labels, result) in panels.items():
        assert result, f"{title}: no series for {expr}"
        for series in result:
            missing = {label for label in labels if not series["metric"].get(label)}
            assert not missing, f"{title}: a series without {missing}: {series['metric']} ({expr})"
    assert statuses >= {"401", "403", "413", "422", "429", "503"}, statuses
    # The outage alert: pending, then firing, while the broker was away; resolved once it was back.
    assert pending is not None, alerts.first_seen
    assert paused < pending < firing < resumed < resolved
