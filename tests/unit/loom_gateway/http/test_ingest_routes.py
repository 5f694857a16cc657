"""The raw ASGI ingestion handler's own request handling: headers, body limit, methods."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar.exceptions import ClientException, InternalServerException, MethodNotAllowedException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.http.ingest_routes import _body, _headers, ingest_handler
from loom_gateway.ingest.admission import InFlightLimit


def receiving(*events: dict[str, Any]) -> Any:
    queue = list(events)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def chunk(body: bytes, more: bool) -> dict[str, Any]:
    return {"type": "http.request", "body": body, "more_body": more}


def test_only_the_headers_ingestion_reads_are_kept_the_first_of_a_repeated_one() -> None:
    raw = [
        (b"x-api-key", b"first"),
        (b"content-type", b"application/json"),
        (b"x-api-key", b"second"),
        (b"cookie", b"never-read"),
    ]

    assert _headers(raw) == {"x-api-key": "first", "content-type": "application/json"}


def test_a_body_in_chunks_is_joined() -> None:
    body = asyncio.run(_body(receiving(chunk(b'{"a":', True), chunk(b"1}", False)), None, 100))

    assert body == b'{"a":1}'


def test_an_announced_length_over_the_limit_is_413_before_anything_is_read() -> None:
    async def never() -> dict[str, Any]:
        raise AssertionError("the body was read")

    with pytest.raises(RequestEntityTooLarge):
        asyncio.run(_body(never, "101", 100))


def test_a_streamed_body_is_cut_off_at_the_limit_whatever_it_announced() -> None:
    events = receiving(chunk(b"x" * 60, True), chunk(b"x" * 60, True), chunk(b"never read", False))

    with pytest.raises(RequestEntityTooLarge):
        asyncio.run(_body(events, "10", 100))


def test_a_malformed_length_is_400_and_a_disconnect_ends_the_request() -> None:
    with pytest.raises(ClientException, match="Invalid content-length"):
        asyncio.run(_body(receiving(chunk(b"{}", False)), "ten", 100))
    with pytest.raises(InternalServerException, match="disconnected"):
        asyncio.run(_body(receiving(chunk(b"{", True), {"type": "http.disconnect"}), None, 100))


def _gps_handler() -> Any:
    async def unused(*_: object) -> Any:
        raise AssertionError("ingested")

    return ingest_handler(
        "/sensor/gps",
        DEVICE_SENSOR_GPS_V1,
        unused,
        readiness=None,  # type: ignore[arg-type]  # never reached
        in_flight=InFlightLimit(1),
        authenticate=lambda _: None,
    )


def test_a_method_other_than_post_is_405_naming_the_allowed_ones() -> None:
    scope = {"type": "http", "method": "GET", "headers": []}

    with pytest.raises(MethodNotAllowedException) as caught:
        asyncio.run(_gps_handler().fn(scope, receiving(), receiving()))

    assert caught.value.headers == {"Allow": "OPTIONS, POST"}


def test_options_is_204_naming_the_allowed_methods_without_a_key_or_a_body() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "OPTIONS", "headers": []}
    asyncio.run(_gps_handler().fn(scope, receiving(), send))

    assert sent[0] == {
        "type": "http.response.start",
        "status": 204,
        "headers": [(b"allow", b"OPTIONS, POST")],
    }
    assert sent[1]["body"] == b""
