from __future__ import annotations

import pytest

from loom_catalog import CATALOG
from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.consumer import Consumed, Handlers
from loom_gateway.errors import ConfigurationError


def test_handlers_are_keyed_by_data_type_name_and_version() -> None:
    handlers = Handlers()

    @handlers.on("device.sensor.gps", 1)
    async def on_gps(reading: Consumed[GPSReading]) -> None:
        return None

    gps = next(d for d in CATALOG.data_types if d.qualified_name == "device.sensor.gps.v1")
    heart = next(d for d in CATALOG.data_types if d.qualified_name == "device.health.heartrate.v1")
    assert handlers.get(gps) is on_gps
    assert handlers.get(heart) is None
    assert list(handlers.keys()) == [("device.sensor.gps", 1)]
    assert len(handlers) == 1


def test_one_handler_per_data_type_version() -> None:
    handlers = Handlers()

    async def handle(reading: Consumed[GPSReading]) -> None:
        return None

    handlers.add("device.sensor.gps", 1, handle)
    with pytest.raises(ConfigurationError, match="already has a handler"):
        handlers.add("device.sensor.gps", 1, handle)
