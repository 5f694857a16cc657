"""WebSocket /audio/stream/{device_id}: each chunk acknowledged on the socket once Kafka has it."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from loom_catalog import CATALOG
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka


def chunk(index: int) -> dict[str, object]:
    return {
        "recorded_at": f"2025-07-08T16:53:{index:02d}.000",
        "message_id": str(uuid.uuid4()),
        "data": base64.b64encode(b"RIFF" + bytes(2000 + index)).decode(),
        "sample_rate": 16000,
        "channels": 1,
        "format": "wav",
        "duration_ms": 5000,
        "file_id": f"chunk_{index}",
    }


def test_chunks_are_acknowledged_after_kafka_and_bad_frames_do_not_drop_the_connection(
    gateway_settings: Settings, topic_prefix: str
) -> None:
    device_id = "watch-42"
    first, second = chunk(1), chunk(2)

    with (
        running_gateway(gateway_settings, CATALOG) as client,
        client.websocket_connect(f"/audio/stream/{device_id}") as socket,
    ):
        socket.send_text(json.dumps(first))
        first_ack = socket.receive_json()
        socket.send_text(json.dumps({**second, "sample_rate": "16000"}))
        refused = socket.receive_json()
        socket.send_text("{not json")
        malformed = socket.receive_json()
        socket.send_text(json.dumps({**second, "device_id": "someone-else"}))
        impostor = socket.receive_json()
        socket.send_text(json.dumps(second))
        second_ack = socket.receive_json()

    assert first_ack["status"] == "success"
    assert first_ack["message_id"] == first["message_id"]
    assert refused["status"] == 422
    assert refused["errors"][0]["pointer"] == "/sample_rate"
    assert malformed["status"] == 400
    assert impostor["status"] == 422
    assert impostor["errors"][0]["pointer"] == "/device_id"
    assert second_ack["message_id"] == second["message_id"]
    records = read_topic(
        gateway_settings.kafka_bootstrap_servers, f"{topic_prefix}device.audio.raw", expected=2
    )
    assert sorted(json.loads(r.value)["file_id"] for r in records) == ["chunk_1", "chunk_2"]
    assert {r.key for r in records} == {device_id.encode()}
