"""Request bodies exactly as the Loom mobile client sends them (/work/shared/loom-mobile-contract.md).

One body per route of the generated catalog. The reading envelope carries explicit nulls,
local date-times without an offset, ``content_hash`` and ``services_encountered``; OS-style
bodies (``/system/*``, ``/os-events/*``) have neither envelope nor ``message_id`` and leave out
the keys of optionals they have no value for; image bodies have no envelope but a ``message_id``.
Routes the mobile client does not call (``/digital/*``, ``/external/*``, ``/tasks/*``) get a
realistic body of another client, per their schema.
"""

from __future__ import annotations

import base64
import io
import struct
import wave
import zlib
from collections.abc import Callable
from typing import Any

__all__ = [
    "DEVICE_ID",
    "MESSAGE_ID",
    "ROUTE_BODIES",
    "TINY_JPEG_BASE64",
    "device_registration",
    "envelope",
    "gps",
    "tiny_png_base64",
    "tiny_wav_base64",
]

DEVICE_ID = "3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13"
MESSAGE_ID = "7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40"


def envelope(**changes: Any) -> dict[str, Any]:
    """The keys that lead every /sensor/* and /audio/upload body (Dart toIso8601String: 6 digits)."""
    return {
        "device_id": DEVICE_ID,
        "recorded_at": "2025-07-08T16:53:08.123456",
        "timestamp": None,
        "message_id": MESSAGE_ID,
        "trace_id": None,
        "services_encountered": ["mobile-client"],
        "content_hash": "9c1d2e7a5b8c0d13",
        **changes,
    }


def device_registration(**changes: Any) -> dict[str, Any]:
    """A POST /devices body as the Loom mobile client sends it at start-up."""
    return {
        "device_id": DEVICE_ID,
        "name": "Pixel 8",
        "device_type": "mobile_android",
        "platform": "android",
        "model": "Pixel 8",
        "manufacturer": "Google",
        "os_version": "14",
        "app_version": "2.0.0",
        "service_name": None,
        "service_config": None,
        "tags": ["personal"],
        "metadata": {},
        **changes,
    }


def tiny_wav_base64() -> str:
    """Standard base64 (with padding) of a whole 16 kHz mono WAV file, as /audio/upload sends it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(bytes(range(256)) * 4)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def tiny_png_base64() -> str:
    """Standard base64 (with padding) of a whole 1x1 PNG file, as /images/screenshot sends it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x2a\x6f\xb4")  # filter byte, one RGB pixel
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")


TINY_JPEG_BASE64 = (
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)
"""Standard base64 of a minimal 1x1 JPEG file, as /images/upload sends photos."""


def gps() -> dict[str, Any]:
    """A GPS reading with explicit nulls for the optionals the phone did not measure."""
    return {
        **envelope(),
        "latitude": 52.3676,
        "longitude": 4.9041,
        "altitude": None,
        "accuracy": 8.0,
        "heading": None,
        "speed": None,
    }


def _generic() -> dict[str, Any]:
    """A generic reading (SensorData with a sensor_type the app has no typed route for)."""
    return {**envelope(), "sensor_type": "light", "value": {"lux": 320.5}, "unit": "lx", "accuracy": None}


def _accelerometer() -> dict[str, Any]:
    return {**envelope(recorded_at="2025-07-08T16:53:08.123"), "x": 0.0, "y": -0.12, "z": 9.81}


def _heartrate() -> dict[str, Any]:
    return {**envelope(), "bpm": 72, "confidence": None}


def _power() -> dict[str, Any]:
    return {
        **envelope(),
        "battery_level": 78.0,
        "is_charging": True,
        "power_source": "ac_charger",
        "lid_closed": None,
        "thermal_state": None,
    }


def _audio() -> dict[str, Any]:
    return {
        **envelope(),
        "data": tiny_wav_base64(),
        "sample_rate": 16000,
        "channels": 1,
        "format": "wav",
        "duration_ms": 5000,
        "file_id": "chunk_3",
    }


def _app_metadata() -> dict[str, Any]:
    """/system/metadata: no envelope, no message_id, recorded_at with 3 digits (from epoch ms)."""
    return {
        "device_id": DEVICE_ID,
        "recorded_at": "2025-07-08T16:53:08.123",
        "metadata_type": "android_app_info",
        "metadata": {
            "package_name": "com.android.chrome",
            "app_name": "Chrome",
            "version_name": None,
            "version_code": None,
            "install_time": None,
            "update_time": None,
            "permissions": [],
            "is_system_app": False,
        },
    }


def _android_apps() -> dict[str, Any]:
    """/system/apps/android: ``timestamp`` instead of recorded_at; pid 0 for usage-stats-only apps."""
    return {
        "device_id": DEVICE_ID,
        "timestamp": "2025-07-08T16:53:08.123",
        "running_applications": [
            {
                "pid": 0,
                "name": "Maps",
                "package_name": "com.google.android.apps.maps",
                "active": False,
                "hidden": False,
                "launch_date": 0.0,
                "version_code": 1234,
                "version_name": "11.2",
            },
            {
                "pid": 4242,
                "name": "Chrome",
                "package_name": "com.android.chrome",
                "active": True,
                "hidden": False,
                "launch_date": 1720450388123.0,
            },
        ],
    }


def _macos_apps() -> dict[str, Any]:
    """Not a mobile-client route; the shape of the macOS client's snapshot, per its schema."""
    return {
        "device_id": DEVICE_ID,
        "timestamp": "2025-07-08T14:53:08Z",
        "running_applications": [
            {"pid": 501, "name": "Safari", "bundle_id": "com.apple.Safari", "active": True, "hidden": False},
            {"pid": 77, "name": "launchd-helper", "bundle_id": None, "active": False, "hidden": True},
        ],
    }


def _wifi() -> dict[str, Any]:
    """signal_strength is always -50; frequency, channel and security always null."""
    return {
        **envelope(),
        "ssid": "HomeNet-5G",
        "bssid": "a4:91:b1:3c:7e:02",
        "signal_strength": -50,
        "frequency": None,
        "channel": None,
        "security": None,
        "connected": True,
        "ip_address": "192.168.1.37",
    }


def _bluetooth() -> dict[str, Any]:
    return {
        **envelope(),
        "device_name": "Pixel Buds Pro",
        "device_address": "F4:7B:09:2A:C3:18",
        "device_type": None,
        "rssi": None,
        "connected": True,
        "paired": True,
    }


def _temperature() -> dict[str, Any]:
    return {**envelope(), "temperature": 31.0, "unit": "celsius", "sensor_location": None}


def _barometer() -> dict[str, Any]:
    return {**envelope(), "pressure": 1013.0, "unit": "hPa", "altitude": None}


def _steps() -> dict[str, Any]:
    """Not sent by the mobile client at this revision; the envelope as its other readings have it."""
    return {
        **envelope(),
        "steps": 412,
        "interval_start": "2025-07-08T16:48:08.123",
        "interval_end": "2025-07-08T16:53:08.123",
        "cumulative": None,
    }


def _screenshot() -> dict[str, Any]:
    """/images/screenshot: no envelope, ``timestamp`` (no recorded_at), every key sent, a new message_id."""
    image = tiny_png_base64()
    return {
        "device_id": DEVICE_ID,
        "image_data": image,
        "timestamp": "2025-07-08T16:53:08.123456",
        "format": "png",
        "width": 1,
        "height": 1,
        "camera_type": "screen",
        "file_size": len(image) * 3 // 4,
        "metadata": {
            "capture_method": "automatic",
            "image_size": len(base64.b64decode(image)),
            "interval_seconds": 300,
        },
        "message_id": "b7e1c4a9-2f6d-4a3e-8c5b-9d0f1e7a2c36",
    }


def _photo() -> dict[str, Any]:
    """/images/upload: as a screenshot, with jpeg, the camera that took it and its name."""
    return {
        "device_id": DEVICE_ID,
        "image_data": TINY_JPEG_BASE64,
        "timestamp": "2025-07-08T16:53:08.123456",
        "format": "jpeg",
        "width": 1,
        "height": 1,
        "camera_type": "rear",
        "file_size": len(TINY_JPEG_BASE64) * 3 // 4,
        "metadata": {
            "capture_method": "manual",
            "image_size": len(base64.b64decode(TINY_JPEG_BASE64)),
            "camera_name": "0",
        },
        "message_id": "5d2a8f1c-7e3b-4c9d-a6e0-1b4f9c2d8e75",
    }


def _system_event() -> dict[str, Any]:
    """/os-events/system: ``timestamp`` from epoch ms (3 digits); last_screen_on left out (never seen)."""
    return {
        "device_id": DEVICE_ID,
        "timestamp": "2025-07-08T16:53:08.123",
        "event_type": "screen_off",
        "event_category": "screen",
        "severity": "info",
        "description": "Device screen turned off",
        "metadata": {
            "is_screen_on": False,
            "is_device_locked": False,
            "last_screen_off": "2025-07-08T16:53:08.123",
        },
    }


def _app_lifecycle() -> dict[str, Any]:
    """/os-events/app-lifecycle for another app: duration_seconds on background."""
    return {
        "device_id": DEVICE_ID,
        "timestamp": "2025-07-08T16:53:08.123",
        "app_identifier": "com.android.chrome",
        "app_name": "Chrome",
        "event_type": "background",
        "duration_seconds": 184,
        "metadata": {"is_self": False, "current_foreground_app": "com.google.android.apps.maps"},
    }


def _notification() -> dict[str, Any]:
    """/os-events/notifications: device_id may be ``unknown``; ``recorded_at`` (no timestamp);
    metadata without the entries that were null (here tag, sub_text, info_text, ticker_text)."""
    return {
        "device_id": "unknown",
        "recorded_at": "2025-07-08T16:53:08.123456",
        "notification_id": "1021",
        "app_identifier": "com.whatsapp",
        "title": "Alice",
        "body": "See you at 7",
        "action": "posted",
        "metadata": {
            "key": "0|com.whatsapp|1021|null|10243",
            "group_key": "0|com.whatsapp|g:group_key_messages|10243",
            "when": 1751986388101,
            "flags": 8,
            "priority": 1,
            "category": "msg",
            "big_text": "See you at 7 at the new place on Main St",
            "is_clearable": True,
            "is_ongoing": False,
            "is_group": False,
            "channel_id": "individual_chat_defaults_3",
        },
    }


def _android_usage() -> dict[str, Any]:
    """/system/apps/android/usage: recorded_at (6 digits), period and last use from epoch ms (3 digits)."""
    return {
        "device_id": DEVICE_ID,
        "recorded_at": "2025-07-08T16:53:08.123456",
        "aggregation_period_start": "2025-07-08T15:53:08.101",
        "aggregation_period_end": "2025-07-08T16:53:08.101",
        "aggregation_interval_minutes": 60,
        "total_screen_time_ms": 1843200,
        "total_unlocks": 0,
        "app_usage_stats": [
            {
                "package_name": "com.android.chrome",
                "app_name": "Chrome",
                "total_time_foreground_ms": 1204000,
                "last_time_used": "2025-07-08T16:50:41.377",
                "launch_count": 4,
            },
            {
                "package_name": "com.google.android.apps.maps",
                "app_name": None,
                "total_time_foreground_ms": 0,
                "last_time_used": "2025-07-08T16:12:03.912",
                "launch_count": 0,
            },
        ],
    }


def _clipboard() -> dict[str, Any]:
    """Not a mobile-client route; a desktop client's body, per its schema."""
    return {
        **envelope(device_id="mbp-office-01", services_encountered=["macos-client"]),
        "content": "https://kafka.apache.org/documentation/#topicconfigs_max.message.bytes",
        "content_type": "url",
        "source_app": "com.apple.Safari",
    }


def _web_analytics() -> dict[str, Any]:
    """Not a mobile-client route; a browser extension's body, per its schema."""
    return {
        "device_id": "mbp-office-01",
        "recorded_at": "2025-07-08T14:53:08.412Z",
        "message_id": "2c7f9a4e-1b8d-4e3a-9f6c-5a0d2b7e8c14",
        "url": "https://en.wikipedia.org/wiki/Apache_Kafka",
        "title": "Apache Kafka - Wikipedia",
        "domain": "en.wikipedia.org",
        "visit_duration_seconds": 143.2,
        "browser": "chrome",
        "tab_id": 1739201,
        "event_type": "page_close",
    }


def _twitter_liked() -> dict[str, Any]:
    """Not a mobile-client route; an importer's body, per its schema."""
    return {
        "device_id": "twitter-importer",
        "recorded_at": "2025-07-08T14:53:08.123456Z",
        "message_id": "9a3e6c1f-4d8b-4b2e-a7f5-3c0e9d1b6a82",
        "tweet_id": "1942301485627318274",
        "tweet_url": "https://x.com/apachekafka/status/1942301485627318274",
        "author_username": "apachekafka",
        "author_display_name": "Apache Kafka",
        "text": "Apache Kafka 4.0 is out: KRaft only, no more ZooKeeper.",
        "liked_at": None,
        "created_at": "2025-07-07T18:02:44Z",
        "media_urls": ["https://pbs.twimg.com/media/GvQ3xYzWcAA1b2c.jpg"],
    }


def _calendar_event() -> dict[str, Any]:
    """Not a mobile-client route; an importer's body, per its schema."""
    return {
        "device_id": "calendar-importer",
        "recorded_at": "2025-07-08T14:53:08.123456Z",
        "message_id": "6b0d3f8a-2e7c-4a1d-9c4b-8f2e5a1d7c03",
        "event_id": "5r8k2q1v9c3m0t7b4n6h2j8d1f",
        "calendar_id": "primary",
        "title": "Kafka capacity review",
        "description": None,
        "location": "Room 4.12",
        "start_time": "2025-07-09T10:00:00+02:00",
        "end_time": "2025-07-09T10:45:00+02:00",
        "all_day": False,
        "attendees": [
            {"email": "alice@example.com", "name": "Alice", "response_status": "accepted"},
            {"email": "bob@example.com", "name": None, "response_status": None},
        ],
        "status": "confirmed",
        "source": "google",
    }


def _email_event() -> dict[str, Any]:
    """Not a mobile-client route; an importer's body, per its schema."""
    return {
        "device_id": "gmail-importer",
        "recorded_at": "2025-07-08T14:53:08.123456Z",
        "message_id": "0e5c9a2d-7b4f-4d1e-8a3c-6f2b9e0d4a71",
        "email_id": "197ea3c1f08b2d4e",
        "thread_id": "197ea3c1f08b2d4e",
        "from_address": "Alice <alice@example.com>",
        "to_addresses": ["me@example.com"],
        "cc_addresses": [],
        "subject": "Kafka capacity review",
        "snippet": "Agenda attached: partitions per topic, retention, zstd.",
        "email_received_at": "2025-07-08T14:52:57Z",
        "labels": ["INBOX", "UNREAD"],
        "event_type": "received",
    }


def _url_task() -> dict[str, Any]:
    """Not a mobile-client route; a share-sheet client's body, per its schema."""
    return {
        **envelope(content_hash=None),
        "url": "https://kafka.apache.org/40/documentation.html",
        "priority": "high",
        "tags": ["kafka", "read-later"],
        "requested_by": None,
    }


ROUTE_BODIES: dict[str, Callable[[], dict[str, Any]]] = {
    "/audio/upload": _audio,
    "/device/metadata": _app_metadata,
    "/digital/clipboard": _clipboard,
    "/digital/web-analytics": _web_analytics,
    "/external/calendar/events": _calendar_event,
    "/external/email/events": _email_event,
    "/external/twitter/liked": _twitter_liked,
    "/images/screenshot": _screenshot,
    "/images/upload": _photo,
    "/os-events/app-lifecycle": _app_lifecycle,
    "/os-events/notifications": _notification,
    "/os-events/system": _system_event,
    "/sensor/accelerometer": _accelerometer,
    "/sensor/barometer": _barometer,
    "/sensor/bluetooth": _bluetooth,
    "/sensor/generic": _generic,
    "/sensor/gps": gps,
    "/sensor/heartrate": _heartrate,
    "/sensor/power": _power,
    "/sensor/steps": _steps,
    "/sensor/temperature": _temperature,
    "/sensor/wifi": _wifi,
    "/system/apps/android": _android_apps,
    "/system/apps/android/usage": _android_usage,
    "/system/apps/macos": _macos_apps,
    "/system/metadata": _app_metadata,
    "/tasks/url": _url_task,
}
"""Every route of the generated catalog, with a factory of (fresh) bodies its client sends."""
