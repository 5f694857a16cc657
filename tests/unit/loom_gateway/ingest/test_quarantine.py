"""Quarantine: what is refused is written with its error and schema, what is accepted is not."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1, GATEWAY_QUARANTINE_V1
from loom_catalog.models.gateway.quarantine.v1 import QuarantinedReading
from loom_gateway.auth import Principal
from loom_gateway.errors import BrokerUnavailable, LoomError, MalformedBody, RateLimited
from loom_gateway.ingest.quarantine import Quarantine
from loom_gateway.ingest.service import Ingestor, Result, Settler
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics
from tests.support.mobile_bodies import DEVICE_ID, gps
from tests.unit.loom_gateway.ingest.test_service import FakePublisher, encode

ROUTE = "/sensor/gps"
PRINCIPAL = Principal("9f86d081", None)


class Setup:
    def __init__(self) -> None:
        self.publisher = FakePublisher()
        self.metrics = Metrics()
        ingestor = Ingestor(DEVICE_SENSOR_GPS_V1, Settler(self.publisher, self.metrics))  # type: ignore[arg-type]
        quarantine = Quarantine(GATEWAY_QUARANTINE_V1, self.publisher, self.metrics)  # type: ignore[arg-type]
        self.ingest = quarantine.guarding(ROUTE, DEVICE_SENSOR_GPS_V1, ingestor.ingest)

    def post(self, body: bytes, principal: Principal | None = PRINCIPAL) -> Result | LoomError:
        try:
            return asyncio.run(self.ingest(body, principal))
        except LoomError as error:
            return error

    def on(self, topic: str) -> list[Record]:
        return [record for record in self.publisher.records if record.topic == topic]

    @property
    def quarantined(self) -> list[dict[str, Any]]:
        records = self.on(GATEWAY_QUARANTINE_V1.topic.name)
        for record in records:  # every record is what the quarantine schema says
            QuarantinedReading.model_validate_json(record.value, strict=True)
        return [json.loads(record.value) for record in records]

    def count(self, outcome: str) -> float | None:
        return self.metrics.registry.get_sample_value("loom_quarantined_readings_total", {"outcome": outcome})


def test_a_reading_that_breaks_its_schema_is_quarantined_with_the_rules_it_broke() -> None:
    setup = Setup()
    reading = {**gps(), "latitude": 500}

    answer = setup.post(encode(reading))

    assert isinstance(answer, LoomError)
    assert answer.status == 422
    assert setup.on(DEVICE_SENSOR_GPS_V1.topic.name) == []
    [record] = setup.on(GATEWAY_QUARANTINE_V1.topic.name)
    assert record.key == DEVICE_ID.encode()
    [quarantined] = setup.quarantined
    assert quarantined["source"] == DEVICE_ID
    assert quarantined["route"] == ROUTE
    assert quarantined["schema_id"] == DEVICE_SENSOR_GPS_V1.schema_id
    assert quarantined["key_id"] == "9f86d081"
    assert quarantined["index"] is None
    assert quarantined["reading"] == reading
    assert quarantined["body"] is None
    assert quarantined["error"]["type"] == "invalid-reading"
    assert quarantined["error"]["status"] == 422
    assert [(e["pointer"], e["rule"]) for e in quarantined["error"]["errors"]] == [("/latitude", "maximum")]
    assert setup.count("written") == 1


def test_a_body_that_is_not_json_is_kept_as_text_under_the_keys_id() -> None:
    setup = Setup()

    answer = setup.post(b'{"device_id": "d-1", "latitude": \xff')

    assert isinstance(answer, MalformedBody)
    [quarantined] = setup.quarantined
    assert quarantined["source"] == "9f86d081"  # no device id could be read
    assert quarantined["reading"] is None
    assert quarantined["body"] == '{"device_id": "d-1", "latitude": \ufffd'
    assert quarantined["body_truncated"] is False
    assert quarantined["error"]["status"] == 400


def test_only_the_refused_items_of_an_array_are_quarantined_with_their_index() -> None:
    setup = Setup()
    bad = {**gps(), "longitude": "east"}
    body = encode([gps(), bad, gps()])

    answer = setup.post(body)

    assert isinstance(answer, Result)
    assert len(setup.on(DEVICE_SENSOR_GPS_V1.topic.name)) == 2
    [quarantined] = setup.quarantined
    assert quarantined["index"] == 1
    assert quarantined["reading"] == bad
    assert quarantined["error"]["errors"][0]["pointer"] == "/1/longitude"


def test_accepted_readings_and_transient_refusals_are_not_quarantined() -> None:
    setup = Setup()

    accepted = setup.post(encode(gps()), principal=None)
    setup.publisher.failures = [RateLimited("slow down", retry_after=1)]
    limited = setup.post(encode(gps()))

    assert isinstance(accepted, Result)
    assert isinstance(limited, RateLimited)
    assert setup.quarantined == []


def test_a_reading_too_large_to_keep_whole_keeps_its_start_as_text() -> None:
    setup = Setup()
    reading = {**gps(), "services_encountered": ["x" * 100] * 20_000}

    setup.post(encode(reading))

    [quarantined] = setup.quarantined
    assert quarantined["reading"] is None
    assert quarantined["body_truncated"] is True
    assert quarantined["body"] == encode(reading)[: len(quarantined["body"])].decode()
    assert quarantined["source"] == DEVICE_ID


@pytest.mark.parametrize("failure", [None, "fails"])
def test_a_quarantine_write_that_fails_is_counted_and_the_answer_stays(failure: str | None) -> None:
    setup = Setup()
    if failure:
        setup.publisher.failures = [BrokerUnavailable("down")]

    answer = setup.post(encode({**gps(), "latitude": 500}))

    assert isinstance(answer, LoomError)
    assert answer.status == 422
    assert setup.count("failed") == (1 if failure else None)
