from __future__ import annotations

import dataclasses
import json

import pytest
from pydantic import BaseModel

from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.catalog import DataType
from loom_gateway.consumer import Decoders, Subscription, UndecodableRecord
from loom_gateway.consumer.decoding import media_type
from tests.unit.loom_gateway.consumer.conftest import gps_body, record


def test_json_values_become_the_generated_model_with_the_server_fields(
    gps_subscription: Subscription,
) -> None:
    body = gps_body()
    [gps] = gps_subscription.data_types

    reading = Decoders().decode(record(body), gps)

    assert isinstance(reading, GPSReading)
    assert reading.message_id == body["message_id"]
    assert reading.received_at == body["received_at"]
    assert reading.latitude == 52.3676


def test_the_decoder_is_chosen_by_the_content_type_header(gps_subscription: Subscription) -> None:
    [gps] = gps_subscription.data_types
    decoded: list[bytes] = []

    class Fake:
        def decode(self, value: bytes, data_type: DataType) -> BaseModel:
            decoded.append(value)
            return data_type.model.model_validate_json(value[1:])

    decoders = Decoders().with_decoder("application/x-fake", Fake())
    body = gps_body()

    reading = decoders.decode(
        record(b"!" + json.dumps(body).encode(), content_type=b"Application/X-Fake; v=1"), gps
    )

    assert isinstance(reading, GPSReading)
    assert len(decoded) == 1
    assert decoders.media_types() == ["application/json", "application/x-fake"]
    # A record without the header is JSON, as the gateway wrote before it sent one.
    assert isinstance(decoders.decode(record(body, content_type=None), gps), GPSReading)


def test_unknown_content_types_invalid_values_and_tombstones_are_undecodable(
    gps_subscription: Subscription,
) -> None:
    [gps] = gps_subscription.data_types
    with pytest.raises(UndecodableRecord, match="no decoder for content-type 'text/csv'"):
        Decoders().decode(record(gps_body(), content_type=b"text/csv"), gps)
    with pytest.raises(UndecodableRecord, match=r"not a valid device\.sensor\.gps\.v1 .*latitude"):
        Decoders().decode(record(gps_body(latitude=91)), gps)
    with pytest.raises(UndecodableRecord, match="not a valid"):
        Decoders().decode(record(b"{not json"), gps)
    with pytest.raises(UndecodableRecord, match="tombstone"):
        Decoders().decode(dataclasses.replace(record(gps_body()), value=None), gps)


def test_media_type_drops_parameters_and_case() -> None:
    assert media_type(b" Application/JSON ; charset=utf-8") == "application/json"
