# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class EventType(StrEnum):
    screen_on = "screen_on"
    screen_off = "screen_off"
    device_lock = "device_lock"
    device_unlock = "device_unlock"
    power_connected = "power_connected"
    power_disconnected = "power_disconnected"


class EventCategory(StrEnum):
    screen = "screen"
    lock = "lock"
    power = "power"
    system = "system"


class Severity(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"
    critical = "critical"


class Metadata(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    is_screen_on: Annotated[bool, Field(description="Whether the screen is on.")]
    is_device_locked: Annotated[
        bool, Field(description="Whether the device is locked.")
    ]
    last_screen_off: Annotated[
        v1.DateTime | MISSING,
        Field(
            description="When the screen last turned off, if it has since the client started."
        ),
    ] = MISSING
    last_screen_on: Annotated[
        v1.DateTime | MISSING,
        Field(
            description="When the screen last turned on, if it has since the client started."
        ),
    ] = MISSING


class OSSystemEvent(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: v1.DeviceId
    timestamp: Annotated[
        v1.DateTime,
        Field(
            description="When the event happened, as ISO-8601 (device-local time without an offset from the mobile client)."
        ),
    ]
    message_id: v1.MessageId | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
    event_type: Annotated[EventType, Field(description="What happened.")]
    event_category: Annotated[
        EventCategory,
        Field(
            description="Group of the event: screen (screen_on/off), lock (device_lock/unlock), power (power_connected/disconnected), system (anything else)."
        ),
    ]
    severity: Annotated[
        Severity,
        Field(
            description="Importance of the event; the mobile client always sends info."
        ),
    ]
    description: Annotated[
        str,
        Field(
            description="Human-readable description (e.g. Device screen turned on).",
            max_length=1024,
        ),
    ]
    metadata: Annotated[
        Metadata,
        Field(
            description="The device's screen and lock state after the event. The known keys are typed; others are accepted as sent."
        ),
    ]
