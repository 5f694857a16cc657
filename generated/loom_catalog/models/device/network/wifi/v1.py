# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class WiFiNetworkReading(BaseModel):
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
    ssid: Annotated[
        str,
        Field(
            description="Network name as the platform reports it (Android may quote it or report <unknown ssid>); empty for hidden networks.",
            max_length=256,
        ),
    ]
    bssid: Annotated[
        str | None | MISSING,
        Field(
            description="Access point MAC address as the platform reports it, or null when unavailable.",
            max_length=64,
        ),
    ] = MISSING
    signal_strength: Annotated[
        int,
        Field(
            description="Received signal strength in dBm (the mobile client always sends -50).",
            ge=-127,
            le=0,
        ),
    ]
    frequency: Annotated[
        float | None | MISSING,
        Field(
            description="Channel centre frequency in MHz, or null (the mobile client always sends null).",
            ge=0.0,
        ),
    ] = MISSING
    channel: Annotated[
        int | None | MISSING,
        Field(
            description="Wi-Fi channel number, or null (the mobile client always sends null).",
            ge=0,
        ),
    ] = MISSING
    security: Annotated[
        str | None | MISSING,
        Field(
            description="Security protocol (e.g. WPA2, WPA3, open), or null (the mobile client always sends null).",
            max_length=64,
        ),
    ] = MISSING
    connected: Annotated[
        bool, Field(description="Whether the device is connected to this network.")
    ]
    ip_address: Annotated[
        str | None | MISSING,
        Field(
            description="The device's IP address on this network (IPv4 or IPv6), or null when not connected or unknown.",
            max_length=64,
        ),
    ] = MISSING
