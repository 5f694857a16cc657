# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class Unit(StrEnum):
    hPa = "hPa"
    mbar = "mbar"
    kPa = "kPa"
    Pa = "Pa"
    inHg = "inHg"
    mmHg = "mmHg"


class BarometerReading(BaseModel):
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
    pressure: Annotated[
        float,
        Field(
            description="Air pressure, in unit (the mobile client sends integer values as doubles, e.g. 1013.0).",
            ge=0.0,
        ),
    ]
    unit: Annotated[
        Unit, Field(description="Unit of pressure; the mobile client always sends hPa.")
    ]
    altitude: Annotated[
        float | None | MISSING,
        Field(
            description="Altitude in metres derived from the pressure, or null when not computed."
        ),
    ] = MISSING
