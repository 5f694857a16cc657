"""The app's lifespan: what it sets up for the process while it runs, and gives back after."""

from __future__ import annotations

import gc

import pytest

from loom_catalog import CATALOG
from loom_gateway.settings import Settings
from tests.support.gateway import running_gateway

pytestmark = pytest.mark.kafka


def test_start_up_objects_are_frozen_out_of_the_collector_while_the_app_runs_and_released_after(
    gateway_settings: Settings,
) -> None:
    before = gc.get_threshold()

    with running_gateway(gateway_settings, CATALOG) as client:
        running = gc.get_threshold(), gc.get_freeze_count()
        assert client.post("/sensor/gps", json={}).status_code == 422  # it serves meanwhile

    assert running[0][0] == 20_000  # a young generation sized for the readings in flight
    assert running[1] > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
