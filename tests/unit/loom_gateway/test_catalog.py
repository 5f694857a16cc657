"""loom_gateway.catalog: the catalog's shape, topic renaming and loading it by reference."""

from __future__ import annotations

from dataclasses import replace

import pytest

from loom_catalog import CATALOG
from loom_catalog.catalog import DEVICE_METADATA_V1, DEVICE_SENSOR_GPS_V1, DEVICE_STATE_POWER_V1
from loom_gateway.catalog import Catalog, DataType, Route, TopicSpec, load_catalog
from loom_gateway.errors import ConfigurationError
from loom_gateway.settings import load_settings

GPS_V2 = replace(
    DEVICE_SENSOR_GPS_V1, version=2, schema_id="https://schemas.loom-gateway.dev/device/sensor/gps/v2.json"
)


def small_catalog() -> Catalog:
    """GPS v1 and v2 share a topic; power has its own; two routes reach GPS v1."""
    return Catalog(
        data_types=(DEVICE_SENSOR_GPS_V1, DEVICE_STATE_POWER_V1, GPS_V2),
        routes=(
            Route("/sensor/gps", DEVICE_SENSOR_GPS_V1),
            Route("/sensor/power", DEVICE_STATE_POWER_V1),
            Route("/v2/sensor/gps", GPS_V2),
            Route("/gps", DEVICE_SENSOR_GPS_V1),
        ),
    )


def test_qualified_name_adds_the_version() -> None:
    assert DEVICE_SENSOR_GPS_V1.qualified_name == "device.sensor.gps.v1"
    assert GPS_V2.qualified_name == "device.sensor.gps.v2"


def test_topics_yields_each_topic_once_in_catalog_order() -> None:
    assert [topic.name for topic in small_catalog().topics()] == [
        "device.sensor.gps.raw",
        "device.state.power.raw",
    ]


def test_the_generated_catalog_has_one_topic_per_data_type() -> None:
    names = [topic.name for topic in CATALOG.topics()]

    assert names == [data_type.topic.name for data_type in CATALOG.data_types]
    assert len(set(names)) == len(names) == len(CATALOG.data_types)


def test_renamed_renames_every_topic() -> None:
    renamed = small_catalog().renamed(lambda name: f"staging.{name}")

    assert [dt.topic.name for dt in renamed.data_types] == [
        "staging.device.sensor.gps.raw",
        "staging.device.state.power.raw",
        "staging.device.sensor.gps.raw",
    ]
    assert [topic.name for topic in renamed.topics()] == [
        "staging.device.sensor.gps.raw",
        "staging.device.state.power.raw",
    ]


def test_renamed_changes_nothing_but_the_topic_name() -> None:
    [gps, power, gps_v2] = small_catalog().renamed(lambda name: f"staging.{name}").data_types

    assert gps == replace(
        DEVICE_SENSOR_GPS_V1, topic=replace(DEVICE_SENSOR_GPS_V1.topic, name="staging.device.sensor.gps.raw")
    )
    assert power.topic == TopicSpec(
        name="staging.device.state.power.raw",
        retention_ms=DEVICE_STATE_POWER_V1.topic.retention_ms,
        compression=DEVICE_STATE_POWER_V1.topic.compression,
        max_message_bytes=DEVICE_STATE_POWER_V1.topic.max_message_bytes,
        partitions=DEVICE_STATE_POWER_V1.topic.partitions,
    )
    assert gps_v2.version == 2


def test_renamed_routes_reach_the_renamed_data_types() -> None:
    renamed = small_catalog().renamed(lambda name: f"staging.{name}")

    assert [route.path for route in renamed.routes] == [
        "/sensor/gps",
        "/sensor/power",
        "/v2/sensor/gps",
        "/gps",
    ]
    gps, power, gps_v2 = renamed.data_types
    assert [route.data_type for route in renamed.routes] == [gps, power, gps_v2, gps]
    assert all(
        any(route.data_type is data_type for data_type in renamed.data_types) for route in renamed.routes
    )


def test_renamed_with_settings_applies_overrides_and_prefix() -> None:
    settings = load_settings(
        kafka_topic_prefix="dev.", kafka_topic_overrides={"device.metadata.raw": "device-metadata"}
    )

    renamed = CATALOG.renamed(settings.topic_name)

    topics = {route.path: route.data_type.topic.name for route in renamed.routes}
    assert topics == {
        route.path: "dev.device-metadata"
        if route.data_type.topic.name == "device.metadata.raw"
        else f"dev.{route.data_type.topic.name}"
        for route in CATALOG.routes
    }
    assert {
        path: topics[path]
        for path in ("/audio/upload", "/device/metadata", "/sensor/gps", "/system/metadata")
    } == {
        "/audio/upload": "dev.device.audio.raw",
        "/device/metadata": "dev.device-metadata",
        "/sensor/gps": "dev.device.sensor.gps.raw",
        "/system/metadata": "dev.device-metadata",
    }
    assert [topic.name for topic in renamed.topics()] == [
        "dev.device-metadata" if topic.name == "device.metadata.raw" else f"dev.{topic.name}"
        for topic in CATALOG.topics()
    ]


def test_renamed_streams_and_dispatches_reach_the_renamed_data_types() -> None:
    renamed = CATALOG.renamed(lambda name: f"x.{name}")

    assert [stream.path for stream in renamed.streams] == [stream.path for stream in CATALOG.streams]
    for stream, original in zip(renamed.streams, CATALOG.streams, strict=True):
        assert stream.data_type in renamed.data_types
        assert stream.data_type.topic.name == f"x.{original.data_type.topic.name}"
    assert [dispatch.path for dispatch in renamed.dispatches] == [d.path for d in CATALOG.dispatches]
    for dispatch, original in zip(renamed.dispatches, CATALOG.dispatches, strict=True):
        assert (dispatch.discriminator, dispatch.payload) == (original.discriminator, original.payload)
        assert dispatch.data_type.topic.name == f"x.{original.data_type.topic.name}"
        assert dispatch.targets.keys() == original.targets.keys()
        for value, target in dispatch.targets.items():
            assert any(target is data_type for data_type in renamed.data_types)
            assert target.topic.name == f"x.{original.targets[value].topic.name}"


def test_readings_leave_out_the_registries() -> None:
    readings = list(CATALOG.readings())

    assert readings == [data_type for data_type in CATALOG.data_types if data_type.kind == "reading"]
    assert {route.data_type for route in CATALOG.routes} <= set(readings)
    for kind in ("device-registry", "device-activity"):
        registry = CATALOG.of_kind(kind)
        assert registry is not None
        assert registry.kind == kind
        assert registry not in readings


def test_of_kind_is_none_when_the_catalog_has_no_such_data_type() -> None:
    assert small_catalog().of_kind("device-registry") is None


def test_renamed_without_changes_keeps_the_same_data_types() -> None:
    renamed = CATALOG.renamed(lambda name: name)

    assert renamed == CATALOG
    assert all(new is old for new, old in zip(renamed.data_types, CATALOG.data_types, strict=True))


def test_both_metadata_routes_share_one_renamed_data_type() -> None:
    renamed = CATALOG.renamed(lambda name: f"x.{name}")

    by_path = {route.path: route.data_type for route in renamed.routes}
    assert by_path["/system/metadata"] is by_path["/device/metadata"]
    assert by_path["/system/metadata"].schema_id == DEVICE_METADATA_V1.schema_id


def test_load_catalog_by_module_and_attribute() -> None:
    assert load_catalog("loom_catalog:CATALOG") is CATALOG


def test_load_catalog_defaults_the_attribute_to_catalog() -> None:
    assert load_catalog("loom_catalog") is CATALOG


@pytest.mark.parametrize(
    ("reference", "detail"),
    [
        (
            "no_such_catalog:CATALOG",
            "cannot load the catalog 'no_such_catalog:CATALOG': No module named 'no_such_catalog'",
        ),
        (
            "loom_catalog:NOPE",
            "cannot load the catalog 'loom_catalog:NOPE': module 'loom_catalog' has no attribute 'NOPE'",
        ),
        ("loom_catalog:ROUTES", "'loom_catalog:ROUTES' is a tuple, not a Catalog"),
        (
            "loom_catalog.catalog:DEVICE_SENSOR_GPS_V1",
            "'loom_catalog.catalog:DEVICE_SENSOR_GPS_V1' is a DataType, not a Catalog",
        ),
    ],
    ids=["bad-module", "missing-attribute", "wrong-type", "a-data-type"],
)
def test_load_catalog_refuses_a_bad_reference(reference: str, detail: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_catalog(reference)

    assert caught.value.detail == detail


@pytest.mark.parametrize("reference", ["", ":CATALOG", ".relative:CATALOG"])
def test_load_catalog_refuses_a_reference_without_a_module_as_a_configuration_error(reference: str) -> None:
    # LOOM_CATALOG="" (say, an empty Helm value) should fail with a sentence, not a traceback.
    with pytest.raises(ConfigurationError, match=r"is not package\.module:ATTRIBUTE"):
        load_catalog(reference)


def test_data_types_are_hashable_values() -> None:
    same = DataType(
        **{field: getattr(DEVICE_SENSOR_GPS_V1, field) for field in DataType.__dataclass_fields__}
    )

    assert same == DEVICE_SENSOR_GPS_V1
    assert {same: 1}[DEVICE_SENSOR_GPS_V1] == 1
