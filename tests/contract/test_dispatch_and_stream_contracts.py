"""Contracts of the routes that are not one-schema POSTs, derived from the schemas all the same:

- ``/sensor/batch``: a valid reading of any target type, sent as a generic item (its envelope
  fields beside ``sensor_type``, the rest in ``value``), lands once on the target's topic with
  the reading's value;
- the audio stream: every valid chunk sent as a frame is acknowledged and lands once, every
  invalid one gets an error frame and publishes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from codegen.ecma_regex import EcmaValidator
from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.settings import Settings
from tests.contract.test_schema_contracts import FirstTime, _canonical
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.schemas import bundled_schema, invalid_readings, valid_readings

pytestmark = pytest.mark.kafka

# The unversioned path (the same dispatch is also served at /v1/…).
[DISPATCH] = [dispatch for dispatch in CATALOG.dispatches if not dispatch.path.startswith("/v1/")]
GENERIC_FIELDS = set(bundled_schema(DISPATCH.data_type)["properties"])


def as_generic_item(sensor_type: str, reading: dict[str, Any]) -> dict[str, Any]:
    """The target reading split the way the mobile client's generic readings carry it."""
    envelope = {key: value for key, value in reading.items() if key in GENERIC_FIELDS}
    payload = {key: value for key, value in reading.items() if key not in GENERIC_FIELDS}
    return {**envelope, DISPATCH.discriminator: sensor_type, DISPATCH.payload: payload}


@pytest.mark.parametrize(
    ("sensor_type", "target"), sorted(DISPATCH.targets.items()), ids=sorted(DISPATCH.targets)
)
def test_batch_items_land_on_the_type_their_sensor_type_names(
    sensor_type: str, target: DataType, gateway_settings: Settings, topic_prefix: str
) -> None:
    schema = bundled_schema(target)
    expected: Counter[tuple[bytes, str]] = Counter()
    first_time = FirstTime(target.key_field)

    with running_gateway(gateway_settings, CATALOG) as client:

        @settings(max_examples=15)
        @given(readings=st.lists(valid_readings(schema), min_size=1, max_size=5))
        def batch_is_dispatched(readings: list[dict[str, Any]]) -> None:
            # Fields the generic reading also declares must pass its rules too.
            items = [as_generic_item(sensor_type, reading) for reading in readings]
            response = client.post(DISPATCH.path, json=items)
            body = response.json()
            if response.status_code != 202:
                # Only a shared envelope field the generic schema constrains differently may refuse.
                assert response.status_code in (207, 422), response.text
                refused = [r for r in body["results"] if r["status"] != "accepted"]
                assert all(
                    error["pointer"].split("/")[2] in GENERIC_FIELDS for r in refused for error in r["errors"]
                ), body
            for reading, result in zip(readings, body["results"], strict=True):
                if result["status"] == "accepted":
                    published = {**reading, "message_id": reading.get("message_id", result["message_id"])}
                    if first_time(reading):
                        expected[(str(reading[target.key_field]).encode(), _canonical(published))] += 1

        batch_is_dispatched()

    records = read_topic(
        gateway_settings.kafka_bootstrap_servers,
        topic_prefix + target.topic.name,
        expected=sum(expected.values()),
    )
    assert expected, "no reading was accepted at all"
    assert Counter((r.key or b"", _canonical(json.loads(r.value))) for r in records) == expected


@pytest.mark.parametrize("stream", CATALOG.streams, ids=lambda stream: stream.path)
def test_stream_frames_are_acknowledged_exactly_when_valid(
    stream: Any, gateway_settings: Settings, topic_prefix: str
) -> None:
    data_type: DataType = stream.data_type
    schema = bundled_schema(data_type)
    expected: Counter[str] = Counter()
    first_time = FirstTime(data_type.key_field)

    with running_gateway(gateway_settings, CATALOG) as client:

        @settings(max_examples=25)
        @given(reading=valid_readings(schema), bad=invalid_readings(schema))
        def frames(reading: dict[str, Any], bad: dict[str, Any]) -> None:
            path = stream.path.replace("{device_id}", reading["device_id"])
            # The path fills a missing device_id: a reading broken only by its absence is whole again.
            assume(not EcmaValidator(schema).is_valid({"device_id": reading["device_id"], **bad}))
            with client.websocket_connect(path) as socket:
                socket.send_text(json.dumps(bad))
                refused = socket.receive_json()
                socket.send_text(json.dumps(reading))
                ack = socket.receive_json()
            assert refused["status"] in (400, 413, 422), refused
            assert ack["status"] == "success", ack
            if first_time(reading):
                expected[
                    _canonical({**reading, "message_id": reading.get("message_id", ack["message_id"])})
                ] += 1

        frames()

    records = read_topic(
        gateway_settings.kafka_bootstrap_servers,
        topic_prefix + data_type.topic.name,
        expected=sum(expected.values()),
    )
    assert Counter(_canonical(json.loads(r.value)) for r in records) == expected
