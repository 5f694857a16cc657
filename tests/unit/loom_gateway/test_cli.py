"""loom_gateway.cli: the topic plan for people and for CI, and the metrics directory of ``serve``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from loom_gateway.cli import _metrics_directory, _plan_json, _plan_table
from loom_gateway.kafka.topics import Action, DesiredTopic, PlannedTopic


def topic(name: str) -> DesiredTopic:
    return DesiredTopic(name, 6, 3, {"retention.ms": "604800000", "cleanup.policy": "delete"})


PLAN = [
    PlannedTopic(topic("device.sensor.gps.raw"), Action.CREATE),
    PlannedTopic(topic("device.audio.raw"), Action.OK),
    PlannedTopic(topic("device.health.steps.raw"), Action.DRIFT, ("partitions 3, catalog wants 6",)),
]


def test_the_plan_for_people_is_aligned_and_summed_up() -> None:
    assert _plan_table(PLAN).splitlines() == [
        "create  device.sensor.gps.raw    partitions=6 replication=3 "
        "cleanup.policy=delete retention.ms=604800000",
        "ok      device.audio.raw",
        "drift   device.health.steps.raw  partitions 3, catalog wants 6",
        "1 to create, 1 as the catalog wants, 1 drifted (reported; apply never changes an existing topic).",
    ]


def test_the_plan_for_ci_is_one_json_document() -> None:
    document = json.loads(_plan_json(PLAN))

    assert document["summary"] == {"create": 1, "ok": 1, "drift": 1}
    assert document["topics"][2] == {
        "name": "device.health.steps.raw",
        "action": "drift",
        "partitions": 6,
        "replication_factor": 3,
        "configs": {"cleanup.policy": "delete", "retention.ms": "604800000"},
        "differences": ["partitions 3, catalog wants 6"],
    }


def test_several_workers_or_a_metrics_port_get_a_temporary_metrics_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)

    with _metrics_directory(shared=True):
        directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        assert directory.is_dir()
    with _metrics_directory(shared=False):
        assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ

    assert not directory.exists()
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_a_configured_metrics_directory_is_kept_but_emptied_of_old_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"old")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    with _metrics_directory(shared=True):
        assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.txt"]

    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)
