"""The typed consumer over the real broker: readings posted through the gateway, consumed back.

Every consumer here uses short session timeouts: the embedded broker's first group join
otherwise waits about half the default session timeout (23 s).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import confluent_kafka
import pytest
from litestar.testing import TestClient

from loom_catalog import CATALOG
from loom_catalog.models.device.health.heartrate.v1 import HeartRateReading
from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.consumer import (
    DEAD_LETTER_HEADER_PREFIX,
    Consumed,
    ConsumerSettings,
    Handlers,
    ReadingConsumer,
    load_consumer_settings,
)
from loom_gateway.settings import Settings
from tests.support.consumers import RunningConsumer
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import envelope

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(60)]

GPS = ("device.sensor.gps", 1)
HEARTRATE = ("device.health.heartrate", 1)


@pytest.fixture
def gateway(gateway_settings: Settings) -> Iterator[TestClient]:
    with running_gateway(gateway_settings, CATALOG) as client:
        yield client


def consumer_settings(**changes: Any) -> ConsumerSettings:
    return load_consumer_settings(
        **{
            "group_id": f"test-{uuid.uuid4().hex[:8]}",
            "session_timeout_ms": 6000,
            "heartbeat_interval_ms": 1000,
            "commit_interval_s": 0.2,
            "poll_timeout_s": 0.1,
            "max_retries": 2,
            "retry_backoff_s": 0.01,
            **changes,
        }
    )


def wait_for(condition: Callable[[], bool], timeout_s: float, message: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.02)


def gps(device: str, **changes: Any) -> dict[str, Any]:
    return {
        **envelope(device_id=device, message_id=str(uuid.uuid4())),
        "latitude": 52.3676,
        "longitude": 4.9041,
        "altitude": None,
        "accuracy": 8.0,
        "heading": None,
        "speed": None,
        **changes,
    }


def heartrate(device: str, bpm: int) -> dict[str, Any]:
    return {**envelope(device_id=device, message_id=str(uuid.uuid4())), "bpm": bpm, "confidence": None}


def post(gateway: TestClient, path: str, body: dict[str, Any]) -> None:
    response = gateway.post(path, json=body)
    assert response.status_code == 202, response.text


def collecting(handlers: Handlers, into: list[Consumed[Any]], *keys: tuple[str, int]) -> None:
    async def collect(reading: Consumed[Any]) -> None:
        into.append(reading)

    for name, version in keys:
        handlers.add(name, version, collect)


def test_readings_posted_through_the_gateway_come_out_as_the_same_models(
    gateway: TestClient, gateway_settings: Settings, topic_prefix: str
) -> None:
    sent_gps = [gps(f"device-{index}", latitude=10.0 + index) for index in range(3)]
    sent_heartrate = [heartrate(f"device-{index}", 60 + index) for index in range(2)]
    for body in sent_gps:
        post(gateway, "/sensor/gps", body)
    for body in sent_heartrate:
        post(gateway, "/sensor/heartrate", body)
    handlers = Handlers()
    consumed: list[Consumed[Any]] = []
    collecting(handlers, consumed, GPS, HEARTRATE)
    running = RunningConsumer(ReadingConsumer(CATALOG, handlers, consumer_settings(), gateway_settings))
    try:
        wait_for(lambda: len(consumed) >= 5, 30, f"{len(consumed)} of 5 readings consumed")
    finally:
        running.stop()

    by_id = {reading.message_id: reading for reading in consumed}
    assert len(consumed) == len(by_id) == 5
    for body, model in [
        *((b, GPSReading) for b in sent_gps),
        *((b, HeartRateReading) for b in sent_heartrate),
    ]:
        reading = by_id[body["message_id"]]
        assert type(reading.value) is model
        # The same model the gateway validated, plus the server's fields.
        sent = set(body)
        assert reading.value.model_dump(include=sent) == model.model_validate(body).model_dump(include=sent)
        assert isinstance(reading.value.received_at, str)
        assert reading.key == body["device_id"].encode()
        assert reading.header("loom.schema") == reading.data_type.schema_id.encode()
        assert reading.topic == reading.data_type.topic.name
        assert reading.topic.startswith(topic_prefix)
        assert reading.partition >= 0
        assert reading.offset >= 0
    assert {r.data_type.qualified_name for r in consumed} == {
        "device.sensor.gps.v1",
        "device.health.heartrate.v1",
    }


def test_avro_values_are_decoded_with_the_writer_schema_the_catalog_holds(
    gateway_settings: Settings, kafka_bootstrap_servers: str
) -> None:
    avro_settings = gateway_settings.model_copy(update={"value_format": "avro"})
    sent = [gps("device-avro", latitude=float(index), altitude=1.5) for index in range(2)]
    with running_gateway(avro_settings, CATALOG) as avro_gateway:
        for body in sent:
            post(avro_gateway, "/sensor/gps", body)
    handlers = Handlers()
    consumed: list[Consumed[Any]] = []
    collecting(handlers, consumed, GPS)
    running = RunningConsumer(ReadingConsumer(CATALOG, handlers, consumer_settings(), avro_settings))
    try:
        wait_for(lambda: len(consumed) >= 2, 30, f"{len(consumed)} of 2 Avro readings consumed")
    finally:
        running.stop()

    for body, reading in zip(sent, consumed, strict=True):
        assert reading.header("content-type") == b"application/vnd.apache.avro+binary"
        expected = GPSReading.model_validate(body).model_dump(include=set(body))
        assert reading.value.model_dump(include=set(body)) == expected


def test_a_failing_handler_dead_letters_its_record_after_the_retries_and_the_next_is_processed(
    gateway: TestClient, gateway_settings: Settings, kafka_bootstrap_servers: str
) -> None:
    poison, good = gps("device-1"), gps("device-1", latitude=1.0)  # one device: one partition, in order
    post(gateway, "/sensor/gps", poison)
    post(gateway, "/sensor/gps", good)
    attempts: list[str | None] = []
    handled: list[str | None] = []
    handlers = Handlers()

    @handlers.on(*GPS)
    async def on_gps(reading: Consumed[GPSReading]) -> None:
        if reading.message_id == poison["message_id"]:
            attempts.append(reading.message_id)
            raise RuntimeError("storage is refusing this one")
        handled.append(reading.message_id)

    settings = consumer_settings()
    consumer = ReadingConsumer(CATALOG, handlers, settings, gateway_settings)
    running = RunningConsumer(consumer)
    try:
        wait_for(lambda: handled == [good["message_id"]], 30, "the record after the poison was not handled")
    finally:
        running.stop()

    assert len(attempts) == 3  # the first attempt and two retries
    [letter] = read_topic(kafka_bootstrap_servers, consumer.dead_letter_topic, expected=1)
    assert json.loads(letter.value)["message_id"] == poison["message_id"]
    assert letter.key == b"device-1"
    headers = letter.headers
    assert headers["loom.message_id"] == poison["message_id"].encode()
    assert headers["content-type"] == b"application/json"
    assert headers[DEAD_LETTER_HEADER_PREFIX + "stage"] == b"handler"
    assert headers[DEAD_LETTER_HEADER_PREFIX + "attempts"] == b"3"
    assert headers[DEAD_LETTER_HEADER_PREFIX + "error"] == b"storage is refusing this one"
    assert headers[DEAD_LETTER_HEADER_PREFIX + "error_type"] == b"builtins.RuntimeError"
    assert headers[DEAD_LETTER_HEADER_PREFIX + "group"] == settings.group_id.encode()
    gps_topic = consumer.subscription.data_types[0].topic.name
    assert headers[DEAD_LETTER_HEADER_PREFIX + "topic"] == gps_topic.encode()
    assert int(headers[DEAD_LETTER_HEADER_PREFIX + "offset"]) >= 0
    assert int(headers[DEAD_LETTER_HEADER_PREFIX + "partition"]) >= 0
    sample = consumer.metrics.registry.get_sample_value
    labels = {"topic": gps_topic, "data_type": "device.sensor.gps.v1"}
    assert sample("loom_consumer_records_total", {**labels, "outcome": "dead_lettered"}) == 1
    assert sample("loom_consumer_records_total", {**labels, "outcome": "handled"}) == 1
    assert sample("loom_consumer_handler_retries_total", {"data_type": "device.sensor.gps.v1"}) == 2


def test_an_undecodable_record_is_dead_lettered_without_retries(
    gateway: TestClient, gateway_settings: Settings, kafka_bootstrap_servers: str
) -> None:
    handlers = Handlers()
    handled: list[str | None] = []

    @handlers.on(*GPS)
    async def on_gps(reading: Consumed[GPSReading]) -> None:
        handled.append(reading.message_id)

    consumer = ReadingConsumer(CATALOG, handlers, consumer_settings(), gateway_settings)
    topic = consumer.subscription.data_types[0].topic.name
    producer = confluent_kafka.Producer({"bootstrap.servers": kafka_bootstrap_servers})
    producer.produce(topic, key=b"device-2", value=b'{"not": "a gps reading"}', partition=0)
    producer.flush(10)
    good = gps("device-2")
    post(gateway, "/sensor/gps", good)
    running = RunningConsumer(consumer)
    try:
        wait_for(lambda: handled == [good["message_id"]], 30, "the good record was not handled")
    finally:
        running.stop()

    [letter] = read_topic(kafka_bootstrap_servers, consumer.dead_letter_topic, expected=1)
    assert letter.value == b'{"not": "a gps reading"}'
    assert letter.headers[DEAD_LETTER_HEADER_PREFIX + "stage"] == b"decode"
    assert letter.headers[DEAD_LETTER_HEADER_PREFIX + "attempts"] == b"0"
    assert b"not a valid device.sensor.gps.v1" in letter.headers[DEAD_LETTER_HEADER_PREFIX + "error"]


def test_a_restarted_consumer_resumes_after_the_last_committed_record(
    gateway: TestClient, gateway_settings: Settings
) -> None:
    sent = [gps(f"device-{index % 4}", latitude=float(index)) for index in range(6)]
    for body in sent:
        post(gateway, "/sensor/gps", body)
    settings = consumer_settings()
    first: list[str | None] = []
    handlers = Handlers()
    consumer: ReadingConsumer

    @handlers.on(*GPS)
    async def stop_after_three(reading: Consumed[GPSReading]) -> None:
        first.append(reading.message_id)
        if len(first) == 3:
            consumer.stop()  # finishes this record, commits, leaves the group

    consumer = ReadingConsumer(CATALOG, handlers, settings, gateway_settings)
    running = RunningConsumer(consumer)
    wait_for(lambda: len(first) >= 3, 30, "the first consumer handled nothing")
    running.stop()
    assert len(first) == 3

    later = [gps("device-9", latitude=float(index)) for index in range(3)]
    for body in later:
        post(gateway, "/sensor/gps", body)
    second: list[Consumed[Any]] = []
    handlers = Handlers()
    collecting(handlers, second, GPS)
    running = RunningConsumer(ReadingConsumer(CATALOG, handlers, settings, gateway_settings))
    try:
        wait_for(lambda: len(second) >= 6, 30, f"{len(second)} of 6 readings after the restart")
        time.sleep(0.5)  # anything read twice would arrive now
    finally:
        running.stop()

    everything = {body["message_id"] for body in [*sent, *later]}
    again = [reading.message_id for reading in second]
    assert len(again) == 6
    assert set(first).isdisjoint(again)
    assert set(first) | set(again) == everything


def test_two_consumers_in_one_group_split_the_partitions(
    gateway: TestClient, gateway_settings: Settings
) -> None:
    # Commits only on rebalance and shutdown: what the first consumer handled before the second
    # joined is read again by nobody only if the revocation committed it.
    settings = consumer_settings(commit_interval_s=60, commit_max_records=100_000)
    seen: list[list[Consumed[Any]]] = [[], []]
    consumers = []
    for into in seen:
        handlers = Handlers()
        collecting(handlers, into, GPS)
        consumers.append(ReadingConsumer(CATALOG, handlers, settings, gateway_settings))
    a, b = consumers
    all_partitions = {(a.subscription.data_types[0].topic.name, p) for p in range(3)}
    early = [gps(f"device-{index}") for index in range(12)]
    late = [gps(f"device-{index}") for index in range(12)]
    running = [RunningConsumer(a)]
    try:
        for body in early:
            post(gateway, "/sensor/gps", body)
        wait_for(lambda: len(seen[0]) >= 12, 30, "the first consumer did not read the early readings")
        running.append(RunningConsumer(b))
        wait_for(
            lambda: (
                bool(a.assignment) and bool(b.assignment) and a.assignment | b.assignment == all_partitions
            ),
            30,
            f"assignments {set(a.assignment)} and {set(b.assignment)}",
        )
        assignments = (a.assignment, b.assignment)
        assert assignments[0].isdisjoint(assignments[1])
        for body in late:
            post(gateway, "/sensor/gps", body)
        wait_for(lambda: len(seen[0]) + len(seen[1]) >= 24, 30, "not every reading was consumed")
        time.sleep(0.5)  # anything read twice would arrive now
    finally:
        for r in running:
            r.stop()

    late_ids = {body["message_id"] for body in late}
    for assignment, into in zip(assignments, seen, strict=True):
        assert {(r.topic, r.partition) for r in into if r.message_id in late_ids} <= assignment
    assert seen[1], "the second consumer got nothing"
    consumed = sorted(r.message_id or "" for r in [*seen[0], *seen[1]])
    assert consumed == sorted(body["message_id"] for body in [*early, *late])  # each exactly once


def test_the_example_service_summarises_readings_and_stops_cleanly_on_sigterm(
    gateway: TestClient, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    for index in range(2):
        post(gateway, "/sensor/gps", gps("walker", latitude=52.0 + index / 100))
        post(gateway, "/sensor/heartrate", heartrate("walker", 70 + index))
    environment = {
        **os.environ,
        "LOOM_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "LOOM_KAFKA_TOPIC_PREFIX": topic_prefix,
        "LOOM_CONSUMER_GROUP_ID": f"example-{uuid.uuid4().hex[:8]}",
        "LOOM_CONSUMER_SESSION_TIMEOUT_MS": "6000",
    }
    service = subprocess.Popen(
        [sys.executable, "-m", "examples.device_summary", "--every", "0.5"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        assert service.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = service.stdout.readline()
            lines.append(line)
            # device, fixes, km, last position, beats, bpm min/avg/max
            if line.split()[:2] == ["walker", "2"] and line.split()[4:] == ["2", "70/70/71"]:
                break
        else:
            raise AssertionError("no summary of the walker: " + "".join(lines))
        service.send_signal(signal.SIGTERM)
        stdout, stderr = service.communicate(timeout=20)
    finally:
        if service.poll() is None:
            service.kill()
    assert service.returncode == 0, stderr
    assert "final" in stdout
    assert "consumer stopped" in stderr
