# Generated from schemas/ by `python -m codegen generate`; do not edit.
"""The route table: which HTTP path accepts which data type."""

from loom_gateway.catalog import Route

from .catalog import (
    DEVICE_AUDIO_V1,
    DEVICE_HEALTH_HEARTRATE_V1,
    DEVICE_METADATA_V1,
    DEVICE_SENSOR_ACCELEROMETER_V1,
    DEVICE_SENSOR_GPS_V1,
    DEVICE_STATE_POWER_V1,
    DEVICE_SYSTEM_APPS_ANDROID_V1,
    DEVICE_SYSTEM_APPS_MACOS_V1,
)

__all__ = ["ROUTES"]

ROUTES: tuple[Route, ...] = (
    Route("/audio/upload", DEVICE_AUDIO_V1),
    Route("/device/metadata", DEVICE_METADATA_V1),
    Route("/sensor/accelerometer", DEVICE_SENSOR_ACCELEROMETER_V1),
    Route("/sensor/gps", DEVICE_SENSOR_GPS_V1),
    Route("/sensor/heartrate", DEVICE_HEALTH_HEARTRATE_V1),
    Route("/sensor/power", DEVICE_STATE_POWER_V1),
    Route("/system/apps/android", DEVICE_SYSTEM_APPS_ANDROID_V1),
    Route("/system/apps/macos", DEVICE_SYSTEM_APPS_MACOS_V1),
    Route("/system/metadata", DEVICE_METADATA_V1),
)
