# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


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
        v1.DateTime, Field(description="When the app was last used.")
    ]
    launch_count: Annotated[
        int, Field(description="Number of launches in the period.", ge=0)
    ]


class AndroidAppUsageAggregate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: v1.DeviceId
    recorded_at: v1.DateTime
    message_id: v1.MessageId | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
    aggregation_period_start: Annotated[
        v1.DateTime, Field(description="Start of the period the statistics cover.")
    ]
    aggregation_period_end: Annotated[
        v1.DateTime, Field(description="End of the period the statistics cover.")
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
