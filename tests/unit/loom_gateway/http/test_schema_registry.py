"""loom_gateway.http.schema_registry: the read-only, Confluent-compatible registry API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.app import create_app
from loom_gateway.http.schema_registry import (
    REGISTRY_MEDIA_TYPE,
    SchemaRegistry,
    schema_registry_router,
    subject_name,
)
from loom_gateway.settings import load_settings

GPS_SUBJECT = "device.sensor.gps.raw-value"


@pytest.fixture
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar(route_handlers=[schema_registry_router(SchemaRegistry(CATALOG, CATALOG.readings()))])
    with TestClient(app) as client:
        yield client


def test_subjects_follow_the_topic_name_strategy(client: TestClient[Litestar]) -> None:
    response = client.get("/subjects")

    assert response.status_code == 200
    assert response.headers["content-type"] == REGISTRY_MEDIA_TYPE
    assert response.json() == sorted(f"{data_type.topic.name}-value" for data_type in CATALOG.readings())
    assert subject_name(DEVICE_SENSOR_GPS_V1) == GPS_SUBJECT


def test_a_schema_by_id_is_the_generated_avsc(client: TestClient[Litestar]) -> None:
    response = client.get(f"/schemas/ids/{DEVICE_SENSOR_GPS_V1.avro_schema_id}", params={"subject": "x"})

    assert response.status_code == 200
    assert response.headers["content-type"] == REGISTRY_MEDIA_TYPE
    assert json.loads(response.json()["schema"]) == json.loads(CATALOG.avro_schema(DEVICE_SENSOR_GPS_V1))


def test_versions_and_a_version_by_number_or_latest(client: TestClient[Litestar]) -> None:
    assert client.get(f"/subjects/{GPS_SUBJECT}/versions").json() == [1]
    for version in ("1", "latest", "-1"):
        response = client.get(f"/subjects/{GPS_SUBJECT}/versions/{version}")
        assert response.status_code == 200
        body = response.json()
        assert {key: body[key] for key in ("subject", "version", "id")} == {
            "subject": GPS_SUBJECT,
            "version": 1,
            "id": DEVICE_SENSOR_GPS_V1.avro_schema_id,
        }
        assert json.loads(body["schema"])["name"] == "GPSReading"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/schemas/ids/1", 404, 40403),
        ("/schemas/ids/abc", 404, 40403),
        ("/subjects/nope-value/versions", 404, 40401),
        ("/subjects/nope-value/versions/1", 404, 40401),
        (f"/subjects/{GPS_SUBJECT}/versions/2", 404, 40402),
        (f"/subjects/{GPS_SUBJECT}/versions/zero", 422, 42202),
        (f"/subjects/{GPS_SUBJECT}/versions/0", 422, 42202),
    ],
)
def test_errors_in_the_registry_format(
    client: TestClient[Litestar], path: str, status: int, code: int
) -> None:
    response = client.get(path)

    assert response.status_code == status
    assert response.headers["content-type"] == REGISTRY_MEDIA_TYPE
    assert response.json()["error_code"] == code
    assert response.json()["message"]


def test_the_gateway_serves_it_only_for_avro_values_and_under_deployment_topic_names() -> None:
    # Not entered: no lifespan, so nothing connects to Kafka.
    unused = {"kafka_bootstrap_servers": "127.0.0.1:9"}
    json_client = TestClient(create_app(load_settings(auth_disabled=True, **unused), CATALOG))
    avro_settings = load_settings(
        api_keys='{"k": "*"}', value_format="avro", kafka_topic_prefix="staging.", **unused
    )
    avro_client = TestClient(create_app(avro_settings, CATALOG))

    assert json_client.get("/subjects").status_code == 404
    response = avro_client.get("/subjects")  # no key needed
    assert response.status_code == 200
    assert f"staging.{GPS_SUBJECT}" in response.json()
    latest = avro_client.get(f"/subjects/staging.{GPS_SUBJECT}/versions/latest").json()
    assert latest["id"] == DEVICE_SENSOR_GPS_V1.avro_schema_id
