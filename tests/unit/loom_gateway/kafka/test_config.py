"""loom_gateway.kafka.config: librdkafka properties derived from the settings."""

from __future__ import annotations

import pytest

from loom_gateway.catalog import Compression
from loom_gateway.kafka.config import admin_config, producer_config, topic_compression
from loom_gateway.settings import Settings, load_settings

SASL = {
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "SCRAM-SHA-512",
    "sasl.username": "loom",
    "sasl.password": "hunter2",
}


def settings(**overrides: object) -> Settings:
    return load_settings(kafka_bootstrap_servers="k1:9092,k2:9092", **overrides)


def test_producer_config_is_idempotent_acks_all_with_the_settings_and_codec() -> None:
    config = producer_config(
        settings(kafka_delivery_timeout_ms=15_000, kafka_linger_ms=2.5, kafka_queue_max_messages=5000),
        "zstd",
        8_388_608,
    )

    assert config == {
        "bootstrap.servers": "k1:9092,k2:9092",
        "client.id": "loom-gateway",
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": "zstd",
        "linger.ms": 2.5,
        "message.timeout.ms": 15_000,
        "queue.buffering.max.messages": 5000,
        "message.max.bytes": 8_388_608 + 64 * 1024,
    }


def test_producer_config_takes_the_users_client_config() -> None:
    config = producer_config(settings(kafka_client_config=SASL), "lz4", 65_536)

    assert {key: config[key] for key in SASL} == SASL
    assert config["bootstrap.servers"] == "k1:9092,k2:9092"


def test_the_users_client_config_cannot_weaken_delivery_guarantees() -> None:
    config = producer_config(
        settings(kafka_client_config={"acks": "1", "enable.idempotence": "false", "client.id": "mine"}),
        "zstd",
        65_536,
    )

    assert (config["acks"], config["enable.idempotence"]) == ("all", True)
    assert config["client.id"] == "mine"


def test_admin_config_is_the_common_part() -> None:
    assert admin_config(settings(kafka_client_config=SASL)) == {
        "bootstrap.servers": "k1:9092,k2:9092",
        "client.id": "loom-gateway",
        **SASL,
    }


def test_the_producer_codec_none_is_passed_as_is() -> None:
    assert producer_config(settings(), "none", 1)["compression.type"] == "none"


@pytest.mark.parametrize(
    ("codec", "topic_level"),
    [("none", "uncompressed"), ("gzip", "gzip"), ("snappy", "snappy"), ("lz4", "lz4"), ("zstd", "zstd")],
)
def test_topic_compression(codec: Compression, topic_level: str) -> None:
    assert topic_compression(codec) == topic_level
