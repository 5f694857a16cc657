"""Arrays of generic readings, each sent on to the data type its discriminator names.

``POST /sensor/batch`` takes generic sensor readings (``sensor_type`` + ``value``). An item
whose ``sensor_type`` names a target becomes a reading of that type, so every topic keeps
one schema: the payload object's fields, plus the item's own fields the target declares
(the envelope: device id, recorded_at, message id…). Other items stay generic readings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from loom_gateway.auth import Principal
from loom_gateway.catalog import DataType, Dispatch
from loom_gateway.errors import FieldError, InvalidReading, LoomError
from loom_gateway.ingest.one_pass import Group, OnePassDispatch
from loom_gateway.ingest.service import Ingestor, Prepared, Result, Settler, received_now
from loom_gateway.ingest.validation import (
    check_batch_size,
    parse_array,
    require_finite_numbers,
    validate_item,
)

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
        self._one_pass = OnePassDispatch(dispatch)

    async def ingest(self, body: bytes, principal: Principal | None = None) -> Result:
        received_at = received_now()
        try:
            readings = self._valid_readings(body)
            if readings is None:
                # Something is wrong (or the body is no array): item by item, to say what and where.
                items = parse_array(self.dispatch.data_type, body)
                prepared = [self._prepare(item, f"/{index}", received_at) for index, item in enumerate(items)]
            else:
                prepared = self._prepare_by_type(readings, received_at)
        except LoomError as error:
            self._settler.refused(self.dispatch.data_type, error)
            raise
        return Result(is_array=True, outcomes=await self._settler.settle(prepared, principal))

    def _prepare_by_type(self, groups: Sequence[Group], received_at: str) -> list[Prepared | LoomError]:
        """Each reading's record, in item order: the readings of each type prepared in one call."""
        if len(groups) == 1:  # one data type in the array: its items are in order already
            [(data_type, _, readings)] = groups
            return self._counted_all(data_type, self._ingestors[data_type].prepare_all(readings, received_at))
        placed: list[Prepared | LoomError] = [None] * sum(len(group.indexes) for group in groups)  # type: ignore[list-item]
        for data_type, indexes, readings in groups:
            prepared = self._ingestors[data_type].prepare_all(readings, received_at)
            for index, item in zip(indexes, self._counted_all(data_type, prepared), strict=True):
                placed[index] = item
        return placed

    def _valid_readings(self, body: bytes) -> Sequence[Group] | None:
        """Each item as a reading of the type it is sent on to, grouped by type, when every one is
        valid; else None.

        As typed arrays do, and with the same results as item by item: the whole array validated
        in one pass over the bytes (``OnePassDispatch``)."""
        require_finite_numbers(body)
        groups = self._one_pass.readings(body)
        if groups is not None:
            check_batch_size(self.dispatch.data_type, sum(len(group.indexes) for group in groups))
        return groups

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
        return self._counted_all(data_type, [item])[0]

    def _counted_all(
        self, data_type: DataType, items: list[Prepared | LoomError]
    ) -> list[Prepared | LoomError]:
        """The items, each refused one counted."""
        for item in items:
            if isinstance(item, LoomError):
                self._settler.refused(data_type, item)
        return items

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
