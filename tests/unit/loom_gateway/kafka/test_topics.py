"""loom_gateway.kafka.topics: the topics the catalog wants, and how they compare with the cluster's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pytest

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_AUDIO_V1, DEVICE_SENSOR_GPS_V1
from loom_gateway.catalog import Catalog, Kind, Route
from loom_gateway.kafka.topics import (
    Action,
    DesiredTopic,
    ExistingTopic,
    PlannedTopic,
    TopicAdmin,
    _compare,
    desired_topics,
)
from loom_gateway.settings import load_settings

GPS_WITH_PARTITIONS = replace(DEVICE_SENSOR_GPS_V1, topic=replace(DEVICE_SENSOR_GPS_V1.topic, partitions=3))

WANTED = DesiredTopic(
    name="device.sensor.gps.raw",
    partitions=6,
    replication_factor=3,
    configs={
        "retention.ms": "2592000000",
        "compression.type": "zstd",
        "max.message.bytes": "65536",
        "cleanup.policy": "delete",
    },
)


def test_desired_topics_fill_in_the_deployment_defaults() -> None:
    catalog = Catalog(
        data_types=(GPS_WITH_PARTITIONS, DEVICE_AUDIO_V1),
        routes=(Route("/sensor/gps", GPS_WITH_PARTITIONS), Route("/audio/upload", DEVICE_AUDIO_V1)),
    )
    settings = load_settings(kafka_default_partitions=12, kafka_default_replication_factor=3)

    assert desired_topics(catalog, settings) == [
        DesiredTopic(
            name="device.sensor.gps.raw",
            partitions=3,
            replication_factor=3,
            configs={
                "retention.ms": "2592000000",
                "compression.type": "zstd",
                "max.message.bytes": "65536",
                "cleanup.policy": "delete",
            },
        ),
        DesiredTopic(
            name="device.audio.raw",
            partitions=12,
            replication_factor=3,
            configs={
                "retention.ms": "604800000",
                "compression.type": "zstd",
                "max.message.bytes": "8388608",
                "cleanup.policy": "delete",
            },
        ),
    ]


def test_desired_topics_say_uncompressed_for_codec_none() -> None:
    plain = replace(DEVICE_SENSOR_GPS_V1, topic=replace(DEVICE_SENSOR_GPS_V1.topic, compression="none"))
    catalog = Catalog(data_types=(plain,), routes=())

    [topic] = desired_topics(catalog, load_settings())

    assert topic.configs["compression.type"] == "uncompressed"


def test_a_compacted_topic_keeps_its_policy_and_its_own_partition_count() -> None:
    state = replace(
        DEVICE_SENSOR_GPS_V1,
        topic=replace(DEVICE_SENSOR_GPS_V1.topic, partitions=1, cleanup_policy="compact"),
        kind="device-registry",
    )
    catalog = Catalog(data_types=(state,), routes=())

    [topic] = desired_topics(catalog, load_settings(kafka_default_partitions=12))

    assert topic.partitions == 1
    assert topic.configs["cleanup.policy"] == "compact"


def test_desired_topics_cover_the_generated_catalog_once_each() -> None:
    topics = desired_topics(CATALOG, load_settings(quarantine_enabled=True))

    assert [topic.name for topic in topics] == [topic.name for topic in CATALOG.topics()]
    # Readings take the deployment's default (6); registries may declare their own count.
    assert [topic.partitions for topic in topics] == [spec.partitions or 6 for spec in CATALOG.topics()]
    reading_topics = {data_type.topic.name for data_type in CATALOG.readings()}
    assert {topic.partitions for topic in topics if topic.name in reading_topics} == {6}
    assert {topic.replication_factor for topic in topics} == {1}
    assert [topic.configs["cleanup.policy"] for topic in topics] == [
        spec.cleanup_policy for spec in CATALOG.topics()
    ]
    assert all(isinstance(value, str) for topic in topics for value in topic.configs.values())


def test_the_quarantine_topic_is_wanted_only_when_quarantine_is_on() -> None:
    quarantine = CATALOG.of_kind("quarantine")
    assert quarantine is not None

    off = [topic.name for topic in desired_topics(CATALOG, load_settings())]
    on = [topic.name for topic in desired_topics(CATALOG, load_settings(quarantine_enabled=True))]

    assert quarantine.topic.name not in off
    assert set(on) - set(off) == {quarantine.topic.name}


@pytest.mark.parametrize("kind", ["device-registry", "device-activity"])
def test_the_registry_topics_are_compacted(kind: Kind) -> None:
    registry = CATALOG.of_kind(kind)
    assert registry is not None

    [topic] = [
        topic for topic in desired_topics(CATALOG, load_settings()) if topic.name == registry.topic.name
    ]

    assert topic.configs["cleanup.policy"] == "compact"
    assert topic.partitions == (registry.topic.partitions or 6)


def test_a_missing_topic_is_to_be_created() -> None:
    assert _compare(WANTED, None) == PlannedTopic(WANTED, Action.CREATE, ())


def test_a_matching_topic_is_ok_whatever_else_it_configures() -> None:
    existing = ExistingTopic(
        name=WANTED.name, partitions=6, configs={**WANTED.configs, "segment.ms": "604800000"}
    )

    assert _compare(WANTED, existing) == PlannedTopic(WANTED, Action.OK, ())


def test_a_differing_topic_is_drift_with_every_difference_in_key_order() -> None:
    existing = ExistingTopic(
        name=WANTED.name,
        partitions=3,
        configs={"retention.ms": "604800000", "compression.type": "producer"},
    )

    planned = _compare(WANTED, existing)

    assert planned == PlannedTopic(
        WANTED,
        Action.DRIFT,
        (
            "partitions 3, catalog wants 6",
            "cleanup.policy unset, catalog wants delete",
            "compression.type producer, catalog wants zstd",
            "max.message.bytes unset, catalog wants 65536",
            "retention.ms 604800000, catalog wants 2592000000",
        ),
    )
    assert planned.describe() == (
        "device.sensor.gps.raw: drift (partitions 3, catalog wants 6; "
        "cleanup.policy unset, catalog wants delete; "
        "compression.type producer, catalog wants zstd; "
        "max.message.bytes unset, catalog wants 65536; "
        "retention.ms 604800000, catalog wants 2592000000)"
    )


def test_a_compacted_topic_found_with_delete_is_drift() -> None:
    compacted = replace(WANTED, configs={**WANTED.configs, "cleanup.policy": "compact"})
    existing = ExistingTopic(name=WANTED.name, partitions=6, configs=dict(WANTED.configs))

    assert _compare(compacted, existing) == PlannedTopic(
        compacted, Action.DRIFT, ("cleanup.policy delete, catalog wants compact",)
    )


@pytest.mark.parametrize(("action", "text"), [(Action.CREATE, "create"), (Action.OK, "ok")])
def test_describe_create_and_ok(action: Action, text: str) -> None:
    assert PlannedTopic(WANTED, action).describe() == f"device.sensor.gps.raw: {text}"


def test_plan_compares_each_desired_topic_with_what_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    other = replace(WANTED, name="device.audio.raw")
    third = replace(WANTED, name="device.state.power.raw")
    asked: list[list[str]] = []

    def existing(_: TopicAdmin, names: Iterable[str]) -> dict[str, ExistingTopic]:
        asked.append(list(names))
        return {
            WANTED.name: ExistingTopic(WANTED.name, 6, dict(WANTED.configs)),
            third.name: ExistingTopic(third.name, 1, dict(WANTED.configs)),
        }

    monkeypatch.setattr(TopicAdmin, "existing", existing)
    admin = object.__new__(TopicAdmin)  # no AdminClient: nothing connects

    plan = admin.plan([WANTED, other, third])

    assert asked == [[WANTED.name, other.name, third.name]]
    assert plan == [
        PlannedTopic(WANTED, Action.OK, ()),
        PlannedTopic(other, Action.CREATE, ()),
        PlannedTopic(third, Action.DRIFT, ("partitions 1, catalog wants 6",)),
    ]
