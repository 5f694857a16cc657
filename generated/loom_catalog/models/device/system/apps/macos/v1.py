# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from .....common import v1


class RunningApplication(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    pid: Annotated[int, Field(description="Process id.", ge=0)]
    name: Annotated[
        str, Field(description="Localized application name.", max_length=512)
    ]
    bundle_id: Annotated[
        str | None | MISSING,
        Field(
            description="Bundle identifier (e.g. com.apple.Safari), or null for processes without a bundle.",
            max_length=512,
        ),
    ] = MISSING
    active: Annotated[bool, Field(description="Whether the application is frontmost.")]
    hidden: Annotated[bool, Field(description="Whether the application is hidden.")]
    launch_date: Annotated[
        float | None | MISSING,
        Field(
            description="When the application was launched, in seconds since the Unix epoch, or null when unknown.",
            ge=0.0,
        ),
    ] = MISSING


class MacOSRunningApplicationsSnapshot(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: v1.DeviceId
    timestamp: v1.DateTime
    recorded_at: v1.DateTime | MISSING = MISSING
    message_id: v1.MessageId | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
    running_applications: Annotated[
        list[RunningApplication],
        Field(description="The running applications.", max_length=1000),
    ]
