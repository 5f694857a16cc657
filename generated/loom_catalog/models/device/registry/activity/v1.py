# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from ....common import v1

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
    device_id: v1.DeviceId
    replica_id: Annotated[
        str, Field(description="The gateway process that counted.", max_length=128)
    ]
    last_seen_at: v1.ReceivedAt
    counts: Annotated[
        dict[str, CountsAdditionalProperty],
        Field(
            description="Accepted readings by data type (dotted name and version, e.g. device.sensor.gps.v1), since the replica started."
        ),
    ]
