# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import MISSING, BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from ....common import v1


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


Tag = TypeAliasType("Tag", Annotated[str, Field(max_length=100)])


class RegisteredDevice(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: v1.DeviceId
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
        v1.ReceivedAt | MISSING,
        Field(description="When the device was first registered (UTC)."),
    ] = MISSING
    last_seen_at: Annotated[
        v1.ReceivedAt | MISSING, Field(description="Last registration or update (UTC).")
    ] = MISSING
    created_at: v1.ReceivedAt | MISSING = MISSING
    updated_at: v1.ReceivedAt | MISSING = MISSING
    is_active: Annotated[
        bool | MISSING, Field(description="False once the device is deleted.")
    ] = MISSING
    deleted_at: Annotated[
        str | None | MISSING,
        Field(
            description="When DELETE /devices/{device_id} soft-deleted it; its readings are refused from then on."
        ),
    ] = MISSING
