"""Slow and abandoned request bodies against ``loom-gateway serve``, on raw sockets (http/bodies.py).

Proves: clients trickling their bodies hold no in-flight slot (normal readings are accepted
meanwhile, with the in-flight bound far below the number of trickling clients); each trickler
is answered 408 once LOOM_BODY_READ_TIMEOUT_S has passed; and a client that leaves mid-body is
counted as 499, never as a 5xx, in the metrics the ErrorRatio alert reads.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlsplit

import h11
import httpx
import pytest

from tests.support.gateway import TEST_API_KEY
from tests.support.kafka import read_topic
from tests.support.mobile_bodies import ROUTE_BODIES
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

MAX_IN_FLIGHT = 4
TRICKLERS = 3 * MAX_IN_FLIGHT
BODY_TIMEOUT_S = 3.0
ANSWER_WITHIN_S = 30.0
"""Generous: the machine is shared. A 408 comes within the deadline and a quarter of it."""
ROUTE = "/sensor/heartrate"
TOPIC = "device.health.heartrate.raw"


@pytest.fixture(scope="module")
def server(kafka_bootstrap_servers: str) -> Iterator[tuple[ServeServer, str]]:
    prefix = f"slow{time.monotonic_ns() % 10**9}."
    with running_serve(
        kafka_bootstrap_servers,
        workers=1,
        kafka_topic_prefix=prefix,
        max_in_flight_requests=MAX_IN_FLIGHT,
        body_read_timeout_s=BODY_TIMEOUT_S,
    ) as running:
        yield running, prefix


def open_body(base_url: str, length: int, first_bytes: bytes) -> socket.socket:
    """A POST announcing ``length`` body bytes, of which only ``first_bytes`` are sent."""
    address = urlsplit(base_url)
    connection = socket.create_connection((address.hostname, address.port), timeout=ANSWER_WITHIN_S)
    head = (
        f"POST {ROUTE} HTTP/1.1\r\nHost: gateway\r\nX-API-Key: {TEST_API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    connection.sendall(head.encode() + first_bytes)
    return connection


def answer_of(connection: socket.socket) -> tuple[int, dict[str, object]]:
    """The status and JSON body of the answer waiting on ``connection``."""
    parser = h11.Connection(h11.CLIENT)
    parser.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "0")]))
    parser.send(h11.EndOfMessage())
    status, body = 0, b""
    while True:
        event = parser.next_event()
        if event is h11.NEED_DATA:
            parser.receive_data(connection.recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return status, json.loads(body)


def reading(message_id: str) -> bytes:
    return json.dumps({**ROUTE_BODIES[ROUTE](), "message_id": message_id}).encode()


def test_trickling_bodies_hold_no_in_flight_slot_and_get_408_at_the_deadline(
    server: tuple[ServeServer, str], kafka_bootstrap_servers: str
) -> None:
    gateway, prefix = server
    with ExitStack() as stack:
        tricklers = [
            stack.enter_context(open_body(gateway.base_url, 200, b'{"device_id":')) for _ in range(TRICKLERS)
        ]
        time.sleep(0.5)  # every trickler's headers are in: each has a handler waiting for its body
        started = time.monotonic()

        message_ids = [str(uuid.uuid4()) for _ in range(2 * MAX_IN_FLIGHT)]
        answers = [
            httpx.post(
                gateway.base_url + ROUTE,
                content=reading(message_id),
                headers={**gateway.headers, "content-type": "application/json"},
                timeout=ANSWER_WITHIN_S,
            )
            for message_id in message_ids
        ]
        assert [answer.status_code for answer in answers] == [202] * len(message_ids), answers[0].text
        # The readings were answered while every trickler still waited for its deadline.
        assert time.monotonic() - started < BODY_TIMEOUT_S, "too slow to tell; the machine is overloaded"

        for trickler in tricklers:
            status, problem = answer_of(trickler)
            assert status == 408, problem
            assert str(problem["type"]).endswith("/body-timeout")
    published = {
        json.loads(record.value)["message_id"]
        for record in read_topic(kafka_bootstrap_servers, prefix + TOPIC)
    }
    assert set(message_ids) <= published


def http_requests(base_url: str) -> dict[str, float]:
    """loom_http_requests_total of the ingestion route, by status."""
    text = httpx.get(base_url + "/metrics", timeout=ANSWER_WITHIN_S).text
    route = re.escape(ROUTE)
    series = rf'loom_http_requests_total\{{method="POST",route="{route}",status="(\d+)"\}}'
    pattern = re.compile(rf"^{series} (\S+)$", re.M)
    return {status: float(value) for status, value in pattern.findall(text)}


def test_a_client_leaving_mid_body_is_counted_as_499_not_as_an_error(server: tuple[ServeServer, str]) -> None:
    gateway, _ = server
    before = http_requests(gateway.base_url)

    for _ in range(3):
        connection = open_body(gateway.base_url, 500, b'{"device_id":"d-1",')
        time.sleep(0.1)
        connection.close()

    deadline = time.monotonic() + ANSWER_WITHIN_S
    while (after := http_requests(gateway.base_url)).get("499", 0) - before.get("499", 0) < 3:
        assert time.monotonic() < deadline, after
        time.sleep(0.1)
    assert after.get("499", 0) - before.get("499", 0) == 3
    errors = {
        status: count - before.get(status, 0) for status, count in after.items() if status.startswith("5")
    }
    assert not any(errors.values()), errors
    assert "client disconnected" not in gateway.log()
