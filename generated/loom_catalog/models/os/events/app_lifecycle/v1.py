# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field


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
