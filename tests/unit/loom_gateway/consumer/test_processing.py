from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.catalog import Catalog
from loom_gateway.consumer import (
    Consumed,
    ConsumerMetrics,
    DeadLetterFailed,
    Decoders,
    Handlers,
    RawRecord,
    RetryPolicy,
    Subscription,
)
from loom_gateway.consumer.dedupe import SeenMessages
from loom_gateway.consumer.processing import Outcome, RecordProcessor
from loom_gateway.consumer.records import Header
from tests.unit.loom_gateway.consumer.conftest import gps_body, record, topic_name

pytestmark = pytest.mark.anyio

GPS_LABELS = {"topic": "unit.device.sensor.gps.raw", "data_type": "device.sensor.gps.v1"}


class Sink:
    def __init__(self, fail: bool = False) -> None:
        self.letters: list[tuple[RawRecord, dict[str, bytes | None]]] = []
        self._fail = fail

    async def send(self, record: RawRecord, headers: Sequence[Header]) -> None:
        if self._fail:
            raise DeadLetterFailed("the broker is away")
        self.letters.append((record, dict(headers)))

    def close(self) -> None:
        return None


class Setup:
    def __init__(
        self,
        handler: Any,
        *,
        retries: int = 2,
        dedupe: bool = False,
        fail_sink: bool = False,
        catalog: Catalog = CATALOG,
    ) -> None:
        self.handlers = Handlers()
        self.handlers.add("device.sensor.gps", 1, handler)
        self.sink = Sink(fail_sink)
        self.metrics = ConsumerMetrics()
        self.stopping = asyncio.Event()
        self.processor = RecordProcessor(
            Subscription.of(catalog, self.handlers.keys(), topic_name),
            self.handlers,
            Decoders(),
            RetryPolicy(retries=retries, initial_backoff_s=0.001, max_backoff_s=0.001),
            self.sink,
            self.metrics,
            "group-1",
            self.stopping,
            SeenMessages(60, 100) if dedupe else None,
        )

    def count(self, outcome: str) -> float | None:
        return self.metrics.registry.get_sample_value(
            "loom_consumer_records_total", {**GPS_LABELS, "outcome": outcome}
        )


async def test_a_handled_record_reaches_its_handler_typed() -> None:
    got: list[Consumed[GPSReading]] = []

    async def handle(reading: Consumed[GPSReading]) -> None:
        got.append(reading)

    setup = Setup(handle)
    body = gps_body()

    assert await setup.processor.process(record(body, offset=7, partition=2)) is Outcome.HANDLED

    [reading] = got
    assert isinstance(reading.value, GPSReading)
    assert (reading.topic, reading.partition, reading.offset) == ("unit.device.sensor.gps.raw", 2, 7)
    assert reading.key == b"device-1"
    assert reading.message_id == body["message_id"]
    assert reading.data_type.qualified_name == "device.sensor.gps.v1"
    assert setup.count("handled") == 1


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered() -> None:
    calls = 0

    async def fail(_reading: Consumed[GPSReading]) -> None:
        nonlocal calls
        calls += 1
        raise ValueError("nope")

    setup = Setup(fail, retries=2)
    raw = record(gps_body(), offset=3, partition=1)

    assert await setup.processor.process(raw) is Outcome.DEAD_LETTERED

    assert calls == 3
    [(letter, headers)] = setup.sink.letters
    assert letter is raw
    assert headers["loom.message_id"] == raw.header("loom.message_id")
    assert headers["content-type"] == b"application/json"
    assert headers["loom.dead_letter.error"] == b"nope"
    assert headers["loom.dead_letter.error_type"] == b"builtins.ValueError"
    assert headers["loom.dead_letter.stage"] == b"handler"
    assert headers["loom.dead_letter.attempts"] == b"3"
    assert headers["loom.dead_letter.group"] == b"group-1"
    assert headers["loom.dead_letter.topic"] == b"unit.device.sensor.gps.raw"
    assert headers["loom.dead_letter.partition"] == b"1"
    assert headers["loom.dead_letter.offset"] == b"3"
    assert setup.count("dead_lettered") == 1
    assert (
        setup.metrics.registry.get_sample_value(
            "loom_consumer_handler_retries_total", {"data_type": "device.sensor.gps.v1"}
        )
        == 2
    )


async def test_a_handler_that_recovers_is_handled() -> None:
    calls = 0

    async def flaky(_reading: Consumed[GPSReading]) -> None:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("try again")

    setup = Setup(flaky, retries=2)
    assert await setup.processor.process(record(gps_body())) is Outcome.HANDLED
    assert setup.sink.letters == []


async def test_undecodable_records_are_dead_lettered_at_once() -> None:
    async def never(_reading: Consumed[GPSReading]) -> None:
        raise AssertionError("not called")

    setup = Setup(never)
    outcomes = [
        await setup.processor.process(record(gps_body(latitude=500))),
        await setup.processor.process(record(gps_body(), content_type=b"text/csv")),
    ]
    assert outcomes == [Outcome.DEAD_LETTERED] * 2
    assert [headers["loom.dead_letter.stage"] for _, headers in setup.sink.letters] == [b"decode"] * 2
    assert [headers["loom.dead_letter.attempts"] for _, headers in setup.sink.letters] == [b"0"] * 2


async def test_a_data_type_on_the_topic_without_a_handler_is_dead_lettered() -> None:
    async def never(_reading: Consumed[GPSReading]) -> None:
        raise AssertionError("not called")

    setup = Setup(never)
    # Same topic, a version nobody registered: simulated by dropping the handler.
    setup.handlers._handlers.clear()
    assert await setup.processor.process(record(gps_body())) is Outcome.DEAD_LETTERED
    assert b"no handler for device.sensor.gps v1" in (
        setup.sink.letters[0][1]["loom.dead_letter.error"] or b""
    )


async def test_the_dedupe_window_skips_a_redelivered_message_id() -> None:
    got: list[str | None] = []

    async def handle(reading: Consumed[GPSReading]) -> None:
        got.append(reading.message_id)

    setup = Setup(handle, dedupe=True)
    body = gps_body()
    assert await setup.processor.process(record(body, offset=1)) is Outcome.HANDLED
    assert await setup.processor.process(record(body, offset=2)) is Outcome.DUPLICATE
    assert got == [body["message_id"]]
    assert setup.count("duplicate") == 1


async def test_a_failed_record_is_not_remembered_by_the_dedupe_window() -> None:
    calls = 0

    async def fail_once(_reading: Consumed[GPSReading]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("first delivery fails")

    setup = Setup(fail_once, retries=0, dedupe=True)
    body = gps_body()
    assert await setup.processor.process(record(body, offset=1)) is Outcome.DEAD_LETTERED
    assert await setup.processor.process(record(body, offset=2)) is Outcome.HANDLED


async def test_stopping_during_the_backoff_abandons_the_record_uncommitted() -> None:
    async def fail(_reading: Consumed[GPSReading]) -> None:
        setup.stopping.set()
        raise ValueError("down")

    setup = Setup(fail)
    outcome = await setup.processor.process(record(gps_body()))
    assert outcome is Outcome.ABANDONED
    assert not outcome.done
    assert setup.sink.letters == []


async def test_a_dead_letter_that_cannot_be_written_stops_processing() -> None:
    async def fail(_reading: Consumed[GPSReading]) -> None:
        raise ValueError("down")

    setup = Setup(fail, retries=0, fail_sink=True)
    with pytest.raises(DeadLetterFailed):
        await setup.processor.process(record(gps_body()))


async def test_a_version_a_handler_reads_is_delivered_decoded_as_the_handler_version() -> None:
    got: list[Consumed[GPSReading]] = []

    async def handle(reading: Consumed[GPSReading]) -> None:
        got.append(reading)

    v2 = replace(DEVICE_SENSOR_GPS_V1, version=2, schema_id=GPS_V2_ID)
    catalog = Catalog((replace(DEVICE_SENSOR_GPS_V1, reads=(2,)), v2), routes=())
    setup = Setup(handle, catalog=catalog)

    outcome = await setup.processor.process(record(gps_body(altitude=None), schema=GPS_V2_ID))

    assert outcome is Outcome.HANDLED
    [reading] = got
    assert isinstance(reading.value, GPSReading)
    assert (reading.data_type.version, reading.written.version) == (1, 2)
    # An absent optional reads as None; model_fields_set tells it from the explicit null.
    assert (reading.value.speed, reading.value.altitude) == (None, None)
    assert "altitude" in reading.value.model_fields_set
    assert "speed" not in reading.value.model_fields_set


async def test_a_version_no_handler_reads_is_dead_lettered_under_its_name() -> None:
    async def never(_reading: Consumed[GPSReading]) -> None:
        raise AssertionError("not called")

    v2 = replace(DEVICE_SENSOR_GPS_V1, version=2, schema_id=GPS_V2_ID)
    setup = Setup(never, catalog=Catalog((DEVICE_SENSOR_GPS_V1, v2), routes=()))

    assert await setup.processor.process(record(gps_body(), schema=GPS_V2_ID)) is Outcome.DEAD_LETTERED
    error = setup.sink.letters[0][1]["loom.dead_letter.error"] or b""
    assert b"no handler for device.sensor.gps v2 and none of a version that reads it" in error
    labels = {**GPS_LABELS, "data_type": "device.sensor.gps.v2", "outcome": "dead_lettered"}
    assert setup.metrics.registry.get_sample_value("loom_consumer_records_total", labels) == 1


GPS_V2_ID = "https://schemas.loom-gateway.dev/device/sensor/gps/v2.json"
