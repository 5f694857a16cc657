# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class Unit(StrEnum):
    celsius = "celsius"
    fahrenheit = "fahrenheit"
    kelvin = "kelvin"


class TemperatureReading(BaseModel):
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
    temperature: Annotated[
        float,
        Field(
            description="The measured temperature, in unit (the mobile client sends integer values as doubles, e.g. 31.0)."
        ),
    ]
    unit: Annotated[
        Unit,
        Field(
            description="Unit of temperature; the mobile client always sends celsius."
        ),
    ]
    sensor_location: Annotated[
        str | None | MISSING,
        Field(
            description="Which sensor measured it (e.g. ambient, battery, cpu), or null when the platform does not say.",
            max_length=128,
        ),
    ] = MISSING
