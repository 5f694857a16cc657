"""The raw ASGI ingestion handler's own request handling: headers and methods (bodies:
test_bodies.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar.exceptions import MethodNotAllowedException

from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.http.bodies import BodyReader
from loom_gateway.http.ingest_routes import _headers, ingest_handler
from loom_gateway.ingest.admission import InFlightLimit


def receiving(*events: dict[str, Any]) -> Any:
    queue = list(events)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def test_only_the_headers_ingestion_reads_are_kept_the_first_of_a_repeated_one() -> None:
    raw = [
        (b"x-api-key", b"first"),
        (b"content-type", b"application/json"),
        (b"x-api-key", b"second"),
        (b"cookie", b"never-read"),
    ]

    assert _headers(raw) == {"x-api-key": "first", "content-type": "application/json"}


def _gps_handler() -> Any:
    async def unused(*_: object) -> Any:
        raise AssertionError("ingested")

    return ingest_handler(
        "/sensor/gps",
        DEVICE_SENSOR_GPS_V1,
        unused,
        readiness=None,  # type: ignore[arg-type]  # never reached
        in_flight=InFlightLimit(1),
        bodies=BodyReader(10.0, 1000),
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
