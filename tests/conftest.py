"""Session-wide fixtures: one Kafka-protocol broker for the whole run, isolated topics per test."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from loom_gateway.settings import Settings, load_settings
from tests.support.gateway import TEST_API_KEY
from tests.support.redis_server import RedisServer

# Derandomised by default so that CI is repeatable; HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> Iterator[str]:
    """``LOOM_KAFKA_BOOTSTRAP_SERVERS`` when set (any Kafka); otherwise an embedded Tansu broker."""
    configured = os.environ.get("LOOM_KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    with EmbeddedBroker(free_port()) as broker:
        yield broker.bootstrap_servers


@pytest.fixture(scope="session")
def state_store() -> Iterator[RedisServer]:
    """A real redis-server for the shared state store's tests (each uses keys of its own prefix)."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def topic_prefix() -> str:
    """Each test writes to its own topics, so what it reads back is only its own."""
    return f"test{uuid.uuid4().hex[:10]}."


@pytest.fixture
def gateway_settings(kafka_bootstrap_servers: str, topic_prefix: str) -> Settings:
    return load_settings(
        api_keys=json.dumps({TEST_API_KEY: "*"}),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=topic_prefix,
        kafka_default_partitions=3,
        kafka_linger_ms=1,
    )
