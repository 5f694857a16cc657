"""For every data type, derived from its schema alone:

- generated valid readings are acknowledged and arrive exactly once on the data type's
  topic, keyed by its key field, with the value that was posted (plus server fields);
- generated invalid readings are refused with a problem naming a field, and publish nothing.

Everything posted in one test is checked against everything consumed from its topic, so a
refused reading that was published anyway, or a duplicate, fails the test.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.schemas import bundled_schema, invalid_readings, valid_readings

pytestmark = pytest.mark.kafka

SERVER_FIELDS = ("received_at", "schema_version")


class FirstTime:
    """A reading whose client-sent message_id its device already had published is a retry: the gateway
    answers it without publishing it again (generated data repeats ids while shrinking). Another
    device's reading with the same id is a reading of its own."""

    def __init__(self, key_field: str) -> None:
        """``key_field``: the data type's record key, the device id the gateway scopes message ids by."""
        self._key_field = key_field
        self._seen: set[tuple[str, str]] = set()

    def __call__(self, reading: dict[str, Any]) -> bool:
        message_id = reading.get("message_id")
        if message_id is None:
            return True
        key = (str(reading[self._key_field]), message_id)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


def _route_of(data_type: DataType) -> str:
    return next(route.path for route in CATALOG.routes if route.data_type == data_type)


def _canonical(value: dict[str, Any]) -> str:
    """JSON has one number type: compare numbers as floats, ignore fields the server sets."""
    trimmed = {key: item for key, item in value.items() if key not in SERVER_FIELDS}
    return json.dumps(json.loads(json.dumps(trimmed), parse_int=float), sort_keys=True)


@pytest.mark.parametrize(
    "data_type", list(CATALOG.readings()), ids=lambda data_type: data_type.qualified_name
)
def test_generated_readings_are_published_exactly_when_valid(
    data_type: DataType, gateway_settings: Settings, topic_prefix: str
) -> None:
    schema = bundled_schema(data_type)
    route = _route_of(data_type)
    expected: Counter[tuple[bytes, str]] = Counter()
    first_time = FirstTime(data_type.key_field)

    with running_gateway(gateway_settings, CATALOG) as client:

        @settings(max_examples=40)
        @given(reading=valid_readings(schema))
        def valid_is_acknowledged(reading: dict[str, Any]) -> None:
            response = client.post(route, json=reading)
            assert response.status_code == 202, response.text
            body = response.json()
            assert body["status"] == "success"
            published = {**reading, "message_id": reading.get("message_id", body["message_id"])}
            if first_time(reading):
                expected[(str(reading[data_type.key_field]).encode(), _canonical(published))] += 1

        @settings(max_examples=40)
        @given(reading=invalid_readings(schema))
        def invalid_is_refused(reading: dict[str, Any]) -> None:
            response = _post(client, route, reading)
            assert response.status_code == 422, response.text
            problem = response.json()
            assert response.headers["content-type"] == "application/problem+json"
            assert problem["errors"], problem
            assert all(error["pointer"].startswith("/") for error in problem["errors"])

        valid_is_acknowledged()
        invalid_is_refused()

    topic = topic_prefix + data_type.topic.name
    records = read_topic(gateway_settings.kafka_bootstrap_servers, topic, expected=sum(expected.values()))
    consumed = Counter((record.key or b"", _canonical(json.loads(record.value))) for record in records)
    assert consumed == expected
    assert all(record.headers["loom.schema"] == data_type.schema_id.encode() for record in records)
    assert all(json.loads(record.value)["schema_version"] == data_type.version for record in records)


def _post(client: TestClient, route: str, reading: dict[str, Any]) -> Any:
    return client.post(route, content=json.dumps(reading), headers={"content-type": "application/json"})
