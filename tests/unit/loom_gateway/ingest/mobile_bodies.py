"""Request bodies exactly as the Loom mobile client sends them (/work/shared/loom-mobile-contract.md).

One body per route of the generated catalog. The reading envelope carries explicit nulls,
local date-times without an offset, ``content_hash`` and ``services_encountered``; OS-style
bodies (``/system/*``) have neither envelope nor ``message_id``.
"""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Callable
from typing import Any

__all__ = ["DEVICE_ID", "MESSAGE_ID", "ROUTE_BODIES", "envelope", "gps", "tiny_wav_base64"]

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


def tiny_wav_base64() -> str:
    """Standard base64 (with padding) of a whole 16 kHz mono WAV file, as /audio/upload sends it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(bytes(range(256)) * 4)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


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


ROUTE_BODIES: dict[str, Callable[[], dict[str, Any]]] = {
    "/audio/upload": _audio,
    "/device/metadata": _app_metadata,
    "/sensor/accelerometer": _accelerometer,
    "/sensor/gps": gps,
    "/sensor/heartrate": _heartrate,
    "/sensor/power": _power,
    "/system/apps/android": _android_apps,
    "/system/apps/macos": _macos_apps,
    "/system/metadata": _app_metadata,
}
"""Every route of the generated catalog, with a factory of (fresh) bodies its client sends."""
