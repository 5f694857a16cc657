"""What a device team does: generate a client from the served OpenAPI document (here the Python
one, with openapi-python-client), post readings with it, and find them in Kafka."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from loom_catalog import CATALOG
from tests.support.gateway import TEST_API_KEY
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import gps
from tests.support.serve_server import running_serve

pytestmark = pytest.mark.kafka

GPS_TOPIC = next(route.data_type.topic.name for route in CATALOG.routes if route.path == "/sensor/gps")


def generate_client(document: dict[str, Any], into: Path) -> str:
    """Run the generator as a device team would; returns what it printed."""
    spec = into / "openapi.json"
    spec.write_text(json.dumps(document), "utf-8")
    # The generator formats its output with ruff, which must be on PATH.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(into / "loom_client"),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PATH": path},
        timeout=300,
    )
    return completed.stdout + completed.stderr


def test_a_generated_python_client_posts_readings_that_land_in_kafka(
    kafka_bootstrap_servers: str, topic_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_serve(kafka_bootstrap_servers, workers=1, kafka_topic_prefix=topic_prefix) as server:
        document = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
        output = generate_client(document, tmp_path)
        monkeypatch.syspath_prepend(str(tmp_path))
        client_module = importlib.import_module("loom_client.client")
        post_gps = importlib.import_module("loom_client.api.device.post_sensor_gps")
        models = importlib.import_module("loom_client.models")

        one = {**gps(), "message_id": str(uuid.uuid4())}
        many = [{**gps(), "message_id": str(uuid.uuid4())} for _ in range(3)]
        with client_module.AuthenticatedClient(base_url=server.base_url, token=TEST_API_KEY) as client:
            single = post_gps.sync_detailed(client=client, body=models.GPSReading.from_dict(one))
            batch = post_gps.sync_detailed(client=client, body=[models.GPSReading.from_dict(r) for r in many])
            refused = post_gps.sync_detailed(
                client=client, body=models.GPSReading.from_dict({**one, "latitude": 500})
            )

    assert "WARNING" not in output, output
    assert single.status_code == 202
    assert isinstance(single.parsed, models.Accepted)
    assert single.parsed.message_id == one["message_id"]
    assert batch.status_code == 202
    assert isinstance(batch.parsed, models.BatchReport)
    assert batch.parsed.processed == 3
    assert refused.status_code == 422
    assert isinstance(refused.parsed, models.Problem)
    assert refused.parsed.errors[0].pointer == "/latitude"
    records = read_topic(kafka_bootstrap_servers, topic_prefix + GPS_TOPIC, expected=4)
    landed = [json.loads(record.value)["message_id"] for record in records]
    assert sorted(landed) == sorted([one["message_id"], *(r["message_id"] for r in many)])
