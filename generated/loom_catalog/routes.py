# Generated from schemas/ by `python -m codegen generate`; do not edit.
"""The route table: which HTTP path or WebSocket accepts which data type."""

from loom_gateway.catalog import Dispatch, Route, Stream

from .catalog import (
    DEVICE_APP_USAGE_ANDROID_V1,
    DEVICE_AUDIO_V1,
    DEVICE_HEALTH_HEARTRATE_V1,
    DEVICE_HEALTH_STEPS_V1,
    DEVICE_IMAGE_CAMERA_V1,
    DEVICE_METADATA_V1,
    DEVICE_NETWORK_BLUETOOTH_V1,
    DEVICE_NETWORK_WIFI_V1,
    DEVICE_SENSOR_ACCELEROMETER_V1,
    DEVICE_SENSOR_BAROMETER_V1,
    DEVICE_SENSOR_GENERIC_V1,
    DEVICE_SENSOR_GPS_V1,
    DEVICE_SENSOR_TEMPERATURE_V1,
    DEVICE_STATE_POWER_V1,
    DEVICE_SYSTEM_APPS_ANDROID_V1,
    DEVICE_SYSTEM_APPS_MACOS_V1,
    DEVICE_VIDEO_SCREEN_V1,
    DIGITAL_CLIPBOARD_V1,
    DIGITAL_WEB_ANALYTICS_V1,
    EXTERNAL_CALENDAR_EVENTS_V1,
    EXTERNAL_EMAIL_EVENTS_V1,
    EXTERNAL_TWITTER_LIKED_V1,
    OS_EVENTS_APP_LIFECYCLE_V1,
    OS_EVENTS_NOTIFICATIONS_V1,
    OS_EVENTS_SYSTEM_V1,
    TASK_URL_V1,
)

__all__ = ["DISPATCHES", "ROUTES", "STREAMS"]

ROUTES: tuple[Route, ...] = (
    Route("/audio/upload", DEVICE_AUDIO_V1),
    Route("/device/metadata", DEVICE_METADATA_V1),
    Route("/digital/clipboard", DIGITAL_CLIPBOARD_V1),
    Route("/digital/web-analytics", DIGITAL_WEB_ANALYTICS_V1),
    Route("/external/calendar/events", EXTERNAL_CALENDAR_EVENTS_V1),
    Route("/external/email/events", EXTERNAL_EMAIL_EVENTS_V1),
    Route("/external/twitter/liked", EXTERNAL_TWITTER_LIKED_V1),
    Route("/images/screenshot", DEVICE_VIDEO_SCREEN_V1),
    Route("/images/upload", DEVICE_IMAGE_CAMERA_V1),
    Route("/os-events/app-lifecycle", OS_EVENTS_APP_LIFECYCLE_V1),
    Route("/os-events/notifications", OS_EVENTS_NOTIFICATIONS_V1),
    Route("/os-events/system", OS_EVENTS_SYSTEM_V1),
    Route("/sensor/accelerometer", DEVICE_SENSOR_ACCELEROMETER_V1),
    Route("/sensor/barometer", DEVICE_SENSOR_BAROMETER_V1),
    Route("/sensor/bluetooth", DEVICE_NETWORK_BLUETOOTH_V1),
    Route("/sensor/generic", DEVICE_SENSOR_GENERIC_V1),
    Route("/sensor/gps", DEVICE_SENSOR_GPS_V1),
    Route("/sensor/heartrate", DEVICE_HEALTH_HEARTRATE_V1),
    Route("/sensor/power", DEVICE_STATE_POWER_V1),
    Route("/sensor/steps", DEVICE_HEALTH_STEPS_V1),
    Route("/sensor/temperature", DEVICE_SENSOR_TEMPERATURE_V1),
    Route("/sensor/wifi", DEVICE_NETWORK_WIFI_V1),
    Route("/system/apps/android", DEVICE_SYSTEM_APPS_ANDROID_V1),
    Route("/system/apps/android/usage", DEVICE_APP_USAGE_ANDROID_V1),
    Route("/system/apps/macos", DEVICE_SYSTEM_APPS_MACOS_V1),
    Route("/system/metadata", DEVICE_METADATA_V1),
    Route("/tasks/url", TASK_URL_V1),
)

STREAMS: tuple[Stream, ...] = (Stream("/audio/stream/{device_id}", DEVICE_AUDIO_V1),)

DISPATCHES: tuple[Dispatch, ...] = (
    Dispatch(
        path="/sensor/batch",
        data_type=DEVICE_SENSOR_GENERIC_V1,
        discriminator="sensor_type",
        payload="value",
        targets={
            "accelerometer": DEVICE_SENSOR_ACCELEROMETER_V1,
            "barometer": DEVICE_SENSOR_BAROMETER_V1,
            "bluetooth": DEVICE_NETWORK_BLUETOOTH_V1,
            "gps": DEVICE_SENSOR_GPS_V1,
            "heartrate": DEVICE_HEALTH_HEARTRATE_V1,
            "power": DEVICE_STATE_POWER_V1,
            "steps": DEVICE_HEALTH_STEPS_V1,
            "temperature": DEVICE_SENSOR_TEMPERATURE_V1,
            "wifi": DEVICE_NETWORK_WIFI_V1,
        },
    ),
)
