# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ...common import v1


class Format(StrEnum):
    wav = "wav"
    pcm16 = "pcm16"
    opus = "opus"
    aac = "aac"
    flac = "flac"
    mp3 = "mp3"


class AudioChunkReading(BaseModel):
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
    data: Annotated[
        str,
        Field(
            description="The whole encoded audio file (container or stream as named by format), in standard base64 (RFC 4648 section 4, with padding, no line breaks). About 213 KB of base64 per 5 s of 16 kHz mono WAV.",
            json_schema_extra={"contentEncoding": "base64"},
            max_length=8000000,
            min_length=4,
            pattern="^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        ),
    ]
    sample_rate: Annotated[
        int,
        Field(description="Samples per second per channel, in Hz.", ge=8000, le=192000),
    ]
    channels: Annotated[
        int, Field(description="Number of audio channels (1 = mono).", ge=1, le=8)
    ]
    format: Annotated[Format, Field(description="Encoding of data.")]
    duration_ms: Annotated[
        int, Field(description="Length of the chunk in milliseconds.", ge=0)
    ]
    file_id: Annotated[
        str | None | MISSING,
        Field(
            description="Client-assigned identifier of the chunk (the mobile client sends e.g. chunk_3), or null.",
            max_length=256,
        ),
    ] = MISSING
