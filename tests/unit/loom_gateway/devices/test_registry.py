"""loom_gateway.devices.registry without a broker: a fake publisher, records fed back by hand."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from typing import Any

import confluent_kafka
import pytest
from confluent_kafka import KafkaError, KafkaException

from loom_catalog.catalog import (
    DEVICE_REGISTRY_ACTIVITY_V1,
    DEVICE_REGISTRY_DEVICES_V1,
    DEVICE_SENSOR_GPS_V1,
    DEVICE_STATE_POWER_V1,
)
from loom_gateway.devices._table import DeviceQuery
from loom_gateway.devices.registry import DeviceRegistry
from loom_gateway.errors import (
    BrokerUnavailable,
    DeviceDeleted,
    DeviceNotFound,
    DeviceRecordTooLarge,
    GatewayNotReady,
    LoomError,
    RegistryBehind,
)
from loom_gateway.kafka.records import Record
from loom_gateway.readiness import Readiness
from loom_gateway.settings import load_settings

DEVICES_TOPIC = DEVICE_REGISTRY_DEVICES_V1.topic.name
ACTIVITY_TOPIC = DEVICE_REGISTRY_ACTIVITY_V1.topic.name
DEVICE_ID = "3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d13"
GPS = DEVICE_SENSOR_GPS_V1.qualified_name
POWER = DEVICE_STATE_POWER_V1.qualified_name


class FakePublisher:
    """Records every call; answers with the given outcomes, then with acknowledgements."""

    def __init__(self, *failures: LoomError | None) -> None:
        self.failures = list(failures)
        self.records: list[Record] = []
        self.hang = False

    async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
        outcomes = [self.failures.pop(0) if self.failures else None for _ in records]
        self.records += [record for record, outcome in zip(records, outcomes, strict=True) if outcome is None]
        return outcomes


def registry(publisher: FakePublisher | None = None, replica_id: str = "r1") -> DeviceRegistry:
    return DeviceRegistry(
        load_settings(device_replica_id=replica_id),
        DEVICE_REGISTRY_DEVICES_V1,
        DEVICE_REGISTRY_ACTIVITY_V1,
        publisher or FakePublisher(),
        Readiness(),
    )


def body(**changes: Any) -> bytes:
    return json.dumps(
        {"device_id": DEVICE_ID, "name": "Pixel 8", "device_type": "mobile_android", **changes}
    ).encode()


def message(record: Record) -> confluent_kafka.Message:
    return confluent_kafka.Message(
        topic=record.topic,
        partition=0,
        offset=0,
        key=record.key,
        value=record.value,
        headers=list(record.headers),
    )


def raw_message(topic: str, key: bytes | None, value: bytes | None) -> confluent_kafka.Message:
    return confluent_kafka.Message(topic=topic, partition=0, offset=7, key=key, value=value)


def test_it_holds_the_gateway_not_ready_until_loaded() -> None:
    readiness = Readiness()
    DeviceRegistry(
        load_settings(), DEVICE_REGISTRY_DEVICES_V1, DEVICE_REGISTRY_ACTIVITY_V1, FakePublisher(), readiness
    )

    assert not readiness.ready
    assert "device registry" in (readiness.reason or "")
    with pytest.raises(GatewayNotReady):
        registry().require_loaded()


def test_the_replica_id_is_the_setting_or_random_per_process() -> None:
    assert registry(replica_id="pod-0").replica_id == "pod-0"
    first, second = (
        DeviceRegistry(
            load_settings(),
            DEVICE_REGISTRY_DEVICES_V1,
            DEVICE_REGISTRY_ACTIVITY_V1,
            FakePublisher(),
            Readiness(),
        )
        for _ in range(2)
    )
    assert first.replica_id != second.replica_id


def test_a_registration_is_one_acknowledged_record_and_read_back_at_once() -> None:
    publisher = FakePublisher()
    devices = registry(publisher)

    device = asyncio.run(devices.register(body()))

    [record] = publisher.records
    assert (record.topic, record.key) == (DEVICES_TOPIC, DEVICE_ID.encode())
    assert json.loads(record.value) == device
    headers = dict(record.headers)
    assert headers["loom.schema"] == DEVICE_REGISTRY_DEVICES_V1.schema_id.encode()
    assert headers["content-type"] == b"application/json"
    assert len(headers["loom.write_id"]) == 32
    assert devices.get(DEVICE_ID) == device
    assert devices.find(DeviceQuery()) == [device]


def test_a_write_kafka_did_not_acknowledge_fails_and_is_not_applied() -> None:
    devices = registry(FakePublisher(BrokerUnavailable("down")))

    with pytest.raises(BrokerUnavailable):
        asyncio.run(devices.register(body()))

    with pytest.raises(DeviceNotFound):
        devices.get(DEVICE_ID)


def test_a_record_too_large_for_its_topic_is_refused_before_publishing() -> None:
    publisher = FakePublisher()
    devices = registry(publisher)

    with pytest.raises(DeviceRecordTooLarge):
        asyncio.run(
            devices.register(
                body(metadata={"blob": "x" * DEVICE_REGISTRY_DEVICES_V1.topic.max_message_bytes})
            )
        )

    assert publisher.records == []


def test_another_replicas_records_are_materialised_latest_first() -> None:
    writer, reader = FakePublisher(), registry()
    other = registry(writer, replica_id="r2")
    asyncio.run(other.register(body()))
    asyncio.run(other.patch(DEVICE_ID, b'{"name": "renamed"}'))

    for record in writer.records:
        reader.apply_device_record(message(record))

    assert reader.get(DEVICE_ID)["name"] == "renamed"
    assert reader.get(DEVICE_ID) == other.get(DEVICE_ID)


def test_records_that_are_not_devices_are_skipped_and_tombstones_forget(
    caplog: pytest.LogCaptureFixture,
) -> None:
    writer, reader = FakePublisher(), registry()
    asyncio.run(registry(writer, replica_id="r2").register(body()))
    [record] = writer.records
    reader.apply_device_record(message(record))

    reader.apply_device_record(raw_message(DEVICES_TOPIC, DEVICE_ID.encode(), b'{"device_id": 1}'))
    reader.apply_device_record(raw_message(DEVICES_TOPIC, b"another-id", record.value))
    reader.apply_device_record(raw_message(DEVICES_TOPIC, None, record.value))

    assert reader.get(DEVICE_ID) == json.loads(record.value)
    assert len(reader.find(DeviceQuery())) == 1
    assert len([r for r in caplog.records if r.message.startswith(f"skipped {DEVICES_TOPIC}[0]@7")]) == 3
    reader.apply_device_record(raw_message(DEVICES_TOPIC, DEVICE_ID.encode(), None))
    with pytest.raises(DeviceNotFound):
        reader.get(DEVICE_ID)


def test_the_gate_refuses_only_deleted_devices() -> None:
    devices = registry()
    asyncio.run(devices.register(body()))

    devices.check(DEVICE_ID)
    devices.check("never-registered")  # the mobile client carries on when registration fails
    deleted = asyncio.run(devices.delete(DEVICE_ID))

    with pytest.raises(DeviceDeleted) as caught:
        devices.check(DEVICE_ID)
    assert caught.value.status == 403
    assert caught.value.extensions() == {"device_id": DEVICE_ID, "deleted_at": deleted["deleted_at"]}
    assert DEVICE_ID in caught.value.detail


def test_a_deleted_device_is_not_found_until_restored() -> None:
    devices = registry()
    asyncio.run(devices.register(body()))
    asyncio.run(devices.delete(DEVICE_ID))

    with pytest.raises(DeviceNotFound):
        devices.get(DEVICE_ID)
    with pytest.raises(DeviceNotFound):
        asyncio.run(devices.patch(DEVICE_ID, b'{"name": "x"}'))
    with pytest.raises(DeviceNotFound):
        asyncio.run(devices.delete(DEVICE_ID))
    with pytest.raises(DeviceDeleted):
        asyncio.run(devices.register(body()))
    assert devices.find(DeviceQuery()) == []
    assert [d["device_id"] for d in devices.find(DeviceQuery(is_active=False))] == [DEVICE_ID]

    restored = asyncio.run(devices.restore(DEVICE_ID))

    assert devices.get(DEVICE_ID) == restored
    devices.check(DEVICE_ID)
    assert asyncio.run(devices.restore(DEVICE_ID)) == restored  # already active: unchanged
    with pytest.raises(DeviceNotFound):
        asyncio.run(devices.restore("never-registered"))


def test_unknown_devices_cannot_be_patched_or_deleted() -> None:
    devices = registry()

    with pytest.raises(DeviceNotFound):
        asyncio.run(devices.patch(DEVICE_ID, b"{}"))
    with pytest.raises(DeviceNotFound):
        asyncio.run(devices.delete(DEVICE_ID))


def test_activity_flushes_changed_slots_as_keyed_records() -> None:
    publisher = FakePublisher()
    devices = registry(publisher)
    devices.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})
    devices.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})
    devices.seen(DEVICE_STATE_POWER_V1, {DEVICE_ID: 1})

    assert asyncio.run(devices.flush_activity()) == 1
    assert asyncio.run(devices.flush_activity()) == 0

    [record] = publisher.records
    assert (record.topic, record.key) == (ACTIVITY_TOPIC, f"{DEVICE_ID}/r1".encode())
    slot = json.loads(record.value)
    assert {key: slot[key] for key in ("slot", "device_id", "replica_id", "counts")} == {
        "slot": f"{DEVICE_ID}/r1",
        "device_id": DEVICE_ID,
        "replica_id": "r1",
        "counts": {GPS: 2, POWER: 1},
    }
    assert slot["last_seen_at"].endswith("Z")


def test_a_failed_flush_raises_and_the_slots_are_written_next_time() -> None:
    publisher = FakePublisher(BrokerUnavailable("down"))
    devices = registry(publisher)
    devices.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})

    with pytest.raises(BrokerUnavailable):
        asyncio.run(devices.flush_activity())

    assert asyncio.run(devices.flush_activity()) == 1  # no new reading needed
    [record] = publisher.records
    assert json.loads(record.value)["counts"] == {GPS: 1}


def test_slots_of_a_flush_cancelled_at_shutdown_are_written_by_the_final_flush() -> None:
    class Hanging(FakePublisher):
        async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
            if self.hang:
                await asyncio.Event().wait()
            return await super().publish(records)

    publisher = Hanging()
    publisher.hang = True
    devices = registry(publisher)
    devices.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})

    async def cancel_a_flush_then_flush() -> int:
        flush = asyncio.create_task(devices.flush_activity())
        await asyncio.sleep(0)
        flush.cancel()
        with pytest.raises(asyncio.CancelledError):
            await flush
        publisher.hang = False
        return await devices.flush_activity()

    assert asyncio.run(cancel_a_flush_then_flush()) == 1
    assert len(publisher.records) == 1


def test_activity_sums_every_replicas_latest_slot_and_this_ones_unwritten_counts() -> None:
    other_publisher = FakePublisher()
    other = registry(other_publisher, replica_id="r2")
    other.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})
    asyncio.run(other.flush_activity())
    other.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})
    other.seen(DEVICE_STATE_POWER_V1, {"d2": 1})
    asyncio.run(other.flush_activity())
    mine_publisher = FakePublisher()
    mine = registry(mine_publisher, replica_id="r1")
    mine.seen(DEVICE_SENSOR_GPS_V1, {DEVICE_ID: 1})
    asyncio.run(mine.flush_activity())
    mine.seen(DEVICE_STATE_POWER_V1, {DEVICE_ID: 1})  # not written yet

    # Every slot comes back from the topic, this replica's own included.
    for record in [*other_publisher.records, *mine_publisher.records]:
        mine.apply_activity_record(message(record))

    [first, second] = asyncio.run(mine.activity(100, 0))
    assert (first["device_id"], first["counts"], first["total"]) == (DEVICE_ID, {GPS: 3, POWER: 1}, 4)
    assert (second["device_id"], second["counts"]) == ("d2", {POWER: 1})


def test_activity_records_that_are_not_slots_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    devices = registry()
    slot = {"slot": "d1/r2", "device_id": "d1", "replica_id": "r2", "last_seen_at": "2025-07-08T14:53:08Z"}

    devices.apply_activity_record(
        raw_message(ACTIVITY_TOPIC, b"d1/r2", json.dumps({**slot, "counts": {GPS: -1}}).encode())
    )
    devices.apply_activity_record(
        raw_message(ACTIVITY_TOPIC, b"d1/r3", json.dumps({**slot, "counts": {}}).encode())
    )

    assert asyncio.run(devices.activity(100, 0)) == []
    assert len([r for r in caplog.records if r.message.startswith("skipped")]) == 2


# Read-your-writes across replicas: waiting for the devices topic's end --------------------------


class FakeEndOffsets:
    """The broker's answer to ListOffsets(latest): ``ends``, or ``error`` raised; calls counted."""

    def __init__(self, ends: dict[tuple[str, int], int], error: Exception | None = None) -> None:
        self.ends = ends
        self.error = error
        self.calls = 0

    async def __call__(
        self, partitions: Sequence[tuple[str, int]], timeout_s: float
    ) -> dict[tuple[str, int], int]:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return {partition: self.ends[partition] for partition in partitions}


def waiting_registry(end_offsets: FakeEndOffsets, wait_s: float = 30.0) -> DeviceRegistry:
    return DeviceRegistry(
        load_settings(device_replica_id="r1", device_read_wait_s=wait_s),
        DEVICE_REGISTRY_DEVICES_V1,
        DEVICE_REGISTRY_ACTIVITY_V1,
        FakePublisher(),
        Readiness(),
        end_offsets,
    )


def tail_reads(devices: DeviceRegistry, partition: int, position: int) -> None:
    """What the registry's topic tail reports from its thread."""
    thread = threading.Thread(target=devices._positions.advanced, args=(DEVICES_TOPIC, partition, position))
    thread.start()
    thread.join()


def test_a_read_waits_until_the_tail_has_read_to_the_end_offsets_taken_when_it_began() -> None:
    end_offsets = FakeEndOffsets({(DEVICES_TOPIC, 0): 4, (DEVICES_TOPIC, 1): 2})
    devices = waiting_registry(end_offsets)
    tail_reads(devices, 0, 3)
    tail_reads(devices, 1, 2)
    tail_reads(devices, 0, 3)

    async def scenario() -> None:
        waiting = asyncio.create_task(devices.up_to_date())
        await asyncio.sleep(0.02)
        assert not waiting.done()  # partition 0 is one record short
        tail_reads(devices, 0, 4)
        await asyncio.wait_for(waiting, 10)

    asyncio.run(scenario())
    assert end_offsets.calls == 1
    asyncio.run(devices.up_to_date())  # a new read asks again
    assert end_offsets.calls == 2


def test_a_tail_that_does_not_reach_the_end_in_time_is_a_503_to_retry() -> None:
    devices = waiting_registry(FakeEndOffsets({(DEVICES_TOPIC, 0): 9}), wait_s=0.05)
    tail_reads(devices, 0, 3)

    with pytest.raises(RegistryBehind) as raised:
        asyncio.run(devices.up_to_date())
    assert (raised.value.status, raised.value.retry_after) == (503, 1)
    assert "read, end per partition: {('" in raised.value.detail
    with pytest.raises(RegistryBehind):  # a write does not build on a stale copy either
        asyncio.run(devices.register(body()))


def test_a_broker_that_does_not_say_where_the_topic_ends_is_a_503_to_retry() -> None:
    failing = KafkaException(KafkaError(KafkaError._TRANSPORT, "broker down"))
    devices = waiting_registry(FakeEndOffsets({}, failing))
    tail_reads(devices, 0, 3)

    with pytest.raises(RegistryBehind, match="broker down"):
        asyncio.run(devices.up_to_date())


def test_device_writes_are_one_record_in_flight_at_a_time() -> None:
    # What makes Tansu's end offsets (its last batch's base offset + 1) exact for the devices topic:
    # a producer never holds two device records at once, so every batch it writes holds one.
    class CountingPublisher(FakePublisher):
        in_flight = 0
        most = 0

        async def publish(self, records: Sequence[Record]) -> list[LoomError | None]:
            assert len(records) == 1
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            await asyncio.sleep(0.01)
            self.in_flight -= 1
            return await super().publish(records)

    publisher = CountingPublisher()
    devices = registry(publisher)

    async def concurrently() -> None:
        ids = [f"3f2b1c9e-8d4a-4f6b-9c1d-2e7a5b8c0d{n:02d}" for n in range(8)]
        await asyncio.gather(*(devices.register(body(device_id=device_id)) for device_id in ids))
        await asyncio.gather(*(devices.patch(device_id, b'{"tags": ["x"]}') for device_id in ids))

    asyncio.run(concurrently())
    assert (len(publisher.records), publisher.most) == (16, 1)
