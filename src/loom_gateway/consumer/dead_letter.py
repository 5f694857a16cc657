"""The dead-letter topic: records that could not be decoded, or whose handler kept failing.

A dead letter is the original record (key and value unchanged) with its original headers and
these, so that it can be inspected and replayed: ``loom.dead_letter.error`` (what went wrong),
``.error_type``, ``.stage`` (``decode`` or ``handler``), ``.attempts``, ``.group``, and where it
came from: ``.topic``, ``.partition``, ``.offset``. The consumer commits a record it dead-letters
only once the broker has acknowledged the dead letter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Literal, Protocol

import confluent_kafka

from loom_gateway.consumer.errors import DeadLetterFailed
from loom_gateway.consumer.records import Header, RawRecord
from loom_gateway.kafka.config import producer_config
from loom_gateway.settings import Settings

__all__ = [
    "DEAD_LETTER_HEADER_PREFIX",
    "DeadLetterProducer",
    "DeadLetterSink",
    "Stage",
    "dead_letter_headers",
]

logger = logging.getLogger(__name__)

DEAD_LETTER_HEADER_PREFIX = "loom.dead_letter."
Stage = Literal["decode", "handler"]
_ERROR_TEXT_LIMIT = 4096


def dead_letter_headers(
    record: RawRecord, error: BaseException, stage: Stage, attempts: int, group_id: str
) -> list[Header]:
    """The original headers, then what went wrong and where the record came from."""
    text = str(error) or type(error).__name__
    extra: dict[str, str] = {
        "error": text[:_ERROR_TEXT_LIMIT],
        "error_type": f"{type(error).__module__}.{type(error).__qualname__}",
        "stage": stage,
        "attempts": str(attempts),
        "group": group_id,
        "topic": record.topic,
        "partition": str(record.partition),
        "offset": str(record.offset),
    }
    return [
        *record.headers,
        *((DEAD_LETTER_HEADER_PREFIX + name, value.encode()) for name, value in extra.items()),
    ]


class DeadLetterSink(Protocol):
    async def send(self, record: RawRecord, headers: Sequence[Header]) -> None:
        """Returns once the dead letter is stored; raises DeadLetterFailed otherwise."""
        ...

    def close(self) -> None: ...


class DeadLetterProducer:
    """Writes dead letters with an idempotent producer (acks=all), one at a time: they are rare,
    and the consumer waits for each before it commits the record."""

    def __init__(
        self, settings: Settings, topic: str, max_message_bytes: int, timeout_s: float = 30.0
    ) -> None:
        config = {**producer_config(settings, "none", max_message_bytes), "linger.ms": 0}
        if "client.id" not in settings.kafka_client_config:
            config["client.id"] = "loom-consumer"
        self.topic = topic
        self._timeout_s = timeout_s
        self._producer = confluent_kafka.Producer(config)

    async def send(self, record: RawRecord, headers: Sequence[Header]) -> None:
        await asyncio.to_thread(self._send, record, list(headers))

    def _send(self, record: RawRecord, headers: list[Header]) -> None:
        outcome: list[confluent_kafka.KafkaError | None] = []

        def delivered(error: confluent_kafka.KafkaError | None, _message: confluent_kafka.Message) -> None:
            outcome.append(error)

        try:
            self._producer.produce(
                self.topic,
                value=record.value,
                key=record.key,
                headers=list(headers),
                on_delivery=delivered,
            )
        except (BufferError, confluent_kafka.KafkaException) as error:
            raise DeadLetterFailed(f"cannot write to {self.topic}: {error}") from error
        self._producer.flush(self._timeout_s)
        if not outcome:
            raise DeadLetterFailed(
                f"{self.topic} did not acknowledge the dead letter within {self._timeout_s} s"
            )
        if outcome[0] is not None:
            raise DeadLetterFailed(f"cannot write to {self.topic}: {outcome[0].str()}")

    def close(self) -> None:
        left = self._producer.flush(self._timeout_s)
        if left:
            logger.error("%d dead letter(s) were not delivered before shutdown", left)
