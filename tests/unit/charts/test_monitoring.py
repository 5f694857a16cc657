"""Every metric the chart's dashboard and alert rules read is one the gateway's /metrics (or, for the
consumer panels and rules, a consumer's) exports: renaming a metric fails here, not on a dashboard
that silently goes blank. The queries themselves run against a real Prometheus in
tests/integration/test_monitoring.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from loom_gateway.consumer.metrics import ConsumerMetrics
from loom_gateway.metrics import Metrics
from tests.support.prometheus import dashboard_panels, metric_names, render_rules

ROOT = Path(__file__).resolve().parents[3]
MONITORING_VALUES = ROOT / "charts" / "loom-gateway" / "ci" / "monitoring-values.yaml"
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
}


def exported(exposition: str) -> set[str]:
    """The sample names a scrape of this exposition can hold (a family without samples yet
    included: a labelled metric has none until its first child)."""
    return {
        family.name + suffix
        for family in text_string_to_metric_families(exposition)
        for suffix in _SUFFIXES[family.type]
    }


@pytest.fixture(scope="module")
def rules() -> dict[str, Any]:
    return render_rules(yaml.safe_load(MONITORING_VALUES.read_text()))


def gateway_metrics() -> set[str]:
    return exported(Metrics().render().decode())


def consumer_metrics() -> set[str]:
    from prometheus_client import generate_latest

    return exported(generate_latest(ConsumerMetrics().registry).decode())


def used(expressions: list[str]) -> set[str]:
    return set().union(*(metric_names(expr) for expr in expressions))


def test_the_gateway_and_the_consumer_export_what_this_test_expects() -> None:
    assert {"loom_ready", "loom_http_requests_total", "loom_kafka_delivery_duration_seconds_bucket"} <= (
        gateway_metrics()
    )
    assert {"loom_consumer_records_total", "loom_consumer_lag_records"} <= consumer_metrics()
    assert "loom_consumer_records_total" not in gateway_metrics()


def test_every_metric_of_the_dashboard_exists() -> None:
    queries = [panel.expr for panel in dashboard_panels()]
    consumer = {name for name in used(queries) if name.startswith("loom_consumer_")}
    gateway = used(queries) - consumer

    assert len(queries) >= 13
    assert gateway - gateway_metrics() == set()
    assert consumer - consumer_metrics() == set()
    assert consumer  # the consumer panels are there


def test_every_metric_of_the_alert_rules_exists(rules: dict[str, Any]) -> None:
    by_group = {group["name"]: [rule["expr"] for rule in group["rules"]] for group in rules["groups"]}

    assert len(by_group["loom-gateway"]) >= 8
    assert used(by_group["loom-gateway"]) - gateway_metrics() == set()
    assert used(by_group["loom-consumers"]) - consumer_metrics() == set()
    assert used(by_group["loom-consumers"])


def test_a_renamed_metric_would_be_noticed() -> None:
    renamed = metric_names('sum(rate(loom_http_request_total{status="503"}[1m]))')

    assert renamed == {"loom_http_request_total"}
    assert renamed - gateway_metrics() == renamed


def test_alerts_turned_off_are_left_out_and_so_is_a_group_left_empty() -> None:
    spec = render_rules(
        {
            "prometheusRule": {
                "enabled": True,
                "alerts": {
                    "deadLetters": {"enabled": False},
                    "consumerLag": {"enabled": False},
                    "notReady": {"enabled": False},
                },
            }
        }
    )

    [group] = spec["groups"]
    alerts = [rule["alert"] for rule in group["rules"]]
    assert group["name"] == "loom-gateway"
    assert "LoomGatewayNotReady" not in alerts
    assert len(alerts) == 8
