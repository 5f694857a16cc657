# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class GenericSensorReading(BaseModel):
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
    sensor_type: Annotated[
        str,
        Field(
            description="Which sensor: in a /sensor/batch array, gps, accelerometer, temperature, barometer, heartrate, steps, power, wifi or bluetooth route the item to that data type.",
            pattern="^[a-z][a-z0-9_]{0,63}$",
        ),
    ]
    value: Annotated[
        Any,
        Field(
            description="The reading: any JSON; an object with the target type's fields when sensor_type names one."
        ),
    ]
    unit: Annotated[
        str | None | MISSING,
        Field(description="Unit of value, when it is a number.", max_length=32),
    ] = MISSING
    accuracy: Annotated[float | None | MISSING, Field(ge=0.0)] = MISSING
