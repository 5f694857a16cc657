from __future__ import annotations

from dataclasses import replace

import pytest

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.catalog import Catalog
from loom_gateway.consumer import Subscription, UndecodableRecord
from loom_gateway.errors import ConfigurationError
from tests.unit.loom_gateway.consumer.conftest import gps_body, record, topic_name


def test_topics_come_from_the_catalog_renamed_for_the_deployment(gps_subscription: Subscription) -> None:
    assert gps_subscription.topics() == ["unit.device.sensor.gps.raw"]
    [data_type] = gps_subscription.data_types
    assert (data_type.name, data_type.version) == ("device.sensor.gps", 1)
    assert data_type.topic.name == "unit.device.sensor.gps.raw"


def test_a_record_resolves_to_the_data_type_its_schema_header_names(gps_subscription: Subscription) -> None:
    assert gps_subscription.resolve(record(gps_body())) is gps_subscription.data_types[0]


def test_without_a_schema_header_the_only_data_type_on_the_topic_is_assumed(
    gps_subscription: Subscription,
) -> None:
    assert gps_subscription.resolve(record(gps_body(), schema=None)).qualified_name == "device.sensor.gps.v1"


def test_a_schema_the_topic_does_not_carry_is_undecodable(gps_subscription: Subscription) -> None:
    heart = "https://schemas.loom-gateway.dev/device/health/heartrate/v1.json"
    with pytest.raises(UndecodableRecord, match="does not carry the schema"):
        gps_subscription.resolve(record(gps_body(), schema=heart))
    with pytest.raises(UndecodableRecord, match="does not carry the schema"):
        gps_subscription.resolve(record(gps_body(), schema="https://example.com/nope.json"))


def test_unknown_data_types_and_no_handlers_fail_at_start_up() -> None:
    with pytest.raises(ConfigurationError, match=r"no data type device\.sensor\.gps v9"):
        Subscription.of(CATALOG, [("device.sensor.gps", 9)], topic_name)
    with pytest.raises(ConfigurationError, match="no handlers"):
        Subscription.of(CATALOG, [], topic_name)


def versions_catalog() -> Catalog:
    """gps v1 as generated, a v2 that v1 reads (and reads v1), and a v3 that neither reads."""
    v1 = replace(DEVICE_SENSOR_GPS_V1, reads=(2,))
    v2 = replace(DEVICE_SENSOR_GPS_V1, version=2, schema_id=GPS_ID.format(2), reads=(1,))
    v3 = replace(DEVICE_SENSOR_GPS_V1, version=3, schema_id=GPS_ID.format(3))
    return Catalog(data_types=(v1, v2, v3), routes=())


GPS_ID = "https://schemas.loom-gateway.dev/device/sensor/gps/v{}.json"


def test_a_version_without_a_handler_goes_to_a_handled_version_that_reads_it() -> None:
    subscription = Subscription.of(versions_catalog(), [("device.sensor.gps", 1)], topic_name)
    v1, v2, v3 = (subscription.resolve(record(gps_body(), schema=GPS_ID.format(n))) for n in (1, 2, 3))
    assert subscription.reader(v1) is v1
    assert subscription.reader(v2) is v1
    assert subscription.reader(v3) is None
    assert subscription.unreadable() == {"device.sensor.gps": (3,)}


def test_a_version_with_its_own_handler_keeps_it() -> None:
    keys = [("device.sensor.gps", 1), ("device.sensor.gps", 2)]
    subscription = Subscription.of(versions_catalog(), keys, topic_name)
    v1, v2 = subscription.data_types
    assert (subscription.reader(v1), subscription.reader(v2)) == (v1, v2)
