# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class StepCountReading(BaseModel):
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
    steps: Annotated[
        int,
        Field(
            description="Steps taken in the interval (or the running total when cumulative is true).",
            ge=0,
        ),
    ]
    interval_start: Annotated[
        v1.NullableDateTime | MISSING,
        Field(description="Start of the counting interval, or null when unknown."),
    ] = MISSING
    interval_end: Annotated[
        v1.NullableDateTime | MISSING,
        Field(
            description="End of the counting interval, or null when unknown (then recorded_at)."
        ),
    ] = MISSING
    cumulative: Annotated[
        bool | None | MISSING,
        Field(
            description="Whether steps is a running total rather than the count for the interval alone; absent or null means false."
        ),
    ] = MISSING
