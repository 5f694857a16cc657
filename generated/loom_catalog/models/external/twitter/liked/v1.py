# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from loom_catalog.formats import UriFormat2

from ....common import v1


class LikedTweet(BaseModel):
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
    tweet_id: Annotated[
        str,
        Field(
            description="The tweet's numeric id, in decimal (a 64-bit snowflake id: keep it a string).",
            pattern="^[0-9]{1,20}$",
        ),
    ]
    tweet_url: Annotated[
        UriFormat2,
        Field(description="Link to the tweet (e.g. https://x.com/<user>/status/<id>)."),
    ]
    author_username: Annotated[
        str,
        Field(
            description="The author's handle, without the @.",
            pattern="^[A-Za-z0-9_]{1,50}$",
        ),
    ]
    author_display_name: Annotated[
        str | None | MISSING,
        Field(description="The author's display name, or null.", max_length=256),
    ] = MISSING
    text: Annotated[
        str,
        Field(
            description="The tweet's full text; empty for media-only tweets.",
            max_length=25000,
        ),
    ]
    liked_at: Annotated[
        v1.NullableDateTime | MISSING,
        Field(
            description="When the user liked the tweet, or null when the source does not say (X's API does not)."
        ),
    ] = MISSING
    created_at: Annotated[
        v1.NullableDateTime | MISSING,
        Field(description="When the tweet was posted, or null when unknown."),
    ] = MISSING
    media_urls: Annotated[
        list[UriFormat2] | MISSING,
        Field(
            description="URLs of the tweet's photos, videos and GIFs.", max_length=32
        ),
    ] = MISSING
