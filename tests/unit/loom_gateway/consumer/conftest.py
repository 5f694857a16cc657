"""Records as the gateway writes them, built without a broker."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from loom_catalog import CATALOG
from loom_gateway.consumer import Handlers, RawRecord, Subscription
from loom_gateway.settings import Settings

PREFIX = "unit."


def topic_name(name: str) -> str:
    return PREFIX + name


def gps_body(**changes: Any) -> dict[str, Any]:
    return {
        "device_id": "device-1",
        "recorded_at": "2025-07-08T16:53:08.123456",
        "message_id": str(uuid.uuid4()),
        "received_at": "2025-07-08T16:53:09.000001Z",
        "latitude": 52.3676,
        "longitude": 4.9041,
        **changes,
    }


def record(
    body: dict[str, Any] | bytes,
    *,
    schema: str | None = "https://schemas.loom-gateway.dev/device/sensor/gps/v1.json",
    content_type: bytes | None = b"application/json",
    topic: str = PREFIX + "device.sensor.gps.raw",
    offset: int = 0,
    partition: int = 0,
) -> RawRecord:
    value = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers: list[tuple[str, bytes | None]] = []
    if isinstance(body, dict) and "message_id" in body:
        headers.append(("loom.message_id", body["message_id"].encode()))
    if schema is not None:
        headers.append(("loom.schema", schema.encode()))
    if content_type is not None:
        headers.append(("content-type", content_type))
    return RawRecord(topic, partition, offset, b"device-1", value, tuple(headers))


@pytest.fixture
def settings() -> Settings:
    return Settings(kafka_topic_prefix=PREFIX)


@pytest.fixture
def gps_subscription() -> Subscription:
    handlers = Handlers()

    async def ignore(_reading: Any) -> None:
        return None

    handlers.add("device.sensor.gps", 1, ignore)
    return Subscription.of(CATALOG, handlers.keys(), topic_name)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, as the consumer does."""
    return "asyncio"
