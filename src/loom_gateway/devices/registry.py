"""The device registry: devices and their activity, kept in compacted Kafka topics.

Kafka is the only store. Each replica reads the registry topics from the beginning into
memory at start-up (the gateway is not ready until it has), then follows them on a thread.
A write is a record published through the gateway's producer (acknowledged by every in-sync
replica) and applied locally as soon as Kafka has it, so the replica that wrote reads its write
at once.

Read-your-writes across replicas: every device read and write first takes the devices topic's
end offsets from the broker and waits until this replica's tail has read up to them
(``up_to_date``), so a write any replica confirmed before the request arrived is seen. Waiting
longer than LOOM_DEVICE_READ_WAIT_S, or no answer from the broker, is a 503 (``RegistryBehind``).

Tansu (the test broker) reports a partition's end as its last *batch's* base offset + 1, which
is short of the true end when that batch holds several records. Two things keep reads correct
anyway: the gateway never writes such a batch to the devices topic (a process's device writes are
serialised: one record in flight per producer, so each batch holds one record and the reported end
is the true one), and the tail reports its position only after handing over everything fetched
with it, whole batches (``_tail``), so waiting for a batch's first offset + 1 waits for all of it.
On Apache Kafka the end offset is the high watermark, which includes every acknowledged record.

Two replicas changing one device at the same moment: the later record wins as a whole
(no field-level merging across replicas). Writes on one replica are serialised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Collection, Mapping, Sequence
from functools import partial
from typing import Any, Protocol

import confluent_kafka
from confluent_kafka.admin import AdminClient, OffsetSpec
from pydantic import ValidationError

from loom_gateway.catalog import DataType
from loom_gateway.devices._activity import ActivityCounter, ActivitySummary, Slot, SlotTable
from loom_gateway.devices._document import Device, DeviceRules, is_active
from loom_gateway.devices._positions import Partition, ReadPositions
from loom_gateway.devices._table import DeviceQuery, DeviceTable
from loom_gateway.devices._tail import TopicTail
from loom_gateway.errors import (
    DeviceDeleted,
    DeviceNotFound,
    DeviceRecordTooLarge,
    GatewayNotReady,
    LoomError,
    RegistryBehind,
)
from loom_gateway.ingest.service import received_now
from loom_gateway.kafka.config import admin_config, consumer_config
from loom_gateway.kafka.records import Record
from loom_gateway.readiness import Readiness
from loom_gateway.settings import Settings

__all__ = ["DeviceRegistry", "EndOffsets", "Publishes"]

logger = logging.getLogger(__name__)

_HOLDER = "devices"
_WRITE_ID_HEADER = "loom.write_id"
_CONTENT_TYPE = ("content-type", b"application/json")


class Publishes(Protocol):
    """What the registry needs of ``kafka.producer.Publisher``."""

    async def publish(self, records: Sequence[Record]) -> list[LoomError | None]: ...


class EndOffsets(Protocol):
    """The broker's end offset (the offset the next record will get) of each partition."""

    async def __call__(self, partitions: Sequence[Partition], timeout_s: float) -> dict[Partition, int]: ...


class BrokerEndOffsets:
    """``EndOffsets`` by ListOffsets(latest), one request per call, through an admin client."""

    def __init__(self, config: Mapping[str, str | int | float | bool]) -> None:
        self._admin = AdminClient(dict(config))

    async def __call__(self, partitions: Sequence[Partition], timeout_s: float) -> dict[Partition, int]:
        if not partitions:
            return {}
        latest = OffsetSpec.latest()  # type: ignore[no-untyped-call]
        futures = self._admin.list_offsets(
            {confluent_kafka.TopicPartition(topic, partition): latest for topic, partition in partitions},
            request_timeout=timeout_s,
        )
        results = await asyncio.gather(*(asyncio.wrap_future(future) for future in futures.values()))
        return {
            (asked.topic, asked.partition): result.offset
            for asked, result in zip(futures, results, strict=True)
        }


class DeviceRegistry:
    """Devices (``device-registry`` kind) and their activity (``device-activity`` kind).

    Also ingestion's ``DeviceGate``: readings of deleted devices are refused, accepted ones counted.
    """

    def __init__(
        self,
        settings: Settings,
        devices: DataType,
        activity: DataType,
        publisher: Publishes,
        readiness: Readiness,
        end_offsets: EndOffsets | None = None,
    ) -> None:
        """``end_offsets``: where the devices topic's end offsets come from (default: the broker, via an
        admin client made at ``start``)."""
        self.replica_id = settings.device_replica_id or f"gw-{uuid.uuid4().hex[:12]}"
        self._settings = settings
        self._rules = DeviceRules(devices)
        self._devices = devices
        self._activity = activity
        self._publisher = publisher
        self._readiness = readiness
        self._table = DeviceTable()
        self._slots = SlotTable(settings.device_activity_max_devices)
        self._counter = ActivityCounter(
            self.replica_id,
            settings.device_activity_max_devices,
            recall=lambda device_id: self._slots.get(f"{device_id}/{self.replica_id}"),
        )
        self._summary = ActivitySummary(self._activity_slots)
        self._write_lock = asyncio.Lock()
        self._flush_lock = asyncio.Lock()
        self._tail: TopicTail | None = None
        self._positions = ReadPositions()
        self._end_offsets = end_offsets
        self._task: asyncio.Task[None] | None = None
        self._loaded = False
        readiness.hold(_HOLDER, "device registry not loaded yet")

    @property
    def max_body_bytes(self) -> int:
        return self._devices.max_body_bytes

    # Life cycle ---------------------------------------------------------------------------

    def start(self, topics_ready: Awaitable[object]) -> None:
        """Load the registry once ``topics_ready`` completes, then keep it current, in a task."""
        self._task = asyncio.create_task(self._run(topics_ready), name="device-registry")
        self._task.add_done_callback(self._ended)

    async def close(self, timeout_s: float = 10.0) -> None:
        """Stop following the topics and write the activity not yet written (before the producer closes)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._tail is not None:
            await asyncio.to_thread(self._tail.stop, timeout_s)
        self._loaded = False
        try:
            await asyncio.wait_for(self.flush_activity(), timeout_s)
        except (LoomError, TimeoutError) as error:
            detail = error.detail if isinstance(error, LoomError) else "timed out"
            logger.error("device activity not written at shutdown: %s", detail)

    async def _run(self, topics_ready: Awaitable[object]) -> None:
        await topics_ready
        topics = (self._devices.topic.name, self._activity.topic.name)
        self._readiness.hold(_HOLDER, f"device registry: reading {' and '.join(topics)}")
        loop = asyncio.get_running_loop()
        caught_up: asyncio.Future[None] = loop.create_future()

        def failed(reason: str) -> None:  # on the tail's thread
            loop.call_soon_threadsafe(self._failed, reason)

        if self._end_offsets is None:
            self._end_offsets = BrokerEndOffsets(admin_config(self._settings))
        self._tail = TopicTail(
            consumer_config(self._settings, f"loom-gateway-registry-{self.replica_id}"),
            {
                self._devices.topic.name: self.apply_device_record,
                self._activity.topic.name: self.apply_activity_record,
            },
            on_caught_up=partial(loop.call_soon_threadsafe, _settle, caught_up),
            on_failure=failed,
            on_position=self._positions.advanced,
            name="device-registry-tail",
        )
        self._tail.start()
        await caught_up
        own = [slot for slot in self._slots.slots() if slot.replica_id == self.replica_id]
        for slot in own:
            self._counter.seed(slot)
        self._loaded = True
        self._readiness.release(_HOLDER)
        logger.info(
            "device registry loaded: %d device(s); replica %s (%d earlier slot(s))",
            len(self._table),
            self.replica_id,
            len(own),
        )
        interval = self._settings.device_activity_flush_s
        while True:
            await asyncio.sleep(interval)
            try:
                await self.flush_activity()
            except LoomError as error:
                # Nothing is lost: the counts stay in memory and are written next time.
                logger.warning("device activity not written (retrying in %.1fs): %s", interval, error.detail)

    def _ended(self, task: asyncio.Task[None]) -> None:
        """The registry's task only ends when cancelled; anything else is a bug, reported as not-ready."""
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("the device registry stopped", exc_info=error)
            self._failed(f"{type(error).__name__}: {error}")

    def _failed(self, reason: str) -> None:
        self._loaded = False
        self._readiness.hold(_HOLDER, f"device registry stopped following its topics: {reason}")

    # Consuming (on the tail's thread) -------------------------------------------------------

    def apply_device_record(self, message: confluent_kafka.Message) -> None:
        """The next record of the devices topic. Records that are not devices are skipped, with a warning."""
        key = _key(message)
        if key is None:
            return
        value = message.value()
        if value is None:
            self._table.consumed(key, None, None)
            return
        try:
            device = self._rules.decode(value)
        except ValidationError as error:
            _skip(message, f"not a {self._devices.title}: {error.error_count()} error(s)")
            return
        if device.get(self._rules.key_field) != key:
            _skip(message, f"its key {key!r} is not its {self._rules.key_field}")
            return
        self._table.consumed(key, device, _header(message, _WRITE_ID_HEADER))

    def apply_activity_record(self, message: confluent_kafka.Message) -> None:
        """The next record of the activity topic. Records that are not slots are skipped, with a warning."""
        key = _key(message)
        if key is None:
            return
        value = message.value()
        if value is None:
            self._slots.consumed(key, None)
            return
        try:
            record = self._activity.model.model_validate_json(value, strict=True)
        except ValidationError as error:
            _skip(message, f"not a {self._activity.title}: {error.error_count()} error(s)")
            return
        fields: dict[str, Any] = record.model_dump(mode="json", by_alias=True)
        slot = Slot(fields["device_id"], fields["replica_id"], fields["last_seen_at"], fields["counts"])
        if slot.key != key or fields.get(self._activity.key_field) != key:
            _skip(message, f"its key {key!r} is not <device_id>/<replica_id>")
            return
        self._slots.consumed(key, slot)

    # Ingestion's DeviceGate (hot path: no I/O) ---------------------------------------------

    def check(self, device_id: str) -> None:
        device = self._table.get(device_id)
        if device is not None and not is_active(device):
            raise DeviceDeleted(device_id, device.get("deleted_at"), "its readings are refused")

    def seen(self, data_type: DataType, readings: Mapping[str, int]) -> None:
        self._counter.seen(readings, data_type.qualified_name, time.time())

    # The API --------------------------------------------------------------------------------

    def require_loaded(self) -> None:
        if not self._loaded:
            raise GatewayNotReady(self._readiness.reason or "the device registry is not loaded")

    async def up_to_date(self) -> None:
        """Wait until this replica has read every device write Kafka acknowledged before the call.

        Raises RegistryBehind when that takes longer than LOOM_DEVICE_READ_WAIT_S or the broker
        does not say where the devices topic ends. Before the tail has read anything (not loaded:
        the routes refuse) there is nothing to wait for.
        """
        partitions = self._positions.partitions(self._devices.topic.name)
        if not partitions or self._end_offsets is None:
            return
        wait_s = self._settings.device_read_wait_s
        started = time.monotonic()
        try:
            ends = await asyncio.wait_for(self._end_offsets(partitions, wait_s), wait_s)
        except TimeoutError:
            raise RegistryBehind(
                f"the broker did not say within {wait_s:g}s where {self._devices.topic.name} ends"
            ) from None
        except confluent_kafka.KafkaException as error:
            topic = self._devices.topic.name
            raise RegistryBehind(f"the broker did not say where {topic} ends: {error}") from error
        remaining_s = wait_s - (time.monotonic() - started)
        if not await self._positions.reached(ends, max(remaining_s, 0.0)):
            behind = {key: (self._positions.position(*key), end) for key, end in sorted(ends.items())}
            raise RegistryBehind(
                f"this replica has not read {self._devices.topic.name} up to its end within {wait_s:g}s "
                f"(read, end per partition: {behind})"
            )

    async def register(self, body: bytes) -> Device:
        posted = self._rules.parse(body)
        device_id = str(posted[self._rules.key_field])
        async with self._write_lock:
            await self.up_to_date()
            return await self._write(self._rules.register(self._table.get(device_id), posted, received_now()))

    def get(self, device_id: str) -> Device:
        device = self._table.get(device_id)
        if device is None or not is_active(device):
            raise DeviceNotFound(device_id)
        return device

    def find(self, query: DeviceQuery, device_ids: Collection[str] | None = None) -> list[Device]:
        """``device_ids``: only these (a key bound to devices lists its own)."""
        if device_ids is None:
            devices = self._table.devices()
        else:
            devices = [
                device for device_id in device_ids if (device := self._table.get(device_id)) is not None
            ]
        return query.select(devices, self._rules.key_field)

    async def patch(self, device_id: str, body: bytes) -> Device:
        async with self._write_lock:
            await self.up_to_date()
            return await self._write(self._rules.patch(self.get(device_id), body, received_now()))

    async def delete(self, device_id: str) -> Device:
        async with self._write_lock:
            await self.up_to_date()
            return await self._write(self._rules.delete(self.get(device_id), received_now()))

    async def restore(self, device_id: str) -> Device:
        async with self._write_lock:
            await self.up_to_date()
            device = self._table.get(device_id)
            if device is None:
                raise DeviceNotFound(device_id)
            if is_active(device):
                return device
            return await self._write(self._rules.restore(device, received_now()))

    async def activity(
        self, limit: int, offset: int, device_ids: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """A page of the devices' activity in device id order (of ``device_ids`` only, when given),
        summed over every replica's latest slot (at most a second old; see ``ActivitySummary``)."""
        return await self._summary.page(limit, offset, device_ids)

    def _activity_slots(self) -> list[Slot]:
        """Every replica's latest slots, this replica's own from memory (flushed or not)."""
        others = [slot for slot in self._slots.slots() if slot.replica_id != self.replica_id]
        return [*others, *self._counter.slots()]

    async def flush_activity(self) -> int:
        """Write the slots that changed since the last flush; how many were written.

        Raises the first failure; slots that failed stay due for the next flush.
        """
        async with self._flush_lock:
            due = [(slot, record) for slot in self._counter.drain() if (record := self._slot_record(slot))]
            if not due:
                return 0
            try:
                outcomes = await self._publisher.publish([record for _, record in due])
            except asyncio.CancelledError:  # shutting down: the final flush writes them
                self._counter.changed_again(slot.device_id for slot, _ in due)
                raise
            failures = [
                (slot, error) for (slot, _), error in zip(due, outcomes, strict=True) if error is not None
            ]
            if failures:
                self._counter.changed_again(slot.device_id for slot, _ in failures)
                raise failures[0][1]
            return len(due)

    async def _write(self, device: Device) -> Device:
        value, stored = self._rules.encode(device)
        topic = self._devices.topic
        if len(value) > topic.max_message_bytes:
            raise DeviceRecordTooLarge(
                f"the device record is {len(value)} bytes; "
                f"{topic.name} takes at most {topic.max_message_bytes}"
            )
        key = str(stored[self._rules.key_field])
        write_id = uuid.uuid4().hex
        headers: list[tuple[str, str | bytes | None]] = [
            (_WRITE_ID_HEADER, write_id.encode()),
            ("loom.schema", self._devices.schema_id.encode()),
            _CONTENT_TYPE,
        ]
        [error] = await self._publisher.publish([Record(topic.name, key.encode(), value, headers)])
        if error is not None:
            raise error
        self._table.written(key, stored, write_id)
        return stored

    def _slot_record(self, slot: Slot) -> Record | None:
        try:
            record = self._activity.model.model_validate(slot.as_record())
        except ValidationError as error:
            # Readings' device ids follow the same schema rule, so this is not expected to happen.
            logger.error("device activity slot %s cannot be written: %s", slot.key, error)
            return None
        value = record.model_dump_json(by_alias=True).encode()
        headers: list[tuple[str, str | bytes | None]] = [
            ("loom.schema", self._activity.schema_id.encode()),
            _CONTENT_TYPE,
        ]
        return Record(self._activity.topic.name, slot.key.encode(), value, headers)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _header(message: confluent_kafka.Message, name: str) -> str | None:
    headers = message.headers() or []
    values = headers.get(name) if isinstance(headers, dict) else dict(headers).get(name)
    return values.decode() if isinstance(values, bytes) else values


def _key(message: confluent_kafka.Message) -> str | None:
    key = message.key()
    if not key:
        _skip(message, "it has no key")
        return None
    return key.decode(errors="replace") if isinstance(key, bytes) else str(key)


def _skip(message: confluent_kafka.Message, reason: str) -> None:
    logger.warning("skipped %s[%s]@%s: %s", message.topic(), message.partition(), message.offset(), reason)
