"""The schema registry's reads with ids, subjects and versions no registry has, against ``loom-gateway
serve`` (http/schema_registry.py): 404 or 422 in the registry's error format, never a 500, and no
traceback nor an untruncated path in the log for a client's mistake."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

PREFIX = f"registry{time.monotonic_ns() % 10**9}."
GPS_SUBJECT = f"{PREFIX}device.sensor.gps.raw-value"
LONG = "9" * 6000
"""More digits than ``int()`` takes (4300)."""


@pytest.fixture(scope="module")
def server(kafka_bootstrap_servers: str) -> Iterator[ServeServer]:
    with running_serve(
        kafka_bootstrap_servers, workers=1, kafka_topic_prefix=PREFIX, value_format="avro", log_level="INFO"
    ) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "status", "error_code"),
    [
        ("/schemas/ids/%C2%B2", 404, 40403),  # "²": a digit to str.isdigit, not to int()
        (f"/schemas/ids/{LONG}", 404, 40403),
        ("/schemas/ids/-1", 404, 40403),
        ("/schemas/ids/%EF%BC%91", 404, 40403),  # a fullwidth "1"
        (f"/subjects/{GPS_SUBJECT}/versions/%C2%B2", 422, 42202),
        (f"/subjects/{GPS_SUBJECT}/versions/{LONG}", 422, 42202),
        (f"/subjects/{'s' * 6000}/versions", 404, 40401),
    ],
    ids=[
        "superscript-two",
        "6000-digits",
        "negative",
        "fullwidth-one",
        "version-superscript",
        "version-6000-digits",
        "long-subject",
    ],
)
def test_what_names_no_schema_is_a_4xx_in_the_registrys_format(
    server: ServeServer, path: str, status: int, error_code: int
) -> None:
    response = httpx.get(server.base_url + path, timeout=30)

    assert response.status_code == status, response.text[:300]
    assert response.json()["error_code"] == error_code
    assert len(response.json()["message"]) < 200  # the client's value is not echoed whole


def test_a_known_id_still_answers(server: ServeServer) -> None:
    response = httpx.get(f"{server.base_url}/schemas/ids/{DEVICE_SENSOR_GPS_V1.avro_schema_id}", timeout=30)

    assert response.status_code == 200
    assert "schema" in response.json()


def test_the_log_has_no_traceback_and_no_long_line_for_those_mistakes(server: ServeServer) -> None:
    for path in ("/schemas/ids/%C2%B2", f"/schemas/ids/{LONG}", f"/subjects/{GPS_SUBJECT}/versions/{LONG}"):
        assert httpx.get(server.base_url + path, timeout=30).status_code < 500

    log = server.log()
    assert "Traceback" not in log
    assert max(map(len, log.splitlines()), default=0) < 2000
    metrics = httpx.get(server.base_url + "/metrics", timeout=30).text
    assert not [
        line
        for line in metrics.splitlines()
        if line.startswith("loom_http_requests_total") and 'status="5' in line and "/readyz" not in line
    ]
