"""loom_gateway.http.streams: one reading per WebSocket text frame, via a tiny app and a fake publisher."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient, WebSocketTestSession

from loom_catalog import CATALOG
from loom_gateway.catalog import Stream
from loom_gateway.errors import BrokerUnavailable, LoomError
from loom_gateway.http.auth import HeaderAuthenticate
from loom_gateway.http.problems import PROBLEM_TYPE_BASE
from loom_gateway.http.streams import OpenStreams, stream_handler
from loom_gateway.ingest import service
from loom_gateway.ingest.service import Ingestor, Settler
from loom_gateway.metrics import Metrics
from loom_gateway.readiness import Readiness
from tests.support.mobile_bodies import DEVICE_ID, MESSAGE_ID, ROUTE_BODIES
from tests.unit.loom_gateway.ingest.test_service import (
    SERVER_FIELDS,
    FakePublisher,
    _FixedClock,
    published,
    readings,
)

STREAM = next(stream for stream in CATALOG.streams if "{device_id}" in stream.path)
DATA_TYPE = STREAM.data_type
PATH = STREAM.path.replace("{device_id}", DEVICE_ID)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "time", _FixedClock)


class Gateway:
    """A Litestar app with the one stream handler, and what it publishes and counts."""

    def __init__(
        self,
        stream: Stream = STREAM,
        readiness: Readiness | None = None,
        *failures: LoomError | None,
        authenticate: HeaderAuthenticate = lambda _: None,
        max_streams: int = 100,
    ) -> None:
        self.publisher = FakePublisher(*failures)
        self.metrics = Metrics()
        ingestor = Ingestor(stream.data_type, Settler(self.publisher, self.metrics))  # type: ignore[arg-type]
        self.open_streams = OpenStreams(max_streams)
        handler = stream_handler(stream, ingestor, readiness or Readiness(), authenticate, self.open_streams)
        self.app = Litestar(route_handlers=[handler])

    @property
    def values(self) -> list[dict[str, Any]]:
        return [published(record) for record in self.publisher.records]

    @contextlib.contextmanager
    def connect(self, path: str = PATH) -> Iterator[WebSocketTestSession]:
        with TestClient(self.app) as client, client.websocket_connect(path) as socket:
            yield socket


def reading(**changes: Any) -> dict[str, Any]:
    """A reading of the stream's data type, as its HTTP route would take it."""
    path = next(route.path for route in CATALOG.routes if route.data_type == DATA_TYPE)
    return {**ROUTE_BODIES[path](), **changes}


def send(socket: WebSocketTestSession, value: object) -> dict[str, Any]:
    socket.send_text(json.dumps(value))
    return receive(socket)


def receive(socket: WebSocketTestSession) -> dict[str, Any]:
    frame: dict[str, Any] = socket.receive_json()
    return frame


def ack(message_id: str = MESSAGE_ID) -> dict[str, Any]:
    return {"status": "success", "message_id": message_id, "topic": DATA_TYPE.topic.name, "trace_id": None}


def test_the_catalog_has_a_stream_with_the_device_id_in_its_path() -> None:
    assert "device_id" in DATA_TYPE.model.model_fields
    assert DATA_TYPE.key_field == "device_id"


def test_a_valid_frame_is_acked_once_kafka_has_it() -> None:
    gateway = Gateway()
    body = reading()

    with gateway.connect() as socket:
        assert send(socket, body) == ack()

    [record] = gateway.publisher.records
    assert (record.topic, record.key) == (DATA_TYPE.topic.name, DEVICE_ID.encode())
    assert gateway.values == [{**body, **SERVER_FIELDS}]
    assert readings(gateway.metrics, "accepted", DATA_TYPE) == 1.0


def test_each_frame_is_acked_in_turn_on_one_connection() -> None:
    gateway = Gateway()
    ids = ["0b9a3c51-5f0e-4c1d-9e2a-7d4b6f8e1a23", "1c8b4d62-6a1f-4d2e-8f3b-8e5c7a9f2b34"]

    with gateway.connect() as socket:
        assert [send(socket, reading(message_id=message_id)) for message_id in ids] == [ack(i) for i in ids]

    assert [value["message_id"] for value in gateway.values] == ids
    assert len(gateway.publisher.calls) == 2


def test_an_invalid_frame_gets_a_problem_frame_and_the_next_valid_one_is_acked() -> None:
    gateway = Gateway()

    with gateway.connect() as socket:
        problem = send(socket, reading(sample_rate="fast"))
        assert send(socket, reading()) == ack()

    assert problem["type"] == PROBLEM_TYPE_BASE + "invalid-reading"
    assert (problem["status"], problem["instance"], problem["schema"]) == (422, PATH, DATA_TYPE.schema_id)
    assert [(e["pointer"], e["rule"]) for e in problem["errors"]] == [("/sample_rate", "type")]
    assert len(gateway.publisher.records) == 1
    assert readings(gateway.metrics, "refused", DATA_TYPE) == 1.0
    assert readings(gateway.metrics, "accepted", DATA_TYPE) == 1.0


@pytest.mark.parametrize(
    ("frame", "detail"),
    [
        ("{", "the frame is not valid JSON"),
        ("[]", "each frame must hold one JSON object"),
        ('"a reading"', "each frame must hold one JSON object"),
    ],
    ids=["not-json", "array", "string"],
)
def test_a_frame_that_is_not_a_json_object_is_malformed(frame: str, detail: str) -> None:
    gateway = Gateway()

    with gateway.connect() as socket:
        socket.send_text(frame)
        problem = receive(socket)
        assert send(socket, reading()) == ack()

    assert (problem["type"], problem["status"]) == (PROBLEM_TYPE_BASE + "malformed-body", 400)
    assert problem["detail"].startswith(detail)
    assert len(gateway.publisher.records) == 1


def test_a_binary_frame_gets_an_error_frame() -> None:
    gateway = Gateway()

    with gateway.connect() as socket:
        socket.send_bytes(json.dumps(reading()).encode())
        problem = receive(socket)
        assert send(socket, reading()) == ack()

    assert problem == {
        "type": PROBLEM_TYPE_BASE + "malformed-body",
        "title": "Malformed request body",
        "status": 400,
        "detail": "send each reading as a JSON text frame",
        "instance": PATH,
    }
    assert len(gateway.publisher.records) == 1


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_a_frame_at_the_limit_is_acked_and_one_over_it_closes_the_stream_with_1009(binary: bool) -> None:
    frame = json.dumps(reading())
    size = len(frame.encode())
    limited = Stream(STREAM.path, replace(DATA_TYPE, max_body_bytes=size))
    gateway = Gateway(limited)

    with gateway.connect() as socket:
        socket.send_text(frame)
        at_limit = receive(socket)
        if binary:
            socket.send_bytes(frame.encode() + b" ")
        else:
            socket.send_text(frame + " ")
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive()

    assert at_limit == ack()
    assert closed.value.code == 1009
    assert closed.value.detail == f"the frame is {size + 1} bytes; this stream takes at most {size}"
    assert len(gateway.publisher.records) == 1
    assert gateway.open_streams.open == 0


def test_the_device_id_is_filled_in_from_the_path_when_the_frame_has_none() -> None:
    gateway = Gateway()
    body = reading()
    del body["device_id"]
    other_device = "mbp-office-01"

    with gateway.connect(STREAM.path.replace("{device_id}", other_device)) as socket:
        assert send(socket, body) == ack()

    [record] = gateway.publisher.records
    assert record.key == other_device.encode()
    assert gateway.values == [{**body, "device_id": other_device, **SERVER_FIELDS}]


def test_a_device_id_in_the_frame_matching_the_path_is_acked() -> None:
    gateway = Gateway()

    with gateway.connect() as socket:
        assert send(socket, reading(device_id=DEVICE_ID)) == ack()

    assert len(gateway.publisher.records) == 1


@pytest.mark.parametrize("device_id", ["other-device", None, 42], ids=["other", "null", "number"])
def test_a_different_device_id_in_the_frame_gets_a_422_frame_naming_it(device_id: object) -> None:
    gateway = Gateway()

    with gateway.connect() as socket:
        problem = send(socket, reading(device_id=device_id))
        assert send(socket, reading()) == ack()

    assert problem == {
        "type": PROBLEM_TYPE_BASE + "invalid-reading",
        "title": "Reading does not match its schema",
        "status": 422,
        "detail": "device_id in the frame differs from the stream's",
        "instance": PATH,
        "schema": DATA_TYPE.schema_id,
        "errors": [
            {
                "pointer": "/device_id",
                "rule": "const",
                "message": f"must be {DEVICE_ID!r}, the device_id in the stream's path",
            }
        ],
    }
    assert [record.key for record in gateway.publisher.records] == [DEVICE_ID.encode()]


def test_a_frame_while_not_ready_gets_a_503_frame_and_nothing_is_published() -> None:
    readiness = Readiness("topics")
    gateway = Gateway(STREAM, readiness)

    with gateway.connect() as socket:
        problem = send(socket, reading())
        readiness.release("topics")
        acked = send(socket, reading())

    assert problem == {
        "type": PROBLEM_TYPE_BASE + "not-ready",
        "title": "Gateway not ready",
        "status": 503,
        "detail": "waiting for Kafka",
        "instance": PATH,
        "retry_after": 2,
    }
    assert acked == ack()
    assert len(gateway.publisher.records) == 1


def test_a_reading_kafka_did_not_take_gets_a_503_frame_and_the_connection_stays_open() -> None:
    failure = BrokerUnavailable("no delivery report from Kafka in time")
    gateway = Gateway(STREAM, None, failure)

    with gateway.connect() as socket:
        problem = send(socket, reading())
        assert send(socket, reading()) == ack()

    assert problem == {
        "type": PROBLEM_TYPE_BASE + "broker-unavailable",
        "title": "Kafka unavailable",
        "status": 503,
        "detail": failure.detail,
        "instance": PATH,
        "retry_after": 5,
    }
    assert len(gateway.publisher.records) == 2
    assert readings(gateway.metrics, "failed", DATA_TYPE) == 1.0
    assert readings(gateway.metrics, "accepted", DATA_TYPE) == 1.0
