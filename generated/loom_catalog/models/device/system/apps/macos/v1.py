# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field


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
            description="ISO-8601 date-time. Without an offset it is the device's local time (what the Loom mobile client sends).",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ]
    recorded_at: Annotated[
        str | MISSING,
        Field(
            description="ISO-8601 date-time. Without an offset it is the device's local time (what the Loom mobile client sends).",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ] = MISSING
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
    running_applications: Annotated[
        list[RunningApplication],
        Field(description="The running applications.", max_length=1000),
    ]
