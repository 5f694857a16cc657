# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field


class Format(StrEnum):
    png = "png"
    jpeg = "jpeg"


class CameraType(StrEnum):
    screen = "screen"


class CaptureMethod(StrEnum):
    automatic = "automatic"
    manual = "manual"


class Metadata(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    capture_method: Annotated[
        CaptureMethod,
        Field(
            description="Whether the screenshot was taken on a timer (automatic) or on request (manual)."
        ),
    ]
    image_size: Annotated[
        int, Field(description="Size of the encoded image in bytes.", ge=0)
    ]
    interval_seconds: Annotated[
        int | MISSING,
        Field(
            description="Capture interval in seconds; sent for automatic screenshots only.",
            ge=0,
        ),
    ] = MISSING


class ScreenshotImage(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    device_id: Annotated[
        str,
        Field(
            description="Identifier of the device that produced the reading (usually a UUID; the Loom mobile client may send the literal 'unknown'). Also the Kafka record key.",
            examples=["3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13"],
            pattern="^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
        ),
    ]
    timestamp: Annotated[
        str,
        Field(
            description="When the screenshot was captured, as ISO-8601 (device-local time without an offset from the mobile client).",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
        ),
    ]
    message_id: Annotated[
        str | MISSING,
        Field(
            description="Client-assigned UUID of this reading, used to recognise retries. The gateway assigns one when it is absent.",
            examples=["7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40"],
            pattern="^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        ),
    ] = MISSING
    received_at: Annotated[
        str | MISSING,
        Field(
            description="When the gateway received the reading, in UTC. Set by the gateway; a value sent by a client is replaced.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    schema_version: Annotated[
        int | MISSING,
        Field(
            description="The version of the schema the gateway validated the reading against (the N of vN.json). Set by the gateway; a value sent by a client is replaced. Versions of a data type share a topic: this (or the loom.schema_version header) tells them apart.",
            ge=1,
        ),
    ] = MISSING
    image_data: Annotated[
        str,
        Field(
            description="The whole encoded image file (as named by format), in standard base64 (RFC 4648 section 4, with padding, no line breaks).",
            json_schema_extra={"contentEncoding": "base64"},
            max_length=12000000,
            min_length=4,
            pattern="^[A-Za-z0-9+/]*={0,2}$",
        ),
    ]
    format: Annotated[
        Format,
        Field(
            description="Encoding of image_data (the mobile client sends png for screenshots)."
        ),
    ]
    width: Annotated[int, Field(description="Image width in pixels.", ge=0)]
    height: Annotated[int, Field(description="Image height in pixels.", ge=0)]
    camera_type: Annotated[
        CameraType,
        Field(description="Source of the image: always screen for screenshots."),
    ]
    file_size: Annotated[
        int,
        Field(
            description="Approximate size of the decoded image in bytes (the mobile client sends the base64 length * 3 // 4).",
            ge=0,
        ),
    ]
    metadata: Annotated[Metadata, Field(description="How the screenshot was taken.")]
