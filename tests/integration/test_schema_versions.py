"""Evolving a data type without breaking what runs, end to end over the broker (issue 18's repro).

gps v2 makes ``altitude`` non-nullable (every v2 reading is a valid v1 reading, but not the
reverse) and is released; v3 adds a required ``fix`` under ``additionalProperties: false`` (no v1
reader can read it) and is not. The unversioned path stays on v1, so the Loom client's explicit
null is still taken; a consumer with only a v1 handler reads v1 and v2 records, dead-letters v3
and names v3 when it starts.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codegen.cli import EXIT_INCOMPATIBLE, main
from codegen.generate import generate_into
from loom_gateway.catalog import Catalog, load_catalog
from loom_gateway.consumer import Consumed, Handlers, ReadingConsumer, load_consumer_settings
from loom_gateway.settings import Settings
from tests.support.consumers import RunningConsumer
from tests.support.gateway import running_gateway
from tests.support.kafka import ConsumedRecord, read_topic
from tests.support.mobile_bodies import gps

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(180)]

REPO = Path(__file__).resolve().parents[2]
GPS = Path("device/sensor/gps")


def gps_v2(v1: dict[str, Any]) -> dict[str, Any]:
    """What the gate's exit 3 says to do to make altitude non-nullable: a new version."""
    schema = json.loads(json.dumps(v1))
    schema["$id"] = schema["$id"].replace("/v1.json", "/v2.json")
    schema["properties"]["altitude"]["type"] = "number"
    schema["examples"] = [{**example, "altitude": 2.5} for example in schema["examples"]]
    return schema


def gps_v3(v2: dict[str, Any]) -> dict[str, Any]:
    """A new required property: v1 and v2 readers refuse it, as they refuse undeclared properties."""
    schema = json.loads(json.dumps(v2))
    schema["$id"] = schema["$id"].replace("/v2.json", "/v3.json")
    schema["required"] = [*schema["required"], "fix"]
    schema["properties"]["fix"] = {"description": "Fix quality.", "enum": ["none", "2d", "3d"]}
    schema["examples"] = [{**example, "fix": "3d"} for example in schema["examples"]]
    return schema


@dataclass(frozen=True)
class Evolved:
    schemas: Path
    lock: Path
    catalog: Catalog


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Evolved]:
    root = tmp_path_factory.mktemp("evolved")
    schemas, lock = root / "schemas", root / "schemas.lock.json"
    shutil.copytree(REPO / "schemas", schemas)
    shutil.copy(REPO / "schemas.lock.json", lock)
    v1 = json.loads((schemas / GPS / "v1.json").read_text("utf-8"))
    (schemas / GPS / "v2.json").write_text(json.dumps(gps_v2(v1)), "utf-8")
    assert main(["release", "--schemas", str(schemas), str(GPS / "v2.json")]) == 0
    (schemas / GPS / "v3.json").write_text(json.dumps(gps_v3(gps_v2(v1))), "utf-8")
    package = f"evolved_catalog_{uuid.uuid4().hex[:8]}"
    output = root / "generated"
    output.mkdir()
    generate_into(schemas, output, package)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(output))
        yield Evolved(schemas, lock, load_catalog(f"{package}:CATALOG"))


def test_the_gate_states_the_rollout_order_and_refuses_a_promotion_that_breaks_writers(
    evolved: Evolved, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = evolved.schemas.parent / "generated-check"
    assert main(["generate", "--schemas", str(evolved.schemas), "--output", str(generated)]) == 0
    capsys.readouterr()
    assert main(["check", "--schemas", str(evolved.schemas), "--output", str(generated)]) == 0
    out = capsys.readouterr().out
    assert (
        "device.sensor.gps v2, writers: existing clients keep posting to /sensor/gps, which stays on v1 "
        "until `python -m codegen promote device.sensor.gps 2`; the gate refuses to promote, as some "
        "v1 bodies are invalid under v2 (#/properties/altitude/type: the writer allows null, "
        "the reader does not)."
    ) in out
    assert (
        "device.sensor.gps v2, readers: existing v1 handlers read v2 records "
        "(every v2 reading is a valid v1 reading)."
    ) in out
    assert "device.sensor.gps v2, rollout order: either: gateway or consumers first" in out
    assert "device.sensor.gps v3, readers: existing v1 handlers cannot read v3 records (" in out
    assert "device.sensor.gps v3, rollout order: make it a new data type" in out

    lock_before = evolved.lock.read_bytes()
    assert main(["promote", "device.sensor.gps", "2", "--schemas", str(evolved.schemas)]) == EXIT_INCOMPATIBLE
    assert "/sensor/gps: not promoted: some v1 bodies are invalid under v2" in capsys.readouterr().err
    assert evolved.lock.read_bytes() == lock_before


def test_old_clients_keep_their_path_and_a_v1_consumer_reads_what_v1_can_read(
    evolved: Evolved,
    gateway_settings: Settings,
    kafka_bootstrap_servers: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalog = evolved.catalog
    served = {route.path: route.data_type.version for route in catalog.routes if route.path.endswith("/gps")}
    assert served == {"/sensor/gps": 1, "/v1/sensor/gps": 1, "/v2/sensor/gps": 2, "/v3/sensor/gps": 3}

    # The Loom client's body: explicit nulls (altitude among them), speed left out.
    old_body = {key: value for key, value in gps().items() if key != "speed"} | {"message_id": _new_id()}
    v2_body = {**gps(), "altitude": 3.0, "message_id": _new_id()}
    v3_body = {**gps(), "altitude": 3.0, "fix": "3d", "message_id": _new_id()}
    with running_gateway(gateway_settings, catalog) as client:
        old = client.post("/sensor/gps", json=old_body)
        pinned_v2 = client.post("/v2/sensor/gps", json=v2_body)
        null_at_v2 = client.post("/v2/sensor/gps", json={**old_body, "message_id": str(uuid.uuid4())})
        pinned_v3 = client.post("/v3/sensor/gps", json=v3_body)
        metrics = client.get("/metrics").text

    assert (old.status_code, pinned_v2.status_code, pinned_v3.status_code) == (202, 202, 202)
    assert null_at_v2.status_code == 422
    # v1 has a released successor (v2): its answers say so; v2's successor v3 is not released.
    assert re.fullmatch(r"@[0-9]+", old.headers["deprecation"])
    assert old.headers["link"] == '</v2/sensor/gps>; rel="successor-version"'
    assert "deprecation" not in pinned_v2.headers
    assert _sample(metrics, "device.sensor.gps", "1") >= 1
    assert _sample(metrics, "device.sensor.gps", "2") >= 2

    topic = gateway_settings.topic_name("device.sensor.gps.raw")
    records = read_topic(kafka_bootstrap_servers, topic, expected=3)
    versions = {json.loads(r.value)["message_id"]: r.headers["loom.schema_version"] for r in records}
    assert versions == {
        old_body["message_id"]: b"1",
        v2_body["message_id"]: b"2",
        v3_body["message_id"]: b"3",
    }

    consumed, letter, named = consume_with_a_v1_handler(
        catalog, gateway_settings, kafka_bootstrap_servers, caplog, expected=2
    )

    by_id = {reading.message_id: reading for reading in consumed}
    assert set(by_id) == {old_body["message_id"], v2_body["message_id"]}
    old_reading, v2_reading = by_id[old_body["message_id"]], by_id[v2_body["message_id"]]
    assert (old_reading.data_type.version, old_reading.written.version) == (1, 1)
    assert (v2_reading.data_type.version, v2_reading.written.version) == (1, 2)
    assert type(v2_reading.value) is type(old_reading.value)  # decoded as the handler's v1 model
    assert old_reading.value.speed is None  # left out by the device: None, not MISSING
    assert "speed" not in old_reading.value.model_fields_set
    assert json.loads(letter.value)["message_id"] == v3_body["message_id"]
    assert b"no handler for device.sensor.gps v3" in letter.headers["loom.dead_letter.error"]
    assert "data_type=device.sensor.gps versions=v3 handlers=v1" in named


def consume_with_a_v1_handler(
    catalog: Catalog,
    gateway_settings: Settings,
    kafka_bootstrap_servers: str,
    caplog: pytest.LogCaptureFixture,
    expected: int,
) -> tuple[list[Consumed[Any]], ConsumedRecord, str]:
    """What a consumer with only a gps v1 handler handled, its one dead letter, and the start-up
    line naming the versions it cannot read."""
    consumed: list[Consumed[Any]] = []

    async def on_gps_v1(reading: Consumed[Any]) -> None:
        consumed.append(reading)

    handlers = Handlers()
    handlers.add("device.sensor.gps", 1, on_gps_v1)
    settings = load_consumer_settings(
        group_id=f"test-{uuid.uuid4().hex[:8]}",
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        commit_interval_s=0.2,
        poll_timeout_s=0.1,
    )
    consumer = ReadingConsumer(catalog, handlers, settings, gateway_settings)
    with caplog.at_level(logging.WARNING, logger="loom_gateway.consumer"):
        running = RunningConsumer(consumer)
        try:
            [letter] = read_topic(
                kafka_bootstrap_servers, consumer.dead_letter_topic, expected=1, timeout_s=60
            )
            deadline = time.monotonic() + 30
            while len(consumed) < expected and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            running.stop()

    [named] = [r.getMessage() for r in caplog.records if "cannot read these versions" in r.getMessage()]
    return consumed, letter, named


def _new_id() -> str:
    return str(uuid.uuid4())


def _sample(metrics: str, data_type: str, version: str) -> float:
    pattern = (
        rf'^loom_version_requests_total\{{data_type="{re.escape(data_type)}",version="{version}"\}} (\S+)$'
    )
    match = re.search(pattern, metrics, re.MULTILINE)
    assert match is not None, f"no loom_version_requests_total for {data_type} v{version}"
    return float(match.group(1))
