# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

CountsAdditionalProperty = TypeAliasType(
    "CountsAdditionalProperty", Annotated[int, Field(ge=0)]
)


class DeviceActivitySlot(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    slot: Annotated[
        str,
        Field(description="<device_id>/<replica_id>: the record key.", max_length=300),
    ]
    device_id: Annotated[
        str,
        Field(
            description="Identifier of the device that produced the reading (usually a UUID; the Loom mobile client may send the literal 'unknown'). Also the Kafka record key.",
            examples=["3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13"],
            pattern="^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
        ),
    ]
    replica_id: Annotated[
        str, Field(description="The gateway process that counted.", max_length=128)
    ]
    last_seen_at: Annotated[
        str,
        Field(
            description="When the gateway received the reading, in UTC. Set by the gateway; a value sent by a client is replaced.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    counts: Annotated[
        dict[str, CountsAdditionalProperty],
        Field(
            description="Accepted readings by data type (dotted name and version, e.g. device.sensor.gps.v1), since the replica started."
        ),
    ]
