"""What the gateway hands to Kafka."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Record"]


class Record(NamedTuple):
    """One Kafka record (a named tuple: made per reading on the hot path, so cheap to build)."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, str | bytes | None]]
    """A list, as librdkafka takes it: no copy per record."""
