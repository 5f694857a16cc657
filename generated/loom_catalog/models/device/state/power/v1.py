# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class PowerSource(Enum):
    ac_charger = "ac_charger"
    usb = "usb"
    wireless = "wireless"
    battery = "battery"
    unknown = "unknown"
    NoneType_None = None


class ThermalState(Enum):
    nominal = "nominal"
    fair = "fair"
    serious = "serious"
    critical = "critical"
    NoneType_None = None


class PowerStateReading(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: v1.DeviceId
    recorded_at: v1.DateTime
    timestamp: v1.NullableDateTime | MISSING = MISSING
    message_id: v1.MessageId | MISSING = MISSING
    trace_id: v1.TraceId | MISSING = MISSING
    services_encountered: v1.ServicesEncountered | MISSING = MISSING
    content_hash: v1.ContentHash | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
    battery_level: Annotated[
        float,
        Field(
            description="Battery charge in percent (the mobile client sends integer values as doubles, e.g. 78.0).",
            ge=0.0,
            le=100.0,
        ),
    ]
    is_charging: Annotated[bool, Field(description="Whether the battery is charging.")]
    power_source: Annotated[
        PowerSource | None | MISSING,
        Field(
            description="What the device is drawing power from, or null when unknown to the client."
        ),
    ] = MISSING
    lid_closed: Annotated[
        bool | None | MISSING,
        Field(
            description="Whether a laptop lid is closed; null on devices without a lid."
        ),
    ] = MISSING
    thermal_state: Annotated[
        ThermalState | None | MISSING,
        Field(
            description="Platform thermal pressure level; the mobile client always sends null."
        ),
    ] = MISSING
