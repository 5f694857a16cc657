from __future__ import annotations

import pytest

from loom_catalog import CATALOG
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
