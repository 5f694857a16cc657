# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field

from loom_catalog.formats import UriFormat

from ...common import v1


class EventType(StrEnum):
    page_view = "page_view"
    page_close = "page_close"
    tab_switch = "tab_switch"
    scroll = "scroll"


class WebAnalyticsEvent(BaseModel):
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
    url: Annotated[
        UriFormat,
        Field(
            description="The page's URL as the browser reports it (any scheme: https, http, file, about, chrome, …)."
        ),
    ]
    title: Annotated[
        str | None | MISSING,
        Field(description="The page's title, or null.", max_length=4096),
    ] = MISSING
    domain: Annotated[
        str | None | MISSING,
        Field(
            description="Host name of the URL (e.g. en.wikipedia.org), or null for URLs without one (about:blank, file:).",
            max_length=253,
        ),
    ] = MISSING
    visit_duration_seconds: Annotated[
        float | None | MISSING,
        Field(
            description="For page_close and tab_switch, how long the page was visible, in seconds; otherwise null.",
            ge=0.0,
        ),
    ] = MISSING
    browser: Annotated[
        str | None | MISSING,
        Field(
            description="Browser name (e.g. chrome, firefox, safari, edge), or null.",
            max_length=64,
        ),
    ] = MISSING
    tab_id: Annotated[
        int | None | MISSING,
        Field(
            description="The browser's id of the tab (browser.tabs ids are integers; -1 means no tab), or null."
        ),
    ] = MISSING
    event_type: Annotated[EventType, Field(description="What happened.")]
