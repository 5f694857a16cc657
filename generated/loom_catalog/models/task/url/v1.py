# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from loom_catalog.formats import UriFormat3

from ...common import v1


class Priority(Enum):
    low = "low"
    normal = "normal"
    high = "high"
    NoneType_None = None


Tag = TypeAliasType("Tag", Annotated[str, Field(max_length=64, min_length=1)])


class URLIngestionTask(BaseModel):
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
    url: Annotated[UriFormat3, Field(description="The http or https URL to fetch.")]
    priority: Annotated[
        Priority | None | MISSING,
        Field(description="How urgently to process it; absent or null means normal."),
    ] = MISSING
    tags: Annotated[
        list[Tag] | MISSING,
        Field(description="Free-form labels to attach to the result.", max_length=32),
    ] = MISSING
    requested_by: Annotated[
        str | None | MISSING,
        Field(
            description="Who asked (a user or service name), or null.", max_length=256
        ),
    ] = MISSING
