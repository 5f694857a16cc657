# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ...common import v1


class ContentType(StrEnum):
    text = "text"
    url = "url"
    image = "image"
    file = "file"
    other = "other"


class ClipboardEntry(BaseModel):
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
    content: Annotated[
        str,
        Field(
            description="The copied text (or, for images and files, a textual reference to them).",
            max_length=65536,
        ),
    ]
    content_type: Annotated[ContentType, Field(description="What was copied.")]
    source_app: Annotated[
        str | None | MISSING,
        Field(
            description="Identifier of the app the content was copied from (package name or bundle id), or null when unknown.",
            max_length=256,
        ),
    ] = MISSING
