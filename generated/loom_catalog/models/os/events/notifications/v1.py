# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ....common import v1


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
    device_id: v1.DeviceId
    recorded_at: Annotated[
        v1.DateTime,
        Field(
            description="When the client saw the notification event, as ISO-8601 (device-local time without an offset from the mobile client)."
        ),
    ]
    message_id: v1.MessageId | MISSING = MISSING
    received_at: v1.ReceivedAt | MISSING = MISSING
    schema_version: v1.SchemaVersion | MISSING = MISSING
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
