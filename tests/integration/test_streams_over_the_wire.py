"""WebSocket streams against ``loom-gateway serve``, with a real WebSocket client (http/streams.py).

Proves: an upgrade without a key is refused with 401, by a key bound to other devices with 403,
both before any 101 and as problem documents; beyond LOOM_MAX_STREAMS open streams per worker
an upgrade gets 503 with Retry-After; a message over the stream's limit closes the stream with
1009 and a reason; a stream that stays within them still works.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
import uuid
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from loom_catalog import CATALOG
from tests.support.gateway import TEST_API_KEY
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

PHONE_KEY = "phone-key-0123456789abcdef"
PHONE = "phone-1"
MAX_STREAMS = 2
LIMIT = next(
    stream.data_type.max_body_bytes
    for stream in CATALOG.streams
    if stream.path == "/audio/stream/{device_id}"
)
FRAGMENT = 1 << 20
"""The over-limit message goes in fragments: a single frame over 16 MiB is cut by the server itself."""


@pytest.fixture(scope="module")
def server(kafka_bootstrap_servers: str) -> Iterator[ServeServer]:
    with running_serve(
        kafka_bootstrap_servers,
        workers=1,
        kafka_topic_prefix=f"streams{time.monotonic_ns() % 10**9}.",
        api_keys=json.dumps({TEST_API_KEY: "*", PHONE_KEY: [PHONE]}),
        max_streams=MAX_STREAMS,
    ) as running:
        yield running


def stream_url(server: ServeServer, device_id: str) -> str:
    return server.base_url.replace("http://", "ws://") + f"/audio/stream/{device_id}"


def open_stream(server: ServeServer, device_id: str, key: str | None) -> ClientConnection:
    headers = {"X-API-Key": key} if key is not None else {}
    return connect(stream_url(server, device_id), additional_headers=headers, max_size=None, open_timeout=30)


def refusal(server: ServeServer, device_id: str, key: str | None) -> InvalidStatus:
    with pytest.raises(InvalidStatus) as caught:
        open_stream(server, device_id, key).close()
    return caught.value


def chunk() -> dict[str, object]:
    return {
        "recorded_at": "2025-07-08T16:53:01.000",
        "message_id": str(uuid.uuid4()),
        "data": base64.b64encode(b"RIFF" + bytes(2000)).decode(),
        "sample_rate": 16000,
        "channels": 1,
        "format": "wav",
        "duration_ms": 5000,
    }


@pytest.mark.parametrize(
    ("key", "status", "problem"),
    [
        (None, 401, "unauthenticated"),
        ("not-a-key-0123456789", 401, "unauthenticated"),
        (PHONE_KEY, 403, "device-not-allowed"),
    ],
    ids=["no-key", "unknown-key", "other-device"],
)
def test_an_upgrade_is_refused_before_101_with_a_problem_document(
    server: ServeServer, key: str | None, status: int, problem: str
) -> None:
    refused = refusal(server, "phone-2", key)

    assert refused.response.status_code == status
    assert refused.response.headers["content-type"] == "application/problem+json"
    assert json.loads(refused.response.body)["type"].endswith(f"/{problem}")


def test_a_bound_key_streams_as_its_own_device(server: ServeServer) -> None:
    with open_stream(server, PHONE, PHONE_KEY) as stream:
        stream.send(json.dumps(chunk()))
        assert json.loads(stream.recv(timeout=30))["status"] == "success"


def test_beyond_the_open_streams_bound_an_upgrade_gets_503_and_a_freed_place_is_taken_again(
    server: ServeServer,
) -> None:
    with contextlib.ExitStack() as stack:
        for _ in range(MAX_STREAMS):
            stack.enter_context(open_stream(server, PHONE, TEST_API_KEY))
        refused = refusal(server, PHONE, TEST_API_KEY)

    assert refused.response.status_code == 503
    assert refused.response.headers["retry-after"] == "1"
    assert json.loads(refused.response.body)["type"].endswith("/overloaded")
    deadline = time.monotonic() + 30
    while True:  # the closed streams' places are freed once the server has seen them close
        try:
            with open_stream(server, PHONE, TEST_API_KEY) as stream:
                stream.send(json.dumps(chunk()))
                assert json.loads(stream.recv(timeout=30))["status"] == "success"
            break
        except InvalidStatus:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_a_message_over_the_limit_closes_the_stream_with_1009_and_a_reason(server: ServeServer) -> None:
    oversized = "x" * (LIMIT + 1)
    with open_stream(server, PHONE, TEST_API_KEY) as stream:
        stream.send(oversized[i : i + FRAGMENT] for i in range(0, len(oversized), FRAGMENT))
        with pytest.raises(ConnectionClosedError) as closed:
            stream.recv(timeout=60)

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    assert f"this stream takes at most {LIMIT}" in closed.value.rcvd.reason
