# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import MISSING, BaseModel, ConfigDict, Field, RootModel


class DeviceType(Enum):
    mobile_android = "mobile_android"
    mobile_ios = "mobile_ios"
    desktop_macos = "desktop_macos"
    desktop_linux = "desktop_linux"
    desktop_windows = "desktop_windows"
    watch_wearos = "watch_wearos"
    watch_watchos = "watch_watchos"
    tablet = "tablet"
    browser_extension = "browser_extension"
    service = "service"
    other = "other"


class Tag(RootModel[str]):
    root: Annotated[str, Field(max_length=100)]


class RegisteredDevice(BaseModel):
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
    name: Annotated[
        str, Field(description="Human-readable name.", max_length=200, min_length=1)
    ]
    device_type: Annotated[
        DeviceType, Field(description="What kind of device this is.")
    ]
    platform: Annotated[str | None | MISSING, Field(max_length=100)] = MISSING
    model: Annotated[str | None | MISSING, Field(max_length=200)] = MISSING
    manufacturer: Annotated[str | None | MISSING, Field(max_length=200)] = MISSING
    os_version: Annotated[str | None | MISSING, Field(max_length=100)] = MISSING
    app_version: Annotated[str | None | MISSING, Field(max_length=100)] = MISSING
    service_name: Annotated[
        str | None | MISSING,
        Field(description="For services: which one.", max_length=200),
    ] = MISSING
    service_config: Annotated[
        dict[str, Any] | None | MISSING,
        Field(description="For services: their configuration."),
    ] = MISSING
    tags: Annotated[list[Tag] | MISSING, Field(max_length=64)] = MISSING
    metadata: Annotated[
        dict[str, Any] | MISSING, Field(description="Free-form facts about the device.")
    ] = MISSING
    first_seen_at: Annotated[
        str | MISSING,
        Field(
            description="When the device was first registered (UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    last_seen_at: Annotated[
        str | MISSING,
        Field(
            description="Last registration or update (UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    created_at: Annotated[
        str | MISSING,
        Field(
            description="When the gateway received the reading, in UTC. Set by the gateway; a value sent by a client is replaced.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    updated_at: Annotated[
        str | MISSING,
        Field(
            description="When the gateway received the reading, in UTC. Set by the gateway; a value sent by a client is replaced.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    is_active: Annotated[
        bool | MISSING, Field(description="False once the device is deleted.")
    ] = MISSING
    deleted_at: Annotated[
        str | None | MISSING,
        Field(
            description="When DELETE /devices/{device_id} soft-deleted it; its readings are refused from then on."
        ),
    ] = MISSING
