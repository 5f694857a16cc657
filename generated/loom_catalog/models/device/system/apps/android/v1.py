# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from .....common import v1


class RunningApplication(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    pid: Annotated[
        int,
        Field(
            description="Process id; 0 for apps known only from usage statistics.", ge=0
        ),
    ]
    name: Annotated[str, Field(description="Application label.", max_length=512)]
    package_name: Annotated[
        str,
        Field(
            description="Android package name (e.g. com.android.chrome).",
            max_length=256,
            min_length=1,
        ),
    ]
    active: Annotated[
        bool, Field(description="Whether the application is in the foreground.")
    ]
    hidden: Annotated[
        bool,
        Field(
            description="Whether the application is hidden (not visible to the user)."
        ),
    ]
    launch_date: Annotated[
        float | None | MISSING,
        Field(
            description="When the application was launched, in milliseconds since the Unix epoch; 0 when unknown.",
            ge=0.0,
        ),
    ] = MISSING
    version_code: Annotated[
        int | None | MISSING,
        Field(description="Android versionCode of the installed package.", ge=0),
    ] = MISSING
    version_name: Annotated[
        str | None | MISSING,
        Field(
            description="Android versionName of the installed package.", max_length=256
        ),
    ] = MISSING


class AndroidRunningApplicationsSnapshot(BaseModel):
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
        Field(
            description="The running or recently used applications.", max_length=1000
        ),
    ]
