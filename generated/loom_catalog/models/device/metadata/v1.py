# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ...common import v1


class DeviceMetadataRecord(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: v1.DeviceId
    recorded_at: v1.DateTime | MISSING = MISSING
    timestamp: v1.NullableDateTime | MISSING = MISSING
    message_id: v1.MessageId | MISSING = MISSING
    trace_id: v1.TraceId | MISSING = MISSING
    services_encountered: v1.ServicesEncountered | MISSING = MISSING
    content_hash: v1.ContentHash | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
    metadata_type: Annotated[
        str,
        Field(
            description="Kind of metadata: one of the predefined kinds, or custom_<snake_case name>.",
            pattern="^(device_capabilities|hardware_specs|software_config|android_app_info|custom_[a-z0-9_]{1,64})$",
        ),
    ]
    metadata: Annotated[
        dict[str, Any],
        Field(
            description="The metadata itself: a free-form JSON object whose shape depends on metadata_type."
        ),
    ]
