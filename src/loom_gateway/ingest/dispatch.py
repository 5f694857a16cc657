"""Arrays of generic readings, each sent on to the data type its discriminator names.

``POST /sensor/batch`` takes generic sensor readings (``sensor_type`` + ``value``). An item
whose ``sensor_type`` names a target becomes a reading of that type, so every topic keeps
one schema: the payload object's fields, plus the item's own fields the target declares
(the envelope: device id, recorded_at, message id…). Other items stay generic readings.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from loom_gateway.auth import Principal
from loom_gateway.catalog import DataType, Dispatch
from loom_gateway.errors import FieldError, InvalidReading, LoomError
from loom_gateway.ingest.service import Ingestor, Prepared, Result, Settler, received_now
from loom_gateway.ingest.validation import parse_array, validate_item

__all__ = ["Dispatcher"]


class Dispatcher:
    def __init__(self, dispatch: Dispatch, ingestors: Mapping[DataType, Ingestor], settler: Settler) -> None:
        self.dispatch = dispatch
        self._ingestors = ingestors
        self._settler = settler
        self._fields = {
            target: frozenset(field.alias or name for name, field in target.model.model_fields.items())
            for target in dispatch.targets.values()
        }

    async def ingest(self, body: bytes, principal: Principal | None = None) -> Result:
        received_at = received_now()
        try:
            items = parse_array(self.dispatch.data_type, body)
        except LoomError as error:
            self._settler.refused(self.dispatch.data_type, error)
            raise
        prepared = [self._prepare(item, f"/{index}", received_at) for index, item in enumerate(items)]
        return Result(is_array=True, outcomes=await self._settler.settle(prepared, principal))

    def _prepare(self, item: object, pointer: str, received_at: str) -> Prepared | LoomError:
        generic_type = self.dispatch.data_type
        generic = validate_item(generic_type, item, pointer)
        if isinstance(generic, InvalidReading):
            self._settler.refused(generic_type, generic)
            return generic
        target = self.dispatch.targets.get(str(getattr(generic, self.dispatch.discriminator)))
        if target is None:
            return self._counted(generic_type, self._ingestors[generic_type].prepare(generic, received_at))
        assert isinstance(item, dict)  # the generic schema is an object
        reading = self._as_target(item, target, pointer)
        if isinstance(reading, InvalidReading):
            return self._counted(target, reading)
        return self._counted(target, self._ingestors[target].prepare(reading, received_at))

    def _counted(self, data_type: DataType, item: Prepared | LoomError) -> Prepared | LoomError:
        if isinstance(item, LoomError):
            self._settler.refused(data_type, item)
        return item

    def _as_target(
        self, item: dict[str, object], target: DataType, pointer: str
    ) -> BaseModel | InvalidReading:
        discriminator, payload_field = self.dispatch.discriminator, self.dispatch.payload
        payload = item.get(payload_field)
        payload_pointer = f"{pointer}/{payload_field}"
        if not isinstance(payload, dict):
            message = (
                f"must be an object holding a {target.title} when {discriminator} is {item[discriminator]!r}"
            )
            return InvalidReading(
                f"{target.title} is invalid at {payload_pointer}",
                [FieldError(payload_pointer, "type", message)],
                target.schema_id,
            )
        fields = self._fields[target]
        envelope = {
            key: value
            for key, value in item.items()
            if key in fields and key not in (discriminator, payload_field) and key not in payload
        }
        return validate_item(
            target,
            {**envelope, **payload},
            pointer,
            relocate=lambda field: payload_pointer if field in payload or field not in envelope else pointer,
        )
