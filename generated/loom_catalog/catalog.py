# Generated from schemas/ by `python -m codegen generate`; do not edit.
"""The topic catalog: every data type, its model, its Kafka topic and its limits."""

from loom_gateway.catalog import DataType, TopicSpec

from .models.device.app_usage.android.v1 import (
    AndroidAppUsageAggregate as _DEVICE_APP_USAGE_ANDROID_V1_MODEL,
)
from .models.device.audio.v1 import AudioChunkReading as _DEVICE_AUDIO_V1_MODEL
from .models.device.health.heartrate.v1 import (
    HeartRateReading as _DEVICE_HEALTH_HEARTRATE_V1_MODEL,
)
from .models.device.health.steps.v1 import (
    StepCountReading as _DEVICE_HEALTH_STEPS_V1_MODEL,
)
from .models.device.image.camera.v1 import CameraPhoto as _DEVICE_IMAGE_CAMERA_V1_MODEL
from .models.device.metadata.v1 import DeviceMetadataRecord as _DEVICE_METADATA_V1_MODEL
from .models.device.network.bluetooth.v1 import (
    BluetoothDeviceReading as _DEVICE_NETWORK_BLUETOOTH_V1_MODEL,
)
from .models.device.network.wifi.v1 import (
    WiFiNetworkReading as _DEVICE_NETWORK_WIFI_V1_MODEL,
)
from .models.device.registry.activity.v1 import (
    DeviceActivitySlot as _DEVICE_REGISTRY_ACTIVITY_V1_MODEL,
)
from .models.device.registry.devices.v1 import (
    RegisteredDevice as _DEVICE_REGISTRY_DEVICES_V1_MODEL,
)
from .models.device.sensor.accelerometer.v1 import (
    AccelerometerReading as _DEVICE_SENSOR_ACCELEROMETER_V1_MODEL,
)
from .models.device.sensor.barometer.v1 import (
    BarometerReading as _DEVICE_SENSOR_BAROMETER_V1_MODEL,
)
from .models.device.sensor.generic.v1 import (
    GenericSensorReading as _DEVICE_SENSOR_GENERIC_V1_MODEL,
)
from .models.device.sensor.gps.v1 import GPSReading as _DEVICE_SENSOR_GPS_V1_MODEL
from .models.device.sensor.temperature.v1 import (
    TemperatureReading as _DEVICE_SENSOR_TEMPERATURE_V1_MODEL,
)
from .models.device.state.power.v1 import (
    PowerStateReading as _DEVICE_STATE_POWER_V1_MODEL,
)
from .models.device.system.apps.android.v1 import (
    AndroidRunningApplicationsSnapshot as _DEVICE_SYSTEM_APPS_ANDROID_V1_MODEL,
)
from .models.device.system.apps.macos.v1 import (
    MacOSRunningApplicationsSnapshot as _DEVICE_SYSTEM_APPS_MACOS_V1_MODEL,
)
from .models.device.video.screen.v1 import (
    ScreenshotImage as _DEVICE_VIDEO_SCREEN_V1_MODEL,
)
from .models.digital.clipboard.v1 import ClipboardEntry as _DIGITAL_CLIPBOARD_V1_MODEL
from .models.digital.web_analytics.v1 import (
    WebAnalyticsEvent as _DIGITAL_WEB_ANALYTICS_V1_MODEL,
)
from .models.external.calendar.events.v1 import (
    CalendarEvent as _EXTERNAL_CALENDAR_EVENTS_V1_MODEL,
)
from .models.external.email.events.v1 import (
    EmailEvent as _EXTERNAL_EMAIL_EVENTS_V1_MODEL,
)
from .models.external.twitter.liked.v1 import (
    LikedTweet as _EXTERNAL_TWITTER_LIKED_V1_MODEL,
)
from .models.gateway.quarantine.v1 import (
    QuarantinedReading as _GATEWAY_QUARANTINE_V1_MODEL,
)
from .models.os.events.app_lifecycle.v1 import (
    AppLifecycleEvent as _OS_EVENTS_APP_LIFECYCLE_V1_MODEL,
)
from .models.os.events.notifications.v1 import (
    NotificationEvent as _OS_EVENTS_NOTIFICATIONS_V1_MODEL,
)
from .models.os.events.system.v1 import OSSystemEvent as _OS_EVENTS_SYSTEM_V1_MODEL
from .models.task.url.v1 import URLIngestionTask as _TASK_URL_V1_MODEL

__all__ = [
    "DATA_TYPES",
    "DEVICE_APP_USAGE_ANDROID_V1",
    "DEVICE_AUDIO_V1",
    "DEVICE_HEALTH_HEARTRATE_V1",
    "DEVICE_HEALTH_STEPS_V1",
    "DEVICE_IMAGE_CAMERA_V1",
    "DEVICE_METADATA_V1",
    "DEVICE_NETWORK_BLUETOOTH_V1",
    "DEVICE_NETWORK_WIFI_V1",
    "DEVICE_REGISTRY_ACTIVITY_V1",
    "DEVICE_REGISTRY_DEVICES_V1",
    "DEVICE_SENSOR_ACCELEROMETER_V1",
    "DEVICE_SENSOR_BAROMETER_V1",
    "DEVICE_SENSOR_GENERIC_V1",
    "DEVICE_SENSOR_GPS_V1",
    "DEVICE_SENSOR_TEMPERATURE_V1",
    "DEVICE_STATE_POWER_V1",
    "DEVICE_SYSTEM_APPS_ANDROID_V1",
    "DEVICE_SYSTEM_APPS_MACOS_V1",
    "DEVICE_VIDEO_SCREEN_V1",
    "DIGITAL_CLIPBOARD_V1",
    "DIGITAL_WEB_ANALYTICS_V1",
    "EXTERNAL_CALENDAR_EVENTS_V1",
    "EXTERNAL_EMAIL_EVENTS_V1",
    "EXTERNAL_TWITTER_LIKED_V1",
    "GATEWAY_QUARANTINE_V1",
    "OS_EVENTS_APP_LIFECYCLE_V1",
    "OS_EVENTS_NOTIFICATIONS_V1",
    "OS_EVENTS_SYSTEM_V1",
    "TASK_URL_V1",
]

DEVICE_APP_USAGE_ANDROID_V1 = DataType(
    name="device.app_usage.android",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/app_usage/android/v1.json",
    title="Android app usage aggregate",
    model=_DEVICE_APP_USAGE_ANDROID_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.app_usage.android.aggregated",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=262144,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1101886753,
)
"""Schema: device/app_usage/android/v1.json"""

DEVICE_AUDIO_V1 = DataType(
    name="device.audio",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/audio/v1.json",
    title="Audio chunk reading",
    model=_DEVICE_AUDIO_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.audio.raw",
        retention_ms=604800000,
        compression="zstd",
        max_message_bytes=8388608,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=16777216,
    max_batch_items=16,
    kind="reading",
    avro_schema_id=140520075,
)
"""Schema: device/audio/v1.json"""

DEVICE_HEALTH_HEARTRATE_V1 = DataType(
    name="device.health.heartrate",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/health/heartrate/v1.json",
    title="Heart rate reading",
    model=_DEVICE_HEALTH_HEARTRATE_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.health.heartrate.raw",
        retention_ms=5184000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1821980710,
)
"""Schema: device/health/heartrate/v1.json"""

DEVICE_HEALTH_STEPS_V1 = DataType(
    name="device.health.steps",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/health/steps/v1.json",
    title="Step count reading",
    model=_DEVICE_HEALTH_STEPS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.health.steps.raw",
        retention_ms=5184000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=2056460653,
)
"""Schema: device/health/steps/v1.json"""

DEVICE_IMAGE_CAMERA_V1 = DataType(
    name="device.image.camera",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/image/camera/v1.json",
    title="Camera photo",
    model=_DEVICE_IMAGE_CAMERA_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.image.camera.raw",
        retention_ms=604800000,
        compression="zstd",
        max_message_bytes=12582912,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=16777216,
    max_batch_items=4,
    kind="reading",
    avro_schema_id=2014791518,
)
"""Schema: device/image/camera/v1.json"""

DEVICE_METADATA_V1 = DataType(
    name="device.metadata",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/metadata/v1.json",
    title="Device metadata record",
    model=_DEVICE_METADATA_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.metadata.raw",
        retention_ms=7776000000,
        compression="zstd",
        max_message_bytes=262144,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=2028555820,
)
"""Schema: device/metadata/v1.json"""

DEVICE_NETWORK_BLUETOOTH_V1 = DataType(
    name="device.network.bluetooth",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/network/bluetooth/v1.json",
    title="Bluetooth device reading",
    model=_DEVICE_NETWORK_BLUETOOTH_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.network.bluetooth.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1606122392,
)
"""Schema: device/network/bluetooth/v1.json"""

DEVICE_NETWORK_WIFI_V1 = DataType(
    name="device.network.wifi",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/network/wifi/v1.json",
    title="WiFi network reading",
    model=_DEVICE_NETWORK_WIFI_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.network.wifi.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1104320315,
)
"""Schema: device/network/wifi/v1.json"""

DEVICE_REGISTRY_ACTIVITY_V1 = DataType(
    name="device.registry.activity",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/registry/activity/v1.json",
    title="Device activity slot",
    model=_DEVICE_REGISTRY_ACTIVITY_V1_MODEL,
    key_field="slot",
    topic=TopicSpec(
        name="device.registry.activity.state",
        retention_ms=315360000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=1,
        cleanup_policy="compact",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="device-activity",
    avro_schema_id=563837664,
)
"""Schema: device/registry/activity/v1.json"""

DEVICE_REGISTRY_DEVICES_V1 = DataType(
    name="device.registry.devices",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/registry/devices/v1.json",
    title="Registered device",
    model=_DEVICE_REGISTRY_DEVICES_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.registry.devices.state",
        retention_ms=315360000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=1,
        cleanup_policy="compact",
    ),
    max_body_bytes=65536,
    max_batch_items=1000,
    kind="device-registry",
    avro_schema_id=647071667,
)
"""Schema: device/registry/devices/v1.json"""

DEVICE_SENSOR_ACCELEROMETER_V1 = DataType(
    name="device.sensor.accelerometer",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/sensor/accelerometer/v1.json",
    title="Accelerometer reading",
    model=_DEVICE_SENSOR_ACCELEROMETER_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.sensor.accelerometer.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1170860645,
)
"""Schema: device/sensor/accelerometer/v1.json"""

DEVICE_SENSOR_BAROMETER_V1 = DataType(
    name="device.sensor.barometer",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/sensor/barometer/v1.json",
    title="Barometer reading",
    model=_DEVICE_SENSOR_BAROMETER_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.sensor.barometer.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=413905972,
)
"""Schema: device/sensor/barometer/v1.json"""

DEVICE_SENSOR_GENERIC_V1 = DataType(
    name="device.sensor.generic",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/sensor/generic/v1.json",
    title="Generic sensor reading",
    model=_DEVICE_SENSOR_GENERIC_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.sensor.generic.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=341462190,
)
"""Schema: device/sensor/generic/v1.json"""

DEVICE_SENSOR_GPS_V1 = DataType(
    name="device.sensor.gps",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/sensor/gps/v1.json",
    title="GPS reading",
    model=_DEVICE_SENSOR_GPS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.sensor.gps.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1966263140,
)
"""Schema: device/sensor/gps/v1.json"""

DEVICE_SENSOR_TEMPERATURE_V1 = DataType(
    name="device.sensor.temperature",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/sensor/temperature/v1.json",
    title="Temperature reading",
    model=_DEVICE_SENSOR_TEMPERATURE_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.sensor.temperature.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=396587738,
)
"""Schema: device/sensor/temperature/v1.json"""

DEVICE_STATE_POWER_V1 = DataType(
    name="device.state.power",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/state/power/v1.json",
    title="Power state reading",
    model=_DEVICE_STATE_POWER_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.state.power.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=522081108,
)
"""Schema: device/state/power/v1.json"""

DEVICE_SYSTEM_APPS_ANDROID_V1 = DataType(
    name="device.system.apps.android",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/system/apps/android/v1.json",
    title="Android running applications snapshot",
    model=_DEVICE_SYSTEM_APPS_ANDROID_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.system.apps.android.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=262144,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1621318998,
)
"""Schema: device/system/apps/android/v1.json"""

DEVICE_SYSTEM_APPS_MACOS_V1 = DataType(
    name="device.system.apps.macos",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/system/apps/macos/v1.json",
    title="macOS running applications snapshot",
    model=_DEVICE_SYSTEM_APPS_MACOS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.system.apps.macos.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=262144,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1216984516,
)
"""Schema: device/system/apps/macos/v1.json"""

DEVICE_VIDEO_SCREEN_V1 = DataType(
    name="device.video.screen",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/device/video/screen/v1.json",
    title="Screenshot image",
    model=_DEVICE_VIDEO_SCREEN_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="device.video.screen.raw",
        retention_ms=604800000,
        compression="zstd",
        max_message_bytes=12582912,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=16777216,
    max_batch_items=4,
    kind="reading",
    avro_schema_id=1902481260,
)
"""Schema: device/video/screen/v1.json"""

DIGITAL_CLIPBOARD_V1 = DataType(
    name="digital.clipboard",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/digital/clipboard/v1.json",
    title="Clipboard entry",
    model=_DIGITAL_CLIPBOARD_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="digital.clipboard.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=524288,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=36727755,
)
"""Schema: digital/clipboard/v1.json"""

DIGITAL_WEB_ANALYTICS_V1 = DataType(
    name="digital.web_analytics",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/digital/web_analytics/v1.json",
    title="Web analytics event",
    model=_DIGITAL_WEB_ANALYTICS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="digital.web_analytics.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1673774025,
)
"""Schema: digital/web_analytics/v1.json"""

EXTERNAL_CALENDAR_EVENTS_V1 = DataType(
    name="external.calendar.events",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/external/calendar/events/v1.json",
    title="Calendar event",
    model=_EXTERNAL_CALENDAR_EVENTS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="external.calendar.events.raw",
        retention_ms=7776000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1585543845,
)
"""Schema: external/calendar/events/v1.json"""

EXTERNAL_EMAIL_EVENTS_V1 = DataType(
    name="external.email.events",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/external/email/events/v1.json",
    title="Email event",
    model=_EXTERNAL_EMAIL_EVENTS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="external.email.events.raw",
        retention_ms=7776000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1394057531,
)
"""Schema: external/email/events/v1.json"""

EXTERNAL_TWITTER_LIKED_V1 = DataType(
    name="external.twitter.liked",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/external/twitter/liked/v1.json",
    title="Liked tweet",
    model=_EXTERNAL_TWITTER_LIKED_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="external.twitter.liked.raw",
        retention_ms=7776000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=453737038,
)
"""Schema: external/twitter/liked/v1.json"""

GATEWAY_QUARANTINE_V1 = DataType(
    name="gateway.quarantine",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/gateway/quarantine/v1.json",
    title="Quarantined reading",
    model=_GATEWAY_QUARANTINE_V1_MODEL,
    key_field="source",
    topic=TopicSpec(
        name="gateway.readings.refused.quarantine",
        retention_ms=604800000,
        compression="zstd",
        max_message_bytes=1048576,
        partitions=3,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="quarantine",
    avro_schema_id=472415824,
)
"""Schema: gateway/quarantine/v1.json"""

OS_EVENTS_APP_LIFECYCLE_V1 = DataType(
    name="os.events.app_lifecycle",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/os/events/app_lifecycle/v1.json",
    title="App lifecycle event",
    model=_OS_EVENTS_APP_LIFECYCLE_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="os.events.app_lifecycle.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=30179611,
)
"""Schema: os/events/app_lifecycle/v1.json"""

OS_EVENTS_NOTIFICATIONS_V1 = DataType(
    name="os.events.notifications",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/os/events/notifications/v1.json",
    title="Notification event",
    model=_OS_EVENTS_NOTIFICATIONS_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="os.events.notifications.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1708260080,
)
"""Schema: os/events/notifications/v1.json"""

OS_EVENTS_SYSTEM_V1 = DataType(
    name="os.events.system",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/os/events/system/v1.json",
    title="OS system event",
    model=_OS_EVENTS_SYSTEM_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="os.events.system.raw",
        retention_ms=2592000000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=2052877678,
)
"""Schema: os/events/system/v1.json"""

TASK_URL_V1 = DataType(
    name="task.url",
    version=1,
    schema_id="https://schemas.loom-gateway.dev/task/url/v1.json",
    title="URL ingestion task",
    model=_TASK_URL_V1_MODEL,
    key_field="device_id",
    topic=TopicSpec(
        name="task.url.ingest",
        retention_ms=604800000,
        compression="zstd",
        max_message_bytes=65536,
        partitions=None,
        cleanup_policy="delete",
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
    kind="reading",
    avro_schema_id=1884684422,
)
"""Schema: task/url/v1.json"""

DATA_TYPES: tuple[DataType, ...] = (
    DEVICE_APP_USAGE_ANDROID_V1,
    DEVICE_AUDIO_V1,
    DEVICE_HEALTH_HEARTRATE_V1,
    DEVICE_HEALTH_STEPS_V1,
    DEVICE_IMAGE_CAMERA_V1,
    DEVICE_METADATA_V1,
    DEVICE_NETWORK_BLUETOOTH_V1,
    DEVICE_NETWORK_WIFI_V1,
    DEVICE_REGISTRY_ACTIVITY_V1,
    DEVICE_REGISTRY_DEVICES_V1,
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
    GATEWAY_QUARANTINE_V1,
    OS_EVENTS_APP_LIFECYCLE_V1,
    OS_EVENTS_NOTIFICATIONS_V1,
    OS_EVENTS_SYSTEM_V1,
    TASK_URL_V1,
)
