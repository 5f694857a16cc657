# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field


class Action(StrEnum):
    posted = "posted"
    removed = "removed"


class Metadata(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    tag: Annotated[
        str | MISSING, Field(description="The notification's tag.", max_length=1024)
    ] = MISSING
    key: Annotated[
        str | MISSING,
        Field(
            description="The notification's unique key (user|package|id|tag|uid).",
            max_length=1024,
        ),
    ] = MISSING
    group_key: Annotated[
        str | MISSING,
        Field(description="Key of the notification's group.", max_length=1024),
    ] = MISSING
    when: Annotated[
        int | MISSING,
        Field(
            description="When the notification was posted, in milliseconds since the Unix epoch."
        ),
    ] = MISSING
    flags: Annotated[
        int | MISSING, Field(description="Notification.flags bit mask.")
    ] = MISSING
    priority: Annotated[
        int | MISSING,
        Field(description="Notification.priority (-2 to 2 for well-behaved apps)."),
    ] = MISSING
    category: Annotated[
        str | MISSING,
        Field(
            description="Notification category (e.g. msg, email, call).", max_length=256
        ),
    ] = MISSING
    big_text: Annotated[
        str | MISSING,
        Field(description="The expanded text (EXTRA_BIG_TEXT).", max_length=16384),
    ] = MISSING
    sub_text: Annotated[
        str | MISSING, Field(description="EXTRA_SUB_TEXT.", max_length=4096)
    ] = MISSING
    info_text: Annotated[
        str | MISSING, Field(description="EXTRA_INFO_TEXT.", max_length=4096)
    ] = MISSING
    ticker_text: Annotated[
        str | MISSING,
        Field(description="The notification's ticker text.", max_length=4096),
    ] = MISSING
    is_clearable: Annotated[
        bool | MISSING,
        Field(description="Whether the user can dismiss the notification."),
    ] = MISSING
    is_ongoing: Annotated[
        bool | MISSING, Field(description="Whether the notification is ongoing.")
    ] = MISSING
    is_group: Annotated[
        bool | MISSING,
        Field(description="Whether the notification is part of a group."),
    ] = MISSING
    channel_id: Annotated[
        str | MISSING,
        Field(
            description="The notification channel (Android 8 and later).",
            max_length=1024,
        ),
    ] = MISSING


class NotificationEvent(BaseModel):
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
    recorded_at: Annotated[
        str,
        Field(
            description="When the client saw the notification event, as ISO-8601 (device-local time without an offset from the mobile client).",
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
    notification_id: Annotated[
        str,
        Field(
            description="The notification's id within its app, in decimal (Android ids are 32-bit and may be negative); the mobile client sends unknown_<epoch ms> when the platform gave none.",
            max_length=64,
            min_length=1,
        ),
    ]
    app_identifier: Annotated[
        str,
        Field(
            description="Package name of the app that posted the notification (the mobile client sends unknown when the platform gave none).",
            max_length=256,
        ),
    ]
    title: Annotated[
        str | MISSING, Field(description="The notification's title.", max_length=4096)
    ] = MISSING
    body: Annotated[
        str | MISSING, Field(description="The notification's text.", max_length=16384)
    ] = MISSING
    action: Annotated[
        Action,
        Field(
            description="Whether the notification was posted (or updated) or removed."
        ),
    ]
    metadata: Annotated[
        Metadata,
        Field(
            description="Android StatusBarNotification details; keys without a value are left out. The known keys are typed; others are accepted as sent."
        ),
    ]
