"""Noticing that Kafka went away, and recovering by ourselves when it is back.

When publishing fails for want of the broker (a delivery timeout, all brokers down, a fatal
producer error), the gateway turns not-ready, so requests get an immediate 503 with
Retry-After instead of waiting out the delivery timeout. Once the broker answers again, the
producers are rebuilt (an idempotent producer does not survive a broker that restarted empty)
and the catalog's topics ensured again (a broker that restarted empty has none) before
readings flow.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from loom_gateway.kafka.producer import Publisher
from loom_gateway.readiness import Readiness

__all__ = ["watch_kafka"]

logger = logging.getLogger(__name__)

HOLDER = "kafka"
_INTERVAL_S = 0.5
_PROBE_TIMEOUT_S = 2.0


async def watch_kafka(
    publisher: Publisher, readiness: Readiness, ensure_topics: Callable[[], Awaitable[None]]
) -> None:
    """Runs for the app's lifetime (the lifespan cancels it)."""
    while True:
        await asyncio.sleep(_INTERVAL_S)
        trouble = publisher.trouble
        if trouble is None:
            continue
        readiness.hold(HOLDER, f"Kafka unavailable: {trouble}")
        logger.warning("kafka unavailable (%s): refusing readings until it is back", trouble)
        started = time.monotonic()
        while not await publisher.reachable(_PROBE_TIMEOUT_S):
            await asyncio.sleep(_INTERVAL_S)
        await publisher.rebuild()
        await ensure_topics()
        readiness.release(HOLDER)
        logger.warning("kafka is back: accepting readings again after %.1f s", time.monotonic() - started)
