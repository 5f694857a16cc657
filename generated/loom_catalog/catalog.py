# Generated from schemas/ by `python -m codegen generate`; do not edit.
"""The topic catalog: every data type, its model, its Kafka topic and its limits."""

from loom_gateway.catalog import DataType, TopicSpec

from .models.device.audio.v1 import AudioChunkReading as _DEVICE_AUDIO_V1_MODEL
from .models.device.health.heartrate.v1 import (
    HeartRateReading as _DEVICE_HEALTH_HEARTRATE_V1_MODEL,
)
from .models.device.metadata.v1 import DeviceMetadataRecord as _DEVICE_METADATA_V1_MODEL
from .models.device.sensor.accelerometer.v1 import (
    AccelerometerReading as _DEVICE_SENSOR_ACCELEROMETER_V1_MODEL,
)
from .models.device.sensor.gps.v1 import GPSReading as _DEVICE_SENSOR_GPS_V1_MODEL
from .models.device.state.power.v1 import (
    PowerStateReading as _DEVICE_STATE_POWER_V1_MODEL,
)
from .models.device.system.apps.android.v1 import (
    AndroidRunningApplicationsSnapshot as _DEVICE_SYSTEM_APPS_ANDROID_V1_MODEL,
)
from .models.device.system.apps.macos.v1 import (
    MacOSRunningApplicationsSnapshot as _DEVICE_SYSTEM_APPS_MACOS_V1_MODEL,
)

__all__ = [
    "DATA_TYPES",
    "DEVICE_AUDIO_V1",
    "DEVICE_HEALTH_HEARTRATE_V1",
    "DEVICE_METADATA_V1",
    "DEVICE_SENSOR_ACCELEROMETER_V1",
    "DEVICE_SENSOR_GPS_V1",
    "DEVICE_STATE_POWER_V1",
    "DEVICE_SYSTEM_APPS_ANDROID_V1",
    "DEVICE_SYSTEM_APPS_MACOS_V1",
]

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
    ),
    max_body_bytes=16777216,
    max_batch_items=16,
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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
)
"""Schema: device/health/heartrate/v1.json"""

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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
)
"""Schema: device/metadata/v1.json"""

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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
)
"""Schema: device/sensor/accelerometer/v1.json"""

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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
)
"""Schema: device/sensor/gps/v1.json"""

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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
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
    ),
    max_body_bytes=1048576,
    max_batch_items=1000,
)
"""Schema: device/system/apps/macos/v1.json"""

DATA_TYPES: tuple[DataType, ...] = (
    DEVICE_AUDIO_V1,
    DEVICE_HEALTH_HEARTRATE_V1,
    DEVICE_METADATA_V1,
    DEVICE_SENSOR_ACCELEROMETER_V1,
    DEVICE_SENSOR_GPS_V1,
    DEVICE_STATE_POWER_V1,
    DEVICE_SYSTEM_APPS_ANDROID_V1,
    DEVICE_SYSTEM_APPS_MACOS_V1,
)
