"""Hostile bodies sent to ``loom-gateway serve`` over a real socket, where framing is the client's
to abuse: each gets a 4xx problem+json naming the cause, never a 5xx, and publishes nothing.

What tests/integration/test_ingest.py already covers in-process (truncated JSON, invalid UTF-8,
form-encoded, too many items, a body over the limit that was sent whole) and what the contract
tests generate per schema (unknown fields, wrong types, bounds) is not repeated here. Added:
nesting deep enough to break a recursive parser, a Content-Length over the route's limit
(refused before the body is sent), a chunked body that never ends, both framings at once,
other media types, JSON that is not a reading, trace headers that must reach records only checked
and bounded (a 20 kB traceparent tail, a 5 kB tracestate), and numbers JSON cannot carry (NaN, Infinity,
1e400, or 1 followed by 400 zeros), which must not reach Kafka as something else.
"""

from __future__ import annotations

import json
import select
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import h11
import httpx
import pytest

from loom_catalog import CATALOG
from tests.support.gateway import TEST_API_KEY
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import ROUTE_BODIES
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

LIMIT = 1_048_576
"""max_body_bytes of every route used here (1 MiB): checked below."""
DEPTH = 100_000
ANSWER_WITHIN_S = 10.0
"""Generous: other work shares this machine. Each answer here is really a few milliseconds."""


@dataclass(frozen=True, slots=True)
class Gateway:
    server: ServeServer
    topic_prefix: str
    bootstrap_servers: str

    def post(self, path: str, body: bytes, content_type: str | None = "application/json") -> httpx.Response:
        headers = dict(self.server.headers)
        if content_type is not None:
            headers["content-type"] = content_type
        return httpx.post(self.server.base_url + path, content=body, headers=headers, timeout=ANSWER_WITHIN_S)

    def published(self, catalog_topic: str) -> list[dict[str, Any]]:
        records = read_topic(self.bootstrap_servers, self.topic_prefix + catalog_topic)
        return [json.loads(record.value) for record in records]


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap_servers: str) -> Iterator[Gateway]:
    prefix = f"hostile{time.monotonic_ns() % 10**9}."
    with running_serve(kafka_bootstrap_servers, workers=1, kafka_topic_prefix=prefix) as server:
        yield Gateway(server, prefix, kafka_bootstrap_servers)


def test_the_limit_used_here_is_the_routes() -> None:
    limits = {route.path: route.data_type.max_body_bytes for route in CATALOG.routes}
    used = ("/sensor/heartrate", "/sensor/generic", "/sensor/steps", "/sensor/power")
    assert {limits[path] for path in used} == {LIMIT}


def assert_problem(response: httpx.Response | RawAnswer, status: int, problem: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/problem+json"
    document = json.loads(response.text)
    assert document["type"].endswith(f"/{problem}"), document
    assert document["status"] == status


def nested(kind: str, limit: int) -> bytes:
    """``DEPTH`` levels of arrays or objects (fewer if the route's limit needs it: a few hundred
    are already past any parser's recursion limit), standing alone or as a field's value."""
    depth = min(DEPTH, limit // 8)
    if kind == "arrays":
        return b"[" * depth + b"]" * depth
    objects = b'{"a":' * depth + b"1" + b"}" * depth
    if kind == "objects":
        return objects
    envelope = b'{"device_id":"d-1","recorded_at":"2025-07-08T16:53:08","sensor_type":"light","value":'
    return envelope + objects + b"}"


DEVICES = CATALOG.of_kind("device-registry")
assert DEVICES is not None


@pytest.mark.parametrize(
    ("path", "kind", "topic", "limit"),
    [
        ("/sensor/heartrate", "arrays", "device.health.heartrate.raw", LIMIT),
        ("/sensor/heartrate", "objects", "device.health.heartrate.raw", LIMIT),
        ("/sensor/batch", "arrays", "device.sensor.generic.raw", LIMIT),
        ("/sensor/generic", "in-a-field", "device.sensor.generic.raw", LIMIT),
        ("/devices", "objects", DEVICES.topic.name, DEVICES.max_body_bytes),
    ],
    ids=["arrays-as-batch", "objects-as-reading", "arrays-to-dispatch", "objects-in-a-field", "device"],
)
def test_deeply_nested_json_is_refused_as_malformed_and_publishes_nothing(
    gateway: Gateway, path: str, kind: str, topic: str, limit: int
) -> None:
    body = nested(kind, limit)
    assert len(body) < limit  # refused for its depth, not its size

    response = gateway.post(path, body)

    assert_problem(response, 400, "malformed-body")
    assert "recursion" in response.json()["detail"]
    assert gateway.published(topic) == []


@dataclass(frozen=True, slots=True)
class RawAnswer:
    status_code: int
    headers: dict[str, str]
    text: str
    body_bytes_sent: int
    """How much of the body the client had sent when the answer came."""


def raw_exchange(
    base_url: str, head: bytes, chunks: Iterator[bytes] | None = None, within_s: float = ANSWER_WITHIN_S
) -> RawAnswer:
    """Send ``head`` (request line and headers) on a socket, then ``chunks`` (raw body bytes)
    until the server answers; the answer as h11 parses it."""
    address = urlsplit(base_url)
    parser = h11.Connection(h11.CLIENT)
    # h11 checks our framing if it sees our request; here the framing is the point, so it is
    # told of a request that frames nothing, and only parses what comes back.
    parser.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "0")]))
    parser.send(h11.EndOfMessage())
    sent = 0
    deadline = time.monotonic() + within_s
    with socket.create_connection((address.hostname, address.port), timeout=within_s) as connection:
        connection.sendall(head)
        while True:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable or chunks is None:
                break
            chunk = next(chunks, None)
            if chunk is None:
                break
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server stopped reading; its answer may be waiting
            sent += len(chunk)
            assert time.monotonic() < deadline, f"no answer after {sent} body bytes"
        connection.settimeout(max(0.1, deadline - time.monotonic()))
        response: h11.Response | None = None
        body = b""
        while True:
            event = parser.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = connection.recv(65536)
                except ConnectionResetError:
                    data = b""
                parser.receive_data(data)
                if not data and response is None:
                    raise AssertionError(f"connection closed without an answer after {sent} body bytes")
            elif isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                break
    assert response is not None
    headers = {name.decode(): value.decode() for name, value in response.headers}
    return RawAnswer(response.status_code, headers, body.decode(errors="replace"), sent)


def request_head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: gateway", f"X-API-Key: {TEST_API_KEY}", *headers, "", ""]
    return "\r\n".join(lines).encode()


def test_a_content_length_over_the_limit_gets_413_before_any_of_the_body_is_sent(gateway: Gateway) -> None:
    head = request_head("/sensor/heartrate", "Content-Type: application/json", f"Content-Length: {1 << 40}")

    answer = raw_exchange(gateway.server.base_url, head)  # no body at all: it must not wait for it

    assert_problem(answer, 413, "http-413")
    assert gateway.published("device.health.heartrate.raw") == []


def endless_chunks(size: int = 64 * 1024, total: int = 64 * LIMIT) -> Iterator[bytes]:
    """A chunked body of JSON whitespace: valid framing, but far beyond the limit."""
    chunk = f"{size:x}\r\n".encode() + b" " * size + b"\r\n"
    for _ in range(total // size):
        yield chunk
    yield b"0\r\n\r\n"


def test_a_chunked_body_over_the_limit_is_cut_off_with_413_long_before_it_ends(gateway: Gateway) -> None:
    head = request_head("/sensor/heartrate", "Content-Type: application/json", "Transfer-Encoding: chunked")

    answer = raw_exchange(gateway.server.base_url, head, endless_chunks())

    assert_problem(answer, 413, "http-413")
    # Answered once the limit was passed, not after the 64 MiB: socket buffers allow some slack.
    assert answer.body_bytes_sent < 16 * LIMIT
    print(f"\nchunked body cut off after {answer.body_bytes_sent / LIMIT:.1f} MiB sent")
    assert gateway.published("device.health.heartrate.raw") == []


def test_a_huge_content_length_with_a_chunked_body_is_refused_or_read_as_chunked(gateway: Gateway) -> None:
    # Both framings at once (RFC 9112 section 6.3: a smuggling attempt; a server may refuse it,
    # or let chunked win). The chunked body is a valid reading: a 4xx, or a 2xx that published
    # exactly it, are right; a 5xx, a hang, or waiting for a terabyte are wrong.
    message_id = str(uuid.uuid4())
    reading = json.dumps({**ROUTE_BODIES["/sensor/steps"](), "message_id": message_id}).encode()
    head = request_head(
        "/sensor/steps",
        "Content-Type: application/json",
        f"Content-Length: {1 << 40}",
        "Transfer-Encoding: chunked",
    )
    body = iter([f"{len(reading):x}\r\n".encode() + reading + b"\r\n0\r\n\r\n"])

    answer = raw_exchange(gateway.server.base_url, head, body)

    print(f"\nContent-Length {1 << 40} with a chunked body: {answer.status_code} {answer.text[:200]}")
    published = [record["message_id"] for record in gateway.published("device.health.steps.raw")]
    if answer.status_code // 100 == 2:
        assert published == [message_id]
    else:
        assert 400 <= answer.status_code < 500, answer
        assert published == []


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/jsonx"],
    ids=["none", "text-plain", "xml", "multipart", "json-lookalike"],
)
def test_a_reading_not_sent_as_json_gets_415_and_publishes_nothing(
    gateway: Gateway, content_type: str | None
) -> None:
    reading = json.dumps(ROUTE_BODIES["/sensor/power"]()).encode()

    response = gateway.post("/sensor/power", reading, content_type)

    assert_problem(response, 415, "unsupported-media-type")
    assert gateway.published("device.state.power.raw") == []


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        (b"", 400, "malformed-body"),
        (b"   \n ", 400, "malformed-body"),
        (b"null", 422, "invalid-reading"),
        (b"42", 422, "invalid-reading"),
        (b'"a reading"', 422, "invalid-reading"),
        (b"[null, 42]", 422, "invalid-batch"),
    ],
    ids=["empty", "whitespace", "null", "number", "string", "array-of-scalars"],
)
def test_json_that_is_not_a_reading_gets_a_4xx_and_publishes_nothing(
    gateway: Gateway, body: bytes, status: int, problem: str
) -> None:
    response = gateway.post("/sensor/temperature", body)

    assert_problem(response, status, problem)
    assert gateway.published("device.sensor.temperature.raw") == []


@pytest.mark.parametrize(
    "number",
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "1" + "0" * 400 + ".0",
        "1" + "0" * 400,
        "1" + "0" * 300 + "e10",
    ],
    ids=["NaN", "Infinity", "-Infinity", "1e400", "400-zeros-point-0", "400-zeros", "301-digits-e10"],
)
@pytest.mark.parametrize("path", ["/sensor/accelerometer", "/sensor/batch"])
def test_numbers_json_cannot_carry_are_refused_not_published_as_something_else(
    gateway: Gateway, path: str, number: str
) -> None:
    # x is a required number: NaN and Infinity are not JSON (RFC 8259 section 6), and 1e400 is
    # no double. Accepting them means publishing what the client did not send.
    message_id = str(uuid.uuid4())
    envelope = f'"device_id":"d-1","recorded_at":"2025-07-08T16:53:08","message_id":"{message_id}"'
    axes = f'"x":{number},"y":0.2,"z":9.8'
    if path == "/sensor/batch":  # the dispatch route, which parses the array before validating
        body = f'[{{"sensor_type":"accelerometer",{envelope},"value":{{{axes}}}}}]'
    else:
        body = f"{{{envelope},{axes}}}"

    response = gateway.post(path, body.encode())

    published = [
        record
        for record in gateway.published("device.sensor.accelerometer.raw")
        if record["message_id"] == message_id
    ]
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300], published)
    assert response.headers["content-type"] == "application/problem+json"
    assert published == []


def test_the_same_readings_with_json_numbers_are_accepted(gateway: Gateway) -> None:
    """The control for the test above: its bodies are otherwise valid on both routes."""
    message_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    envelope = '"device_id":"d-1","recorded_at":"2025-07-08T16:53:08","message_id":"%s"'
    axes = '"x":0.1,"y":0.2,"z":9.8'
    single = gateway.post("/sensor/accelerometer", f"{{{envelope % message_ids[0]},{axes}}}".encode())
    batch_item = f'{{"sensor_type":"accelerometer",{envelope % message_ids[1]},"value":{{{axes}}}}}'
    batch = gateway.post("/sensor/batch", f"[{batch_item}]".encode())

    assert (single.status_code, batch.status_code) == (202, 202), (single.text, batch.text)
    published = {
        record["message_id"]: record for record in gateway.published("device.sensor.accelerometer.raw")
    }
    assert [published[message_id]["x"] for message_id in message_ids] == [0.1, 0.1]


TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.mark.parametrize(
    ("traceparent", "tracestate", "carried"),
    [
        # A later version with a 20 kB tail: its first 55 bytes, as version 00.
        (
            "01" + TRACEPARENT[2:] + "-" + "x" * 20_000,
            "congo=t61",
            {"traceparent": TRACEPARENT, "tracestate": "congo=t61"},
        ),
        # Version 00 with anything more is no traceparent at all; nor is its tracestate carried.
        (TRACEPARENT + "-" + "x" * 20_000, "congo=t61", {}),
        # A tracestate over 512 bytes is dropped, the traceparent carried.
        (TRACEPARENT, "a=" + "x" * 5000, {"traceparent": TRACEPARENT}),
    ],
    ids=["later-version-long-tail", "version-00-long-tail", "long-tracestate"],
)
def test_trace_headers_reach_records_only_checked_and_bounded(
    gateway: Gateway, traceparent: str, tracestate: str, carried: dict[str, str]
) -> None:
    message_ids = [str(uuid.uuid4()) for _ in range(3)]
    body = json.dumps(
        [{**ROUTE_BODIES["/sensor/steps"](), "message_id": message_id} for message_id in message_ids]
    )
    headers = {
        **gateway.server.headers,
        "content-type": "application/json",
        "traceparent": traceparent,
        "tracestate": tracestate,
    }

    response = httpx.post(
        gateway.server.base_url + "/sensor/steps", content=body, headers=headers, timeout=ANSWER_WITHIN_S
    )

    assert response.status_code == 202, response.text
    records = [
        record
        for record in read_topic(gateway.bootstrap_servers, gateway.topic_prefix + "device.health.steps.raw")
        if json.loads(record.value)["message_id"] in message_ids
    ]
    assert len(records) == len(message_ids)
    for record in records:
        trace = {name: value.decode() for name, value in record.headers.items() if name.startswith("trace")}
        assert trace == carried
