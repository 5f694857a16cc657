# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class EventType(StrEnum):
    launch = "launch"
    foreground = "foreground"
    background = "background"
    terminate = "terminate"
    crash = "crash"


class Metadata(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    is_self: Annotated[
        bool,
        Field(
            description="Whether the event is about the reporting app (Loom) itself."
        ),
    ]
    lifecycle_state: Annotated[
        str | MISSING,
        Field(
            description="The client's own lifecycle state, as Flutter names it (e.g. AppLifecycleState.resumed); only for is_self events.",
            max_length=128,
        ),
    ] = MISSING
    current_foreground_app: Annotated[
        str | MISSING,
        Field(
            description="Package name of the app in the foreground when the event was seen.",
            max_length=256,
        ),
    ] = MISSING


class AppLifecycleEvent(BaseModel):
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
    app_identifier: Annotated[
        str,
        Field(
            description="The application's identifier: its package name on Android (the mobile client sends red.steele.loom for itself).",
            max_length=256,
        ),
    ]
    app_name: Annotated[
        str | MISSING, Field(description="The application's label.", max_length=512)
    ] = MISSING
    event_type: Annotated[
        EventType, Field(description="What happened to the application.")
    ]
    duration_seconds: Annotated[
        int | MISSING,
        Field(
            description="For background, seconds since the app came to the foreground; for terminate, seconds since it was launched. Computed from device timestamps, so not bounded below."
        ),
    ] = MISSING
    metadata: Annotated[
        Metadata,
        Field(
            description="Details of the event. The known keys are typed; others are accepted as sent."
        ),
    ]
