# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class AccelerometerReading(BaseModel):
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
    x: Annotated[
        float,
        Field(
            description="Acceleration along the device's x axis in m/s², gravity included."
        ),
    ]
    y: Annotated[
        float,
        Field(
            description="Acceleration along the device's y axis in m/s², gravity included."
        ),
    ]
    z: Annotated[
        float,
        Field(
            description="Acceleration along the device's z axis in m/s², gravity included."
        ),
    ]
