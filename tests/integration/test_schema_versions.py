"""Two versions of a data type side by side: /v1/… and /v2/… each take their own, the unversioned
path takes the latest, both share the topic, and consumers tell them apart by the headers."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from codegen.generate import generate_into
from loom_gateway.catalog import load_catalog
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import gps

pytestmark = pytest.mark.kafka

REPO = Path(__file__).resolve().parents[2]


def gps_v2(v1: dict[str, object]) -> dict[str, object]:
    """A breaking change, so a new version: accuracy becomes required, a fix quality is added."""
    schema = json.loads(json.dumps(v1))
    schema["$id"] = str(schema["$id"]).replace("/v1.json", "/v2.json")
    schema["required"] = [*schema["required"], "accuracy", "fix"]  # type: ignore[misc]
    properties = schema["properties"]
    assert isinstance(properties, dict)
    properties["fix"] = {"description": "Fix quality.", "enum": ["none", "2d", "3d"]}
    schema["examples"] = [{**example, "accuracy": 5.0, "fix": "3d"} for example in schema["examples"]]  # type: ignore[attr-defined]
    return schema


def test_versions_coexist_on_their_paths_and_share_the_topic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gateway_settings: Settings
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    gps_dir = schemas / "device" / "sensor" / "gps"
    (gps_dir / "v2.json").write_text(json.dumps(gps_v2(json.loads((gps_dir / "v1.json").read_text()))))
    package = f"versions_catalog_{uuid.uuid4().hex[:8]}"
    (tmp_path / "generated").mkdir()
    generate_into(schemas, tmp_path / "generated", package)
    monkeypatch.syspath_prepend(str(tmp_path / "generated"))
    catalog = load_catalog(f"{package}:CATALOG")
    served = {route.path: route.data_type.version for route in catalog.routes if route.path.endswith("/gps")}
    assert served == {"/sensor/gps": 2, "/v1/sensor/gps": 1, "/v2/sensor/gps": 2}

    v1_body = {**{k: v for k, v in gps().items() if k != "accuracy"}, "message_id": str(uuid.uuid4())}
    v2_body = {**gps(), "message_id": str(uuid.uuid4()), "accuracy": 4.0, "fix": "3d"}
    latest_body = {**v2_body, "message_id": str(uuid.uuid4())}
    with running_gateway(gateway_settings, catalog) as client:
        pinned_v1 = client.post("/v1/sensor/gps", json=v1_body)
        pinned_v2 = client.post("/v2/sensor/gps", json=v2_body)
        latest = client.post("/sensor/gps", json=latest_body)
        v1_at_latest = client.post("/sensor/gps", json={**v1_body, "message_id": str(uuid.uuid4())})

    assert (pinned_v1.status_code, pinned_v2.status_code, latest.status_code) == (202, 202, 202)
    assert v1_at_latest.status_code == 422  # the unversioned path moved to v2
    assert {e["pointer"] for e in v1_at_latest.json()["errors"]} == {"/accuracy", "/fix"}
    topic = gateway_settings.topic_name("device.sensor.gps.raw")
    records = read_topic(gateway_settings.kafka_bootstrap_servers, topic, expected=3)
    versions = {json.loads(r.value)["message_id"]: r.headers["loom.schema_version"] for r in records}
    assert versions == {
        v1_body["message_id"]: b"1",
        v2_body["message_id"]: b"2",
        latest_body["message_id"]: b"2",
    }
    schema_ids = {r.headers["loom.schema"] for r in records}
    assert schema_ids == {
        b"https://schemas.loom-gateway.dev/device/sensor/gps/v1.json",
        b"https://schemas.loom-gateway.dev/device/sensor/gps/v2.json",
    }
