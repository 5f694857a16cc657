# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypeAliasType

from loom_catalog.formats import DateTimeFormat, LoomDateTimeFormat

CommonDefinitions = TypeAliasType(
    "CommonDefinitions",
    Annotated[
        Any,
        Field(
            description="Definitions shared by every data type. Not a data type itself: it has no x-loom annotation.",
            title="Common definitions",
        ),
    ],
)


DeviceId = TypeAliasType(
    "DeviceId",
    Annotated[
        str,
        Field(
            description="Identifier of the device that produced the reading (usually a UUID; the Loom mobile client may send the literal 'unknown'). Also the Kafka record key.",
            examples=["3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13"],
            pattern="^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
        ),
    ],
)


MessageId = TypeAliasType(
    "MessageId",
    Annotated[
        str,
        Field(
            description="Client-assigned UUID of this reading, used to recognise retries. The gateway assigns one when it is absent.",
            examples=["7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40"],
            pattern="^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        ),
    ],
)


DateTime = TypeAliasType(
    "DateTime",
    Annotated[
        LoomDateTimeFormat,
        Field(
            description="An RFC 3339 date-time whose UTC offset may be left out: then it is the device's local time (what the Loom mobile client sends). The pattern gives its shape; the format loom-date-time (schemas/README.md, Formats) refuses times that cannot exist: a 13th month, 30 February, hour 24, minute 60, an offset beyond 23:59.",
            examples=["2025-07-08T16:53:08.123456", "2025-07-08T14:53:08Z"],
        ),
    ],
)


NullableDateTime = TypeAliasType(
    "NullableDateTime",
    Annotated[
        LoomDateTimeFormat | None,
        Field(
            description="A date-time as in date_time (format loom-date-time), or null."
        ),
    ],
)


ReceivedAt = TypeAliasType(
    "ReceivedAt",
    Annotated[
        DateTimeFormat,
        Field(
            description="When the gateway received the reading, in UTC (an RFC 3339 date-time ending in Z). Set by the gateway; a value sent by a client is replaced."
        ),
    ],
)


SchemaVersion = TypeAliasType(
    "SchemaVersion",
    Annotated[
        int,
        Field(
            description="The version of the schema the gateway validated the reading against (the N of vN.json). Set by the gateway; a value sent by a client is replaced. Versions of a data type share a topic: this (or the loom.schema_version header) tells them apart.",
            ge=1,
        ),
    ],
)


TraceId = TypeAliasType(
    "TraceId",
    Annotated[
        str | None,
        Field(
            description="Optional distributed-trace id; the Loom mobile client always sends null.",
            max_length=128,
        ),
    ],
)


ServicesEncounteredItem = TypeAliasType(
    "ServicesEncounteredItem", Annotated[str, Field(max_length=128)]
)


ServicesEncountered = TypeAliasType(
    "ServicesEncountered",
    Annotated[
        list[ServicesEncounteredItem] | None,
        Field(
            description='Services the reading passed through before the gateway (the mobile client sends ["mobile-client"]).',
            max_length=64,
        ),
    ],
)


ContentHash = TypeAliasType(
    "ContentHash",
    Annotated[
        str | None,
        Field(
            description="Opaque client-side hash of the reading's content.",
            max_length=256,
        ),
    ],
)
