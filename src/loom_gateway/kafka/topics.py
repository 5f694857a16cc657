"""What the catalog wants of the cluster's topics, what the cluster has, and making it so."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import confluent_kafka
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic, ResourceType

from loom_gateway.catalog import Catalog
from loom_gateway.errors import BrokerUnavailable, TopicBootstrapError
from loom_gateway.kafka.config import admin_config, topic_compression
from loom_gateway.settings import Settings

__all__ = ["Action", "DesiredTopic", "PlannedTopic", "TopicAdmin", "desired_topics"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DesiredTopic:
    name: str
    partitions: int
    replication_factor: int
    configs: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ExistingTopic:
    name: str
    partitions: int
    configs: Mapping[str, str]


class Action(StrEnum):
    CREATE = "create"
    OK = "ok"
    DRIFT = "drift"
    """Exists but differs; the gateway reports it and leaves the topic alone."""


@dataclass(frozen=True, slots=True)
class PlannedTopic:
    desired: DesiredTopic
    action: Action
    differences: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        if self.action is Action.DRIFT:
            return f"{self.desired.name}: drift ({'; '.join(self.differences)})"
        return f"{self.desired.name}: {self.action.value}"


def desired_topics(catalog: Catalog, settings: Settings) -> list[DesiredTopic]:
    """The catalog's topics with the deployment's defaults filled in (the quarantine topic only
    when quarantine is enabled)."""
    quarantine = catalog.of_kind("quarantine")
    unused = {quarantine.topic.name} if quarantine is not None and not settings.quarantine_enabled else set()
    return [
        DesiredTopic(
            name=topic.name,
            partitions=topic.partitions or settings.kafka_default_partitions,
            replication_factor=settings.kafka_default_replication_factor,
            configs={
                "retention.ms": str(topic.retention_ms),
                "compression.type": topic_compression(topic.compression),
                "max.message.bytes": str(topic.max_message_bytes),
                "cleanup.policy": topic.cleanup_policy,
            },
        )
        for topic in catalog.topics()
        if topic.name not in unused
    ]


class TopicAdmin:
    """Blocking admin operations; call them from a worker thread in async code."""

    def __init__(self, settings: Settings) -> None:
        self._client = AdminClient(admin_config(settings))
        self._timeout_s = settings.kafka_bootstrap_timeout_s

    def existing(self, names: Iterable[str]) -> dict[str, ExistingTopic]:
        """The named topics that exist, with their partition counts and the configs we manage."""
        try:
            metadata = self._client.list_topics(timeout=self._timeout_s)
        except confluent_kafka.KafkaException as error:
            raise BrokerUnavailable(f"cannot list topics: {error.args[0].str()}") from error
        present = [name for name in names if name in metadata.topics and not metadata.topics[name].error]
        if not present:
            return {}
        resources = [ConfigResource(ResourceType.TOPIC, name) for name in present]
        found = {}
        for resource, future in self._client.describe_configs(
            resources, request_timeout=self._timeout_s
        ).items():
            try:
                entries = future.result()
            except confluent_kafka.KafkaException as error:
                raise BrokerUnavailable(f"cannot describe {resource.name}: {error.args[0].str()}") from error
            found[resource.name] = ExistingTopic(
                name=resource.name,
                partitions=len(metadata.topics[resource.name].partitions),
                configs={key: entry.value for key, entry in entries.items() if entry.value is not None},
            )
        return found

    def plan(self, desired: Sequence[DesiredTopic]) -> list[PlannedTopic]:
        existing = self.existing(topic.name for topic in desired)
        return [_compare(topic, existing.get(topic.name)) for topic in desired]

    def create(self, topics: Sequence[DesiredTopic]) -> None:
        """Create the topics; "already exists" counts as success, anything else raises."""
        if not topics:
            return
        futures = self._client.create_topics(
            [
                NewTopic(
                    topic.name,
                    num_partitions=topic.partitions,
                    replication_factor=topic.replication_factor,
                    config=dict(topic.configs),
                )
                for topic in topics
            ],
            request_timeout=self._timeout_s,
        )
        failures = []
        for name, future in futures.items():
            try:
                future.result()
            except confluent_kafka.KafkaException as error:
                kafka_error: confluent_kafka.KafkaError = error.args[0]
                if kafka_error.code() == confluent_kafka.KafkaError.TOPIC_ALREADY_EXISTS:
                    continue
                if kafka_error.retriable() or kafka_error.code() in _UNREACHABLE:
                    raise BrokerUnavailable(f"cannot create {name}: {kafka_error.str()}") from error
                failures.append(f"{name}: {kafka_error.str()}")
        if failures:
            raise TopicBootstrapError("cannot create topics: " + "; ".join(failures))


_UNREACHABLE = frozenset(
    {
        confluent_kafka.KafkaError._TRANSPORT,
        confluent_kafka.KafkaError._TIMED_OUT,
        confluent_kafka.KafkaError._ALL_BROKERS_DOWN,
    }
)


def _compare(desired: DesiredTopic, existing: ExistingTopic | None) -> PlannedTopic:
    if existing is None:
        return PlannedTopic(desired, Action.CREATE)
    differences = []
    if existing.partitions != desired.partitions:
        differences.append(f"partitions {existing.partitions}, catalog wants {desired.partitions}")
    for key, wanted in sorted(desired.configs.items()):
        actual = existing.configs.get(key)
        if actual != wanted:
            differences.append(f"{key} {actual or 'unset'}, catalog wants {wanted}")
    return PlannedTopic(desired, Action.DRIFT if differences else Action.OK, tuple(differences))
