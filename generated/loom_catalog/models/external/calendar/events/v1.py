# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from loom_catalog.formats import EmailFormat

from ....common import v1


class ResponseStatus(Enum):
    accepted = "accepted"
    declined = "declined"
    tentative = "tentative"
    needs_action = "needs_action"
    NoneType_None = None


class Attendee(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    email: Annotated[EmailFormat, Field(description="The attendee's e-mail address.")]
    name: Annotated[
        str | None | MISSING,
        Field(description="The attendee's display name, or null.", max_length=256),
    ] = MISSING
    response_status: Annotated[
        ResponseStatus | None | MISSING,
        Field(
            description="The attendee's answer, or null when the source does not say."
        ),
    ] = MISSING


class Status(Enum):
    confirmed = "confirmed"
    tentative = "tentative"
    cancelled = "cancelled"
    NoneType_None = None


class Source(StrEnum):
    google = "google"
    outlook = "outlook"
    caldav = "caldav"
    ics = "ics"
    other = "other"


class CalendarEvent(BaseModel):
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
    event_id: Annotated[
        str,
        Field(
            description="The source's id of the event (the iCalendar UID for CalDAV and ICS).",
            max_length=1024,
            min_length=1,
        ),
    ]
    calendar_id: Annotated[
        str | None | MISSING,
        Field(
            description="The source's id of the calendar holding the event, or null.",
            max_length=1024,
        ),
    ] = MISSING
    title: Annotated[
        str | None | MISSING,
        Field(
            description="The event's title (summary), or null when it has none.",
            max_length=4096,
        ),
    ] = MISSING
    description: Annotated[
        str | None | MISSING,
        Field(
            description="The event's description (plain text or the source's HTML), or null.",
            max_length=32768,
        ),
    ] = MISSING
    location: Annotated[
        str | None | MISSING,
        Field(description="The event's location, or null.", max_length=4096),
    ] = MISSING
    start_time: Annotated[v1.DateTime, Field(description="When the event starts.")]
    end_time: Annotated[
        v1.NullableDateTime | MISSING,
        Field(description="When the event ends, or null when the source gives no end."),
    ] = MISSING
    all_day: Annotated[
        bool | None | MISSING,
        Field(
            description="Whether it is an all-day event; absent or null means false."
        ),
    ] = MISSING
    attendees: Annotated[
        list[Attendee] | MISSING,
        Field(description="The event's attendees, organiser included.", max_length=500),
    ] = MISSING
    status: Annotated[
        Status | None | MISSING,
        Field(description="The event's status, or null when the source does not say."),
    ] = MISSING
    source: Annotated[Source, Field(description="Where the event was fetched from.")]
