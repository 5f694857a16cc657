"""Ingestion: validate, stamp server fields, publish, and report per reading."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple, Protocol

from msgspec import UNSET, Struct
from pydantic import MISSING, BaseModel

from loom_gateway.auth import Principal
from loom_gateway.catalog import DataType
from loom_gateway.context import REQUEST_CONTEXT, RequestContext
from loom_gateway.errors import BrokerUnavailable, LoomError, ReadingTooLarge
from loom_gateway.ingest.admission import DeviceRateLimiter
from loom_gateway.ingest.dedupe import DedupeKey, RecentMessages, dedupe_key
from loom_gateway.ingest.mirror import StructMirror
from loom_gateway.ingest.validation import parse_body
from loom_gateway.kafka.producer import Publisher
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics

if TYPE_CHECKING:
    from loom_gateway.state.fleet import FleetAdmission

__all__ = ["DeviceGate", "Ingestor", "Outcome", "Prepared", "Result", "Settler", "received_now"]

_CONTENT_TYPE = ("content-type", b"application/json")
_TYPE_AND_DEVICE = attrgetter("data_type", "device_id")
_new_tuple = tuple.__new__
"""A named tuple built from a tuple of its fields: ``NamedTuple(...)`` goes through a Python-level
``__new__`` (~0.15 µs more each, three per reading on the hot path)."""
_SERVER_SET: set[str] = {"received_at", "schema_version"}
"""Replaced by the gateway's value whatever the client sent."""


class DeviceGate(Protocol):
    """What ingestion asks of the device registry."""

    def check(self, device_id: str) -> None:
        """Raise (a LoomError) when this device may not write, e.g. because it was deleted."""

    def seen(self, data_type: DataType, readings: Mapping[str, int]) -> None:
        """Accepted readings of one request, by device id: count them towards each device's activity."""


class Outcome(NamedTuple):
    """What became of one reading: ``error`` is None when the broker acknowledged it."""

    message_id: str | None
    trace_id: str | None
    topic: str | None
    error: LoomError | None


@dataclass(frozen=True, slots=True)
class Result:
    is_array: bool
    outcomes: Sequence[Outcome]


class Prepared(NamedTuple):
    """A valid reading, ready to publish."""

    data_type: DataType
    record: Record
    device_id: str
    message_id: str
    trace_id: str | None
    dedupe_key: DedupeKey | None
    """Topic, device id and message id (``dedupe_key``) when the client sent the id, so a retry
    can be recognised."""


_Admitted = tuple[
    Sequence[Prepared | LoomError],
    Mapping[int, Awaitable[LoomError | None] | None],
    Callable[[list[tuple[DedupeKey | None, LoomError | None]]], None] | None,
]
"""A request's readings once admitted (the refused replaced by their error), the retries among them,
and what to tell of the others' outcomes."""


def received_now() -> str:
    """Now, in UTC, as RFC 3339 with microseconds (``2025-07-08T16:53:08.123456Z``)."""
    # Once per reading request: the formatted second is cached, half the cost of isoformat().
    second, micro = divmod(time.time_ns() // 1000, 1_000_000)
    return f"{_utc_second(second)}.{micro:06d}Z"


@lru_cache(maxsize=2)
def _utc_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


class Settler:
    """Publishes prepared readings together and reports each one's fate; shared by every route kind."""

    def __init__(
        self,
        publisher: Publisher,
        metrics: Metrics,
        devices: DeviceGate | None = None,
        recent: RecentMessages | None = None,
        rate_limiter: DeviceRateLimiter | None = None,
        fleet: FleetAdmission | None = None,
    ) -> None:
        """``recent``/``rate_limiter``: this worker's memory of published message ids and its device
        buckets; ``fleet``: the shared state store deciding both for every worker instead (one call
        per request), falling back to that memory while it does not answer."""
        self._publisher = publisher
        self._metrics = metrics
        self._devices = devices
        self._recent = recent
        self._rate_limiter = rate_limiter
        self._fleet = fleet

    async def settle(
        self, items: Sequence[Prepared | LoomError], principal: Principal | None = None
    ) -> list[Outcome]:
        """``principal``: the caller, whose key may be bound to devices (None: auth disabled)."""
        items, retries, finish = (
            self._admit_here(items, principal)
            if self._fleet is None
            else await self._admit_in_fleet(self._admit_all(items, principal, None), self._fleet)
        )
        publishable = [
            item for index, item in enumerate(items) if isinstance(item, Prepared) and index not in retries
        ]
        try:
            errors = await self._publisher.publish([item.record for item in publishable])
        except BaseException:
            errors = [BrokerUnavailable("publishing was interrupted")] * len(publishable)
            raise
        finally:
            # Whatever happened, release the retries waiting on these first attempts.
            if finish is not None:
                finish([(first.dedupe_key, error) for first, error in zip(publishable, errors, strict=True)])
        if not retries and len(publishable) == len(items) and errors.count(None) == len(errors):
            # Every reading published and acknowledged, the common case: no branch per reading.
            self._count_accepted(Counter(map(_TYPE_AND_DEVICE, publishable)))
            return [
                _new_tuple(Outcome, (item.message_id, item.trace_id, item.record.topic, None))
                for item in publishable
            ]
        failures = iter(errors)
        outcomes = []
        accepted: Counter[tuple[DataType, str]] = Counter()
        for index, item in enumerate(items):
            if isinstance(item, LoomError):
                outcomes.append(Outcome(None, None, None, item))
                continue
            if index in retries:
                # Published before (or by an earlier attempt still in flight): not again.
                first_attempt = retries[index]
                error = None if first_attempt is None else await first_attempt
                self._metrics.duplicates.inc()
                outcomes.append(Outcome(item.message_id, item.trace_id, item.record.topic, error))
                continue
            error = next(failures)
            if error is None:
                accepted[item.data_type, item.device_id] += 1
            else:
                self._metrics.count(item.data_type, error)
            outcomes.append(Outcome(item.message_id, item.trace_id, item.record.topic, error))
        self._count_accepted(accepted)
        return outcomes

    def _count_accepted(self, accepted: Counter[tuple[DataType, str]]) -> None:
        """Counted once per request, not per reading: metrics per data type, activity per device."""
        by_type: dict[DataType, dict[str, int]] = {}
        for (data_type, device_id), count in accepted.items():
            by_type.setdefault(data_type, {})[device_id] = count
        for data_type, devices in by_type.items():
            self._metrics.count(data_type, None, sum(devices.values()))
            if self._devices is not None:
                self._devices.seen(data_type, devices)

    def _admit_here(self, items: Sequence[Prepared | LoomError], principal: Principal | None) -> _Admitted:
        """Rate limits and retries decided in this worker's memory. Retries: readings not to publish,
        index → the first attempt's outcome (None when acknowledged already)."""
        items = self._admit_all(items, principal, self._rate_limiter)
        recent = self._recent
        if recent is None:
            return items, {}, None
        recent.expire()
        keys = [item.dedupe_key if isinstance(item, Prepared) else None for item in items]
        return items, recent.claim(keys), recent.finish_all

    async def _admit_in_fleet(self, items: list[Prepared | LoomError], fleet: FleetAdmission) -> _Admitted:
        """Rate limits and retries decided by the shared store: one call for the whole request."""
        if not any(isinstance(item, Prepared) for item in items):
            return items, {}, None
        admission = await fleet.admit(
            [item.device_id if isinstance(item, Prepared) else None for item in items],
            [item.dedupe_key if isinstance(item, Prepared) else None for item in items],
        )
        for index, error in admission.refused.items():
            item = items[index]
            if isinstance(item, Prepared):
                self._metrics.count(item.data_type, error)
            items[index] = error
        return items, admission.retries, admission.finish

    def refused(self, data_type: DataType, error: LoomError) -> None:
        self._metrics.count(data_type, error)

    def _admit_all(
        self,
        items: Sequence[Prepared | LoomError],
        principal: Principal | None,
        rate_limiter: DeviceRateLimiter | None,
    ) -> list[Prepared | LoomError]:
        """Each reading admitted or replaced by why not: the key's binding and the registry asked
        once per device of the request, the rate limit spent per reading."""
        refusals: dict[str, LoomError | None] = {}
        admitted: list[Prepared | LoomError] = []
        for item in items:
            if not isinstance(item, Prepared):
                admitted.append(item)
                continue
            device_id = item.device_id
            if device_id in refusals:
                error = refusals[device_id]
            else:
                error = refusals[device_id] = self._refusal(device_id, principal)
            if error is None and rate_limiter is not None:
                try:
                    rate_limiter.take(device_id)
                except LoomError as limited:
                    error = limited
            if error is None:
                admitted.append(item)
            else:
                self._metrics.count(item.data_type, error)
                admitted.append(error)
        return admitted

    def _refusal(self, device_id: str, principal: Principal | None) -> LoomError | None:
        """Why this device may not write now (None: it may)."""
        try:
            if principal is not None:
                principal.check_device(device_id)
            if self._devices is not None:
                self._devices.check(device_id)
        except LoomError as error:
            return error
        return None


class _Stamp(NamedTuple):
    """What every record of one request through one ingestor shares (built once per request)."""

    received_at: str
    context: RequestContext | None
    suffix: bytes
    """The server's fields and the closing brace, appended to each serialised reading."""
    headers: list[tuple[str, str | bytes | None]]
    """Every header but ``loom.message_id``: schema, version, content type, the trace's."""


class Ingestor:
    """Turns request bodies for one data type into acknowledged records on its topic."""

    def __init__(self, data_type: DataType, settler: Settler) -> None:
        self.data_type = data_type
        self._settler = settler
        self._topic = data_type.topic
        self._key_field = data_type.key_field
        self._headers: list[tuple[str, str | bytes | None]] = [
            ("loom.schema", data_type.schema_id.encode()),
            # Versions of a data type share its topic: consumers tell them apart by this (or loom.schema).
            ("loom.schema_version", str(data_type.version).encode()),
            _CONTENT_TYPE,
        ]
        # Straight to pydantic-core's serializer: model_dump_json's argument handling cost a
        # measurable share of a batch.
        self._to_json = data_type.model.__pydantic_serializer__.to_json
        self._server_fields = _SERVER_SET & set(data_type.model.model_fields)
        # Without the server's fields: a reading that sends one is left to the model, which drops them.
        self._mirror = StructMirror.of(data_type.model, omit=self._server_fields, key=self._key_field)
        # Stamped into the value when the schema declares it (every catalog reading does).
        version = str(data_type.version).encode()
        self._version_field = (
            b',"schema_version":' + version if "schema_version" in self._server_fields else b""
        )
        self._stamp = _Stamp("", None, b"", [])

    def refused(self, error: LoomError) -> None:
        """Count a reading refused before it reached ``ingest`` (a bad WebSocket frame, say)."""
        self._settler.refused(self.data_type, error)

    async def ingest(self, body: bytes, principal: Principal | None = None) -> Result:
        """Raises for a body refused as a whole; otherwise reports each reading."""
        received_at = received_now()
        try:
            batch = parse_body(self.data_type, body, self._mirror)
            prepared = self.prepare_all(batch.items, received_at)
            if not batch.is_array and isinstance(prepared[0], LoomError):
                raise prepared[0]
        except LoomError as error:
            self._settler.refused(self.data_type, error)
            raise
        for item in prepared:
            if isinstance(item, LoomError):
                self._settler.refused(self.data_type, item)
        outcomes = await self._settler.settle(prepared, principal)
        if not batch.is_array and (failure := outcomes[0].error) is not None:
            raise failure
        return Result(batch.is_array, outcomes)

    def prepare(self, reading: BaseModel, received_at: str) -> Prepared | LoomError:
        """The record for a valid reading, with the server's fields set."""
        return self.prepare_all((reading,), received_at)[0]

    def prepare_all(
        self, readings: Sequence[BaseModel | Struct | LoomError], received_at: str
    ) -> list[Prepared | LoomError]:
        """``prepare`` for each reading of one request in one loop (the refused passed through):
        what is the same for all of them is looked up once, not per reading."""
        context = REQUEST_CONTEXT.get()
        stamp = self._stamp
        if stamp.context is not context or stamp.received_at != received_at:
            stamp = self._stamp = self._stamped(received_at, context)
        data_type, to_json, server_fields, key_field = (
            self.data_type,
            self._to_json,
            self._server_fields,
            self._key_field,
        )
        topic_name, max_bytes = self._topic.name, self._topic.max_message_bytes
        shared_suffix, shared_headers = stamp.suffix, stamp.headers
        mirror = self._mirror
        encode, mirrored = (mirror.encode, mirror.struct) if mirror is not None else (None, None)
        prepared: list[Prepared | LoomError] = []
        for reading in readings:
            if isinstance(reading, LoomError):
                prepared.append(reading)
                continue
            # Optional fields the client left out hold MISSING and are not serialised; what the
            # client sent (explicit nulls included) is published as sent. The server's fields are
            # appended to the serialised object: cheaper than setting them on the model.
            message_id = getattr(reading, "message_id", MISSING)
            if message_id is MISSING or message_id is UNSET:  # left out, of a model or of its mirror
                message_id = str(uuid.uuid4())
                suffix = shared_suffix[:-1] + b',"message_id":"' + message_id.encode() + b'"}'
                client_sent_id = False
            else:
                suffix = shared_suffix
                client_sent_id = True
            if type(reading) is mirrored:  # the mirror has no server fields
                dumped = encode(reading)  # type: ignore[misc]
            # ``exclude`` only when the client sent a server field: building it costs ~0.3 µs a call.
            elif server_fields.isdisjoint(reading.__pydantic_fields_set__):  # type: ignore[union-attr]
                dumped = to_json(reading, by_alias=True)
            else:
                dumped = to_json(reading, by_alias=True, exclude=server_fields)
            value = dumped[:-1] + suffix if dumped != b"{}" else b"{" + suffix[1:]
            if len(value) > max_bytes:
                prepared.append(
                    ReadingTooLarge(
                        f"the reading is {len(value)} bytes; {topic_name} takes at most {max_bytes}"
                    )
                )
                continue
            device_id = str(getattr(reading, key_field))
            trace_id = getattr(reading, "trace_id", None)
            record = (
                topic_name,
                device_id.encode(),
                value,
                [("loom.message_id", message_id.encode()), *shared_headers],
            )
            prepared.append(
                _new_tuple(
                    Prepared,
                    (
                        data_type,
                        _new_tuple(Record, record),
                        device_id,
                        message_id,
                        trace_id if isinstance(trace_id, str) else None,
                        # A message id is its device's: another device's reading with the same id is its own.
                        dedupe_key(topic_name, device_id, message_id) if client_sent_id else None,
                    ),
                )
            )
        if context is not None and context.device_id is None:
            # The log line names the request's (first) device and topic.
            first = next((item for item in prepared if isinstance(item, Prepared)), None)
            if first is not None:
                context.device_id, context.topic = first.device_id, topic_name
        return prepared

    def _stamped(self, received_at: str, context: RequestContext | None) -> _Stamp:
        """The parts of a record that are the same for every reading of this request."""
        suffix = b',"received_at":"' + received_at.encode() + b'"' + self._version_field + b"}"
        headers = self._headers
        if context is not None and context.trace_headers is not None:
            # The device's W3C trace continues in every record of its request.
            headers = [*headers, *context.trace_headers]
        return _Stamp(received_at, context, suffix, headers)
