"""The ``loom-gateway`` command as users run it."""

from __future__ import annotations

import json
import socket
import uuid

import httpx
import pytest
from click.testing import CliRunner

from loom_catalog import CATALOG
from loom_gateway.cli import main
from loom_gateway.settings import Settings
from tests.support.dev_server import running_dev_server
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_dev_serves_on_an_embedded_broker_and_stops_it_on_exit() -> None:
    reading = {
        "device_id": "laptop-1",
        "recorded_at": "2025-07-08T16:53:08.123",
        "message_id": str(uuid.uuid4()),
        "latitude": 1.5,
        "longitude": 2.5,
    }
    with running_dev_server() as server:
        response = httpx.post(f"{server.base_url}/sensor/gps", json=reading, timeout=15)
        records = read_topic(server.bootstrap_servers, "device.sensor.gps.raw", expected=1)

    assert response.status_code == 202, response.text
    assert [json.loads(r.value)["message_id"] for r in records] == [reading["message_id"]]
    assert "DEVELOPMENT MODE" in server.stderr
    assert not _listening(server.broker_port), "the embedded broker outlived loom-gateway dev"


def test_topics_plan_then_apply_then_plan(
    gateway_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOM_KAFKA_BOOTSTRAP_SERVERS", gateway_settings.kafka_bootstrap_servers)
    monkeypatch.setenv("LOOM_KAFKA_TOPIC_PREFIX", gateway_settings.kafka_topic_prefix)
    monkeypatch.setenv("LOOM_QUARANTINE_ENABLED", "true")  # every catalog topic, quarantine too
    runner = CliRunner()
    names = [gateway_settings.topic_name(topic.name) for topic in CATALOG.topics()]

    before = runner.invoke(main, ["topics", "plan"])
    applied = runner.invoke(main, ["topics", "apply"])
    after = runner.invoke(main, ["topics", "plan"])
    after_json = runner.invoke(main, ["topics", "plan", "--json"])
    listed = runner.invoke(main, ["topics", "list"])

    assert before.exit_code == 0, before.output
    *creates, summary = before.output.splitlines()
    assert [line.split()[:2] for line in creates] == [["create", name] for name in names]
    assert all("partitions=" in line and "retention.ms=" in line for line in creates)
    assert summary.startswith(f"{len(names)} to create, 0 as the catalog wants, 0 drifted")
    assert applied.exit_code == 0, applied.output
    assert applied.output.splitlines() == [f"{name}: created" for name in names]
    assert after.output.splitlines()[:-1] == [f"ok      {name}" for name in names]
    document = json.loads(after_json.output)
    assert document["summary"] == {"create": 0, "ok": len(names), "drift": 0}
    assert [(topic["name"], topic["action"]) for topic in document["topics"]] == [(n, "ok") for n in names]
    assert [line.split("\t")[0] for line in listed.output.splitlines()] == names


def test_invalid_settings_fail_with_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_KAFKA_DEFAULT_PARTITIONS", "zero")

    result = CliRunner().invoke(main, ["topics", "list"])

    assert result.exit_code == 1
    assert "LOOM_KAFKA_DEFAULT_PARTITIONS" in result.output
