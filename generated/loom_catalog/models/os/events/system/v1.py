# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field


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
        str | MISSING,
        Field(
            description="When the screen last turned off, if it has since the client started.",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ] = MISSING
    last_screen_on: Annotated[
        str | MISSING,
        Field(
            description="When the screen last turned on, if it has since the client started.",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ] = MISSING


class OSSystemEvent(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: Annotated[
        str,
        Field(
            description="Identifier of the device that produced the reading (usually a UUID; the Loom mobile client may send the literal 'unknown'). Also the Kafka record key.",
            examples=["3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13"],
            pattern="^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
        ),
    ]
    timestamp: Annotated[
        str,
        Field(
            description="When the event happened, as ISO-8601 (device-local time without an offset from the mobile client).",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ]
    message_id: Annotated[
        str | MISSING,
        Field(
            description="Client-assigned UUID of this reading, used to recognise retries. The gateway assigns one when it is absent.",
            examples=["7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40"],
            pattern="^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        ),
    ] = MISSING
    received_at: Annotated[
        str | MISSING,
        Field(
            description="When the gateway received the reading, in UTC. Set by the gateway; a value sent by a client is replaced.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    schema_version: Annotated[
        int | MISSING,
        Field(
            description="The version of the schema the gateway validated the reading against (the N of vN.json). Set by the gateway; a value sent by a client is replaced. Versions of a data type share a topic: this (or the loom.schema_version header) tells them apart.",
            ge=1,
        ),
    ] = MISSING
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
