# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


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
    device_id: v1.DeviceId
    timestamp: Annotated[
        v1.DateTime,
        Field(
            description="When the screenshot was captured, as ISO-8601 (device-local time without an offset from the mobile client)."
        ),
    ]
    message_id: v1.MessageId | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
    image_data: Annotated[
        str,
        Field(
            description="The whole encoded image file (as named by format), in standard base64 (RFC 4648 section 4, with padding, no line breaks).",
            json_schema_extra={"contentEncoding": "base64"},
            max_length=12000000,
            min_length=4,
            pattern="^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
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
