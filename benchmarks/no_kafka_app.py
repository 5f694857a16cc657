"""Diagnostic only: the gateway with publishing stubbed out (every record "acknowledged" at once).

The difference between this and the real gateway is what waiting for Kafka costs; the
difference between this and the bare app is what validation and the gateway's own code cost.
Never used outside the benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Litestar

import loom_gateway.app
from loom_gateway.errors import LoomError
from loom_gateway.kafka.producer import Publisher
from loom_gateway.kafka.records import Record


class _InstantPublisher(Publisher):
    async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
        return [None] * len(records)


def create_app() -> Litestar:
    loom_gateway.app.Publisher = _InstantPublisher  # type: ignore[misc]
    return loom_gateway.app.create_app_from_env()
