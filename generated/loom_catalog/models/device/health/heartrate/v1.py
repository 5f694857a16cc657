# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class HeartRateReading(BaseModel):
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
    bpm: Annotated[
        int, Field(description="Heart rate in beats per minute.", ge=1, le=300)
    ]
    confidence: Annotated[
        float | None | MISSING,
        Field(
            description="Sensor's confidence in the measurement, from 0 (none) to 1 (certain).",
            ge=0.0,
            le=1.0,
        ),
    ] = MISSING
