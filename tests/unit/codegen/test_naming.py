"""codegen.naming: every name the generator derives from a schema's path."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from codegen import naming


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("device/sensor/gps/v1.json", "device.sensor.gps"),
        ("device/system/apps/android/v2.json", "device.system.apps.android"),
        ("common/v1.json", "common"),
    ],
)
def test_data_type_name_is_the_dotted_directory(path: str, expected: str) -> None:
    assert naming.data_type_name(PurePosixPath(path)) == expected


def test_data_type_name_ignores_the_version() -> None:
    v1 = naming.data_type_name(PurePosixPath("device/sensor/gps/v1.json"))
    v2 = naming.data_type_name(PurePosixPath("device/sensor/gps/v2.json"))
    assert v1 == v2


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("device/sensor/gps/v1.json", "DEVICE_SENSOR_GPS_V1"),
        ("device/state/power/v12.json", "DEVICE_STATE_POWER_V12"),
        ("device/system/apps/macos/v3.json", "DEVICE_SYSTEM_APPS_MACOS_V3"),
    ],
)
def test_constant_name(path: str, expected: str) -> None:
    assert naming.constant_name(PurePosixPath(path)) == expected


def test_constant_name_refuses_a_file_not_named_by_version() -> None:
    with pytest.raises(ValueError, match=r"is not named v<N>\.json"):
        naming.constant_name(PurePosixPath("device/sensor/gps/latest.json"))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("device/sensor/gps/v1.json", "device.sensor.gps.v1"),
        ("common/v1.json", "common.v1"),
        ("device/audio/v10.json", "device.audio.v10"),
    ],
)
def test_module_path(path: str, expected: str) -> None:
    assert naming.module_path(PurePosixPath(path)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("v1.json", 1), ("v2.json", 2), ("v10.json", 10), ("v123.json", 123)],
)
def test_version_of(name: str, expected: int) -> None:
    assert naming.version_of(PurePosixPath("device/sensor/gps") / name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "v0.json",
        "v01.json",
        "V1.json",
        "v1.JSON",
        "v1.yaml",
        "v1.json.bak",
        "vx.json",
        "1.json",
        "gps.json",
        "v-1.json",
    ],
)
def test_version_of_refuses_other_file_names(name: str) -> None:
    path = PurePosixPath("device/sensor/gps") / name
    with pytest.raises(ValueError, match=r"^device/sensor/gps/.* is not named v<N>\.json$"):
        naming.version_of(path)


@pytest.mark.parametrize(
    ("duration", "milliseconds"),
    [
        ("P30D", 30 * 24 * 60 * 60 * 1000),
        ("P1D", 86_400_000),
        ("P365D", 31_536_000_000),
        ("PT12H", 43_200_000),
        ("PT1H", 3_600_000),
        ("PT36H", 129_600_000),
    ],
)
def test_retention_ms(duration: str, milliseconds: int) -> None:
    assert naming.retention_ms(duration) == milliseconds


@pytest.mark.parametrize(
    "duration",
    [
        "",
        "30D",
        "P30",
        "p30d",
        "P30d",
        " P30D",
        "P30D ",
        "P",
        "PT",
        "P1W",
        "P1M",
        "P1Y",
        "PT30M",
        "PT90S",
        "P1DT12H",
        "P1.5D",
        "P-1D",
        "P+1D",
        "30",
    ],
)
def test_retention_ms_refuses_anything_but_whole_days_or_hours(duration: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration in whole days \(P30D\) or hours \(PT12H\)"):
        naming.retention_ms(duration)


def test_retention_ms_names_the_bad_value() -> None:
    with pytest.raises(ValueError, match=r"^'P1W' is not a duration"):
        naming.retention_ms("P1W")


@pytest.mark.parametrize(
    ("title", "class_name"),
    [
        ("GPS reading", "GPSReading"),
        ("Heart rate reading", "HeartRateReading"),
        ("macOS running applications snapshot", "MacOSRunningApplicationsSnapshot"),
        ("Door-state event", "DoorStateEvent"),
        ("Audio chunk (v2) reading", "AudioChunkV2Reading"),
        ("snake_case title", "SnakeCaseTitle"),
    ],
)
def test_normalise_class_name_matches_a_title_with_its_class(title: str, class_name: str) -> None:
    assert naming.normalise_class_name(title) == naming.normalise_class_name(class_name)


def test_normalise_class_name_keeps_letters_and_digits_only() -> None:
    assert naming.normalise_class_name("GPS reading, v2!") == "gpsreadingv2"


@pytest.mark.parametrize(
    ("first", "second"),
    [("GPS reading", "GPS readings"), ("Reading 1", "Reading 2"), ("Door state", "DoorStateEvent")],
)
def test_normalise_class_name_tells_different_names_apart(first: str, second: str) -> None:
    assert naming.normalise_class_name(first) != naming.normalise_class_name(second)
