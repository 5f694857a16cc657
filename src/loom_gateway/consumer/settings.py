"""The consumer's own settings, ``LOOM_CONSUMER_*``; where Kafka is comes from the gateway's.

A consumer reads what a gateway deployment wrote, so it takes the broker address, the extra
librdkafka properties and the topic prefix and overrides from the same ``LOOM_KAFKA_*``
variables (``loom_gateway.settings.Settings``); only what is about consuming lives here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from loom_gateway.consumer.retry import RetryPolicy
from loom_gateway.errors import ConfigurationError

__all__ = ["ConsumerSettings", "load_consumer_settings"]


class ConsumerSettings(BaseSettings):
    """Each field is the env var ``LOOM_CONSUMER_<FIELD NAME>``."""

    model_config = SettingsConfigDict(env_prefix="LOOM_CONSUMER_", extra="forbid", frozen=True)

    group_id: Annotated[str, Field(min_length=1, max_length=255)]
    """The consumer group: consumers sharing it split the partitions and share committed offsets."""
    dead_letter_topic: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9._-]{1,249}$")] = None
    """Where records that cannot be handled go. Unset: ``<topic prefix><group id>.dead-letter``."""
    create_dead_letter_topic: bool = True
    """Create the dead-letter topic at start-up if it is missing (with the deployment's default
    partitions and replication factor)."""
    max_retries: Annotated[int, Field(ge=0, le=100)] = 3
    """Retries of a failing handler before its record is dead-lettered."""
    retry_backoff_s: Annotated[float, Field(ge=0, le=60)] = 0.2
    """Wait before the first retry; doubled for each next one, up to ``retry_backoff_max_s``."""
    retry_backoff_max_s: Annotated[float, Field(ge=0, le=300)] = 5.0
    dedupe_window_s: Annotated[float, Field(ge=0, le=86_400)] = 0.0
    """Skip a record whose ``loom.message_id`` was handled this long ago or less (0: off)."""
    dedupe_max_entries: Annotated[int, Field(ge=1)] = 100_000
    commit_interval_s: Annotated[float, Field(gt=0, le=60)] = 1.0
    """Commit processed offsets at least this often (and on rebalance and shutdown)."""
    commit_max_records: Annotated[int, Field(ge=1)] = 5_000
    """... or after this many records, whichever comes first."""
    batch_size: Annotated[int, Field(ge=1, le=100_000)] = 500
    """Records taken from librdkafka per poll."""
    poll_timeout_s: Annotated[float, Field(gt=0, le=10)] = 0.2
    """How long one poll waits for records; also how soon ``stop()`` is noticed when idle."""
    auto_offset_reset: Literal["earliest", "latest"] = "earliest"
    """Where a group with no committed offset starts."""
    session_timeout_ms: Annotated[int, Field(ge=1000, le=3_600_000)] = 10_000
    heartbeat_interval_ms: Annotated[int, Field(ge=100, le=60_000)] = 1_000
    max_poll_interval_ms: Annotated[int, Field(ge=1000, le=86_400_000)] = 300_000
    """A consumer that polls less often than this leaves the group. It must exceed a batch's
    handling time, retries and backoff included."""
    metrics_port: Annotated[int | None, Field(ge=0, le=65535)] = None
    """Serve Prometheus metrics on this port (unset: not served; the registry is still there)."""

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            retries=self.max_retries,
            initial_backoff_s=self.retry_backoff_s,
            max_backoff_s=max(self.retry_backoff_max_s, self.retry_backoff_s),
        )


def load_consumer_settings(**overrides: object) -> ConsumerSettings:
    """Settings from the environment (and ``overrides``), or a ConfigurationError saying what is wrong."""
    try:
        return ConsumerSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"LOOM_CONSUMER_{'.'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ConfigurationError(f"invalid consumer settings: {problems}") from error
