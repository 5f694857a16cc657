# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


class GPSReading(BaseModel):
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
    latitude: Annotated[float, Field(description="Degrees north.", ge=-90.0, le=90.0)]
    longitude: Annotated[float, Field(description="Degrees east.", ge=-180.0, le=180.0)]
    altitude: Annotated[
        float | None | MISSING, Field(description="Metres above the WGS-84 ellipsoid.")
    ] = MISSING
    accuracy: Annotated[
        float | None | MISSING,
        Field(description="Horizontal accuracy radius in metres.", ge=0.0),
    ] = MISSING
    heading: Annotated[
        float | None | MISSING,
        Field(description="Degrees clockwise from true north.", ge=0.0, le=360.0),
    ] = MISSING
    speed: Annotated[
        float | None | MISSING, Field(description="Metres per second.", ge=0.0)
    ] = MISSING
