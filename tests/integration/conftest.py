"""Fixtures for integration tests that need a broker of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loom_gateway.embedded_broker import EmbeddedBroker, free_port


@pytest.fixture
def broker() -> Iterator[EmbeddedBroker]:
    """A broker for this test alone, which it may pause, kill and restart (never the session's)."""
    broker = EmbeddedBroker(free_port())
    broker.start()
    try:
        yield broker
    finally:
        broker.resume()
        broker.stop()
