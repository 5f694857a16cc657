# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field


class AppUsageStat(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    package_name: Annotated[
        str,
        Field(
            description="Android package name (the mobile client sends an empty string when the platform gave none).",
            max_length=256,
        ),
    ]
    app_name: Annotated[
        str | None | MISSING,
        Field(description="Application label, or null when unknown.", max_length=512),
    ] = MISSING
    total_time_foreground_ms: Annotated[
        int,
        Field(
            description="Time the app was in the foreground during the period, in milliseconds.",
            ge=0,
        ),
    ]
    last_time_used: Annotated[
        str,
        Field(
            description="When the app was last used.",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ]
    launch_count: Annotated[
        int, Field(description="Number of launches in the period.", ge=0)
    ]


class AndroidAppUsageAggregate(BaseModel):
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
    recorded_at: Annotated[
        str,
        Field(
            description="ISO-8601 date-time. Without an offset it is the device's local time (what the Loom mobile client sends).",
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
    aggregation_period_start: Annotated[
        str,
        Field(
            description="Start of the period the statistics cover.",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ]
    aggregation_period_end: Annotated[
        str,
        Field(
            description="End of the period the statistics cover.",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ]
    aggregation_interval_minutes: Annotated[
        int,
        Field(
            description="Length of the period the client asked for, in minutes (the mobile client sends 60).",
            ge=1,
        ),
    ]
    total_screen_time_ms: Annotated[
        int,
        Field(description="Total screen-on time in the period, in milliseconds.", ge=0),
    ]
    total_unlocks: Annotated[
        int,
        Field(
            description="Number of unlocks in the period (the mobile client sends 0).",
            ge=0,
        ),
    ]
    app_usage_stats: Annotated[
        list[AppUsageStat],
        Field(description="One entry per app used in the period.", max_length=1000),
    ]
