"""The chart's monitoring as a test sees it: the alert rules rendered by Helm (its library, no binary),
the committed Grafana dashboard's queries, and a real Prometheus server (Debian's `prometheus`, which
`nox -s tests` installs) on loopback, read through its HTTP API."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import helm_python as helm
import httpx
import yaml

from loom_gateway.embedded_broker import free_port
from tests.support.processes import stop_session

__all__ = [
    "DASHBOARD",
    "Panel",
    "PrometheusServer",
    "dashboard_panels",
    "metric_names",
    "render_rules",
    "running_prometheus",
]

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "loom-gateway"
DASHBOARD = CHART / "dashboards" / "loom-gateway.json"
_LEGEND_LABEL = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_METRIC = re.compile(r"\b(loom_[a-z0-9_]+)\b")


def render_rules(
    values: Mapping[str, Any], *, release: str = "loom", namespace: str = "loom"
) -> dict[str, Any]:
    """The ``spec`` of the chart's rendered PrometheusRule (the ``groups:`` document promtool and
    Prometheus read)."""
    with helm.Chart.load(CHART) as chart:
        manifests = chart.render(dict(values), name=release, namespace=namespace, is_install=True)
        text = manifests[f"{chart.name}/templates/prometheusrule.yaml"]
    resource = yaml.safe_load(text)
    assert resource["kind"] == "PrometheusRule", text[:200]
    spec: dict[str, Any] = resource["spec"]
    return spec


@dataclass(frozen=True, slots=True)
class Panel:
    title: str
    expr: str
    labels: frozenset[str]
    """The labels its legend shows, which every series of the query must carry."""

    def resolved(self, variables: Mapping[str, str]) -> str:
        """The query with the dashboard's variables ($namespace, $release, $__rate_interval) put in."""
        expr = self.expr
        for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
            expr = expr.replace(f"${name}", value)
        return expr


def dashboard_panels() -> list[Panel]:
    """Every query of every panel of the committed dashboard."""
    dashboard = json.loads(DASHBOARD.read_text())
    return [
        Panel(
            panel["title"],
            target["expr"],
            frozenset(_LEGEND_LABEL.findall(target.get("legendFormat", ""))),
        )
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def metric_names(expr: str) -> set[str]:
    """The loom_* metric names a PromQL expression reads."""
    return set(_METRIC.findall(expr))


@dataclass(slots=True)
class PrometheusServer:
    base_url: str
    process: subprocess.Popen[bytes]
    _log: IO[bytes]

    def get(self, path: str, **params: Any) -> Any:
        response = httpx.get(f"{self.base_url}{path}", params=params, timeout=10)
        body = response.json()
        assert response.status_code == 200, body
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's series (``metric`` and ``value``)."""
        result: list[dict[str, Any]] = self.get("/api/v1/query", query=expr)["result"]
        return result

    def query_range(self, expr: str, start: float, end: float, step: str = "1s") -> list[dict[str, Any]]:
        """A range query's series (``metric`` and ``values``), as Grafana asks for a panel."""
        result: list[dict[str, Any]] = self.get(
            "/api/v1/query_range", query=expr, start=start, end=end, step=step
        )["result"]
        return result

    def alerts(self) -> list[dict[str, Any]]:
        """Active alerts (pending or firing), each with ``labels`` and ``state``."""
        alerts: list[dict[str, Any]] = self.get("/api/v1/alerts")["alerts"]
        return alerts

    def targets(self) -> list[dict[str, Any]]:
        targets: list[dict[str, Any]] = self.get("/api/v1/targets")["activeTargets"]
        return targets

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")


@contextmanager
def running_prometheus(
    rules: Mapping[str, Any], scrape_configs: list[dict[str, Any]], *, interval: str = "1s"
) -> Iterator[PrometheusServer]:
    """A Prometheus server on a free loopback port with ``rules`` (a ``groups:`` document), scraping
    and evaluating every ``interval``; stopped (its process group) on exit."""
    binary = shutil.which("prometheus")
    assert binary, "no prometheus on PATH: apt-get install -y prometheus (nox -s tests installs it)"
    with tempfile.TemporaryDirectory(prefix="loom-prometheus-") as scratch:
        directory = Path(scratch)
        (directory / "rules.yaml").write_text(yaml.safe_dump(dict(rules), sort_keys=False))
        config = {
            "global": {
                "scrape_interval": interval,
                "scrape_timeout": interval,
                "evaluation_interval": interval,
            },
            "rule_files": ["rules.yaml"],
            "scrape_configs": scrape_configs,
        }
        (directory / "prometheus.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        port = free_port()
        log = tempfile.TemporaryFile(prefix="loom-prometheus-")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={directory / 'prometheus.yml'}",
                f"--storage.tsdb.path={directory / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group, stopped as one
        )
        server = PrometheusServer(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_ready(server)
            yield server
        finally:
            stop_session(process, whole_group=True, within_s=15)
            log.close()


def _wait_ready(server: PrometheusServer, within_s: float = 20.0) -> None:
    deadline = time.monotonic() + within_s
    while True:
        if server.process.poll() is not None:
            raise AssertionError(f"prometheus exited ({server.process.returncode}): {server.log()}")
        try:
            if httpx.get(f"{server.base_url}/-/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"prometheus did not become ready: {server.log()[-3000:]}")
        time.sleep(0.05)
