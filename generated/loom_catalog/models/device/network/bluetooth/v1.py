# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class BluetoothDeviceReading(BaseModel):
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
    device_name: Annotated[
        str,
        Field(
            description="The remote device's advertised name; may be empty when it advertises none.",
            max_length=256,
        ),
    ]
    device_address: Annotated[
        str,
        Field(
            description="The remote device's address as the platform reports it (a MAC address on Android, a UUID on iOS).",
            max_length=64,
        ),
    ]
    device_type: Annotated[
        str | None | MISSING,
        Field(
            description="Kind of Bluetooth device as the platform reports it (e.g. classic, le, dual), or null.",
            max_length=64,
        ),
    ] = MISSING
    rssi: Annotated[
        int | None | MISSING,
        Field(
            description="Received signal strength in dBm, or null when not measured.",
            ge=-128,
            le=127,
        ),
    ] = MISSING
    connected: Annotated[
        bool, Field(description="Whether the remote device is connected.")
    ]
    paired: Annotated[
        bool, Field(description="Whether the remote device is paired (bonded).")
    ]
