# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from ....common import v1

ToAddress = TypeAliasType("ToAddress", Annotated[str, Field(max_length=998)])


CcAddress = TypeAliasType("CcAddress", Annotated[str, Field(max_length=998)])


Label = TypeAliasType("Label", Annotated[str, Field(max_length=256)])


class EventType(StrEnum):
    received = "received"
    sent = "sent"
    read = "read"
    archived = "archived"
    deleted = "deleted"


class EmailEvent(BaseModel):
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
    email_id: Annotated[
        str,
        Field(
            description="The mailbox's id of the e-mail (a Gmail message id, an IMAP UID, or the Message-ID header).",
            max_length=998,
            min_length=1,
        ),
    ]
    thread_id: Annotated[
        str | None | MISSING,
        Field(
            description="The mailbox's id of the e-mail's thread, or null.",
            max_length=998,
        ),
    ] = MISSING
    from_address: Annotated[
        str | None | MISSING,
        Field(
            description="The sender's address (optionally with display name, as in the From header), or null when unknown.",
            max_length=998,
        ),
    ] = MISSING
    to_addresses: Annotated[
        list[ToAddress] | MISSING,
        Field(description="The To recipients' addresses.", max_length=1000),
    ] = MISSING
    cc_addresses: Annotated[
        list[CcAddress] | MISSING,
        Field(description="The Cc recipients' addresses.", max_length=1000),
    ] = MISSING
    subject: Annotated[
        str | None | MISSING,
        Field(description="The Subject header, or null.", max_length=4096),
    ] = MISSING
    snippet: Annotated[
        str | None | MISSING,
        Field(
            description="A short plain-text excerpt of the body, or null.",
            max_length=4096,
        ),
    ] = MISSING
    email_received_at: Annotated[
        v1.NullableDateTime | MISSING,
        Field(
            description="When the e-mail arrived in (or, for sent mail, left) the mailbox, or null when unknown."
        ),
    ] = MISSING
    labels: Annotated[
        list[Label] | MISSING,
        Field(
            description="The mailbox's labels or folders for the e-mail (e.g. INBOX, UNREAD, IMPORTANT).",
            max_length=100,
        ),
    ] = MISSING
    event_type: Annotated[EventType, Field(description="What happened to the e-mail.")]
