"""librdkafka configuration derived from the settings, in one place."""

from __future__ import annotations

from loom_gateway.catalog import Compression
from loom_gateway.settings import Settings

__all__ = ["admin_config", "consumer_config", "producer_config", "topic_compression"]

# Headroom over the largest record value: key, headers and batch framing.
_RECORD_OVERHEAD_BYTES = 64 * 1024


def _common(settings: Settings) -> dict[str, str | int | float | bool]:
    return {
        "bootstrap.servers": settings.kafka_bootstrap_servers,
        "client.id": "loom-gateway",
        **settings.kafka_client_config,
    }


def producer_config(
    settings: Settings, compression: Compression, max_message_bytes: int
) -> dict[str, str | int | float | bool]:
    """An idempotent producer that only reports success once every in-sync replica has the record."""
    return {
        **_common(settings),
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": compression,
        "linger.ms": settings.kafka_linger_ms,
        "message.timeout.ms": settings.kafka_delivery_timeout_ms,
        "queue.buffering.max.messages": settings.kafka_queue_max_messages,
        "message.max.bytes": max_message_bytes + _RECORD_OVERHEAD_BYTES,
    }


def admin_config(settings: Settings) -> dict[str, str | int | float | bool]:
    return _common(settings)


def consumer_config(settings: Settings, group_id: str) -> dict[str, str | int | float | bool]:
    """A consumer that is assigned partitions (never joins a group) and commits nothing."""
    return {**_common(settings), "group.id": group_id, "enable.auto.commit": False}


def topic_compression(compression: Compression) -> str:
    """The topic-level ``compression.type`` for a producer codec (Kafka calls "none" "uncompressed")."""
    return "uncompressed" if compression == "none" else compression
