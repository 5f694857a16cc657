# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ...common import v1


class BrokenRule(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    pointer: Annotated[str, Field(description="JSON pointer into the request body.")]
    rule: Annotated[str, Field(description="The JSON Schema keyword broken.")]
    message: Annotated[str, Field(description="What is wrong.")]


class Refusal(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    type: Annotated[
        str, Field(description="The problem type, e.g. invalid-reading.", max_length=64)
    ]
    status: Annotated[
        int, Field(description="The HTTP status of the refusal.", ge=400, le=499)
    ]
    detail: Annotated[str, Field(description="The problem's detail.")]
    errors: Annotated[
        list[BrokenRule],
        Field(
            description="Each broken rule, for a reading that does not match its schema (else empty)."
        ),
    ]


class QuarantinedReading(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    source: Annotated[
        str,
        Field(
            description="The device id the reading claimed when it had a string one, otherwise the API key's id (or 'anonymous' with authentication disabled). The record key.",
            max_length=256,
        ),
    ]
    quarantined_at: v1.ReceivedAt
    route: Annotated[
        str, Field(description="The path the reading was sent to.", max_length=512)
    ]
    schema_id: Annotated[
        str,
        Field(
            description="The schema the reading was checked against.", max_length=512
        ),
    ]
    key_id: Annotated[
        str | None,
        Field(
            description="First 8 hex digits of the SHA-256 of the sender's API key (never the key); null with authentication disabled.",
            max_length=8,
        ),
    ]
    index: Annotated[
        int | None,
        Field(
            description="The reading's position in a JSON-array body; null for a body sent as one reading.",
            ge=0,
        ),
    ]
    error: Annotated[
        Refusal,
        Field(
            description="What the client was answered (the problem document's members).",
            title="Refusal",
        ),
    ]
    reading: Annotated[
        Any,
        Field(
            description="The refused reading as sent, when it was JSON and fits in the record; otherwise null and see body."
        ),
    ]
    body: Annotated[
        str | None,
        Field(
            description="The request body as text (invalid UTF-8 replaced), when it was not JSON or the reading was too large to keep whole; otherwise null."
        ),
    ]
    body_truncated: Annotated[
        bool, Field(description="Whether body was cut to fit the record.")
    ]
