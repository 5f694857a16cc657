"""loom_gateway.state.notice: serve says once when retries and rate limits hold per worker."""

from __future__ import annotations

import logging

import pytest

from loom_gateway.settings import load_settings
from loom_gateway.state.notice import warn_if_decided_per_worker


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ({"workers": 2}, True),
        ({"workers": 2, "state_url": "redis://:secret@valkey:6379/0"}, False),
        ({"workers": 1}, False),
    ],
)
def test_several_workers_without_a_store_are_warned_about(
    caplog: pytest.LogCaptureFixture, settings: dict[str, object], warned: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="loom_gateway.state"):
        warn_if_decided_per_worker(load_settings(**settings))

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == int(warned)
    assert all("no LOOM_STATE_URL" in message for message in messages)
