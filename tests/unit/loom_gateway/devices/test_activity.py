"""loom_gateway.devices._activity: counting on the hot path, slots, and summing over replicas."""

from __future__ import annotations

from datetime import UTC, datetime

from loom_gateway.devices._activity import ActivityCounter, Slot, SlotTable, summarise

T1 = datetime(2025, 7, 8, 14, 53, 8, 123456, tzinfo=UTC).timestamp()
T2 = T1 + 60
T1_TEXT = "2025-07-08T14:53:08.123456Z"
T2_TEXT = "2025-07-08T14:54:08.123456Z"
GPS = "device.sensor.gps.v1"
POWER = "device.state.power.v1"


def test_counts_per_device_and_data_type_with_the_latest_time() -> None:
    counter = ActivityCounter("r1")

    counter.seen({"d1": 1}, GPS, T2)
    counter.seen({"d1": 1}, GPS, T1)  # a late report does not move last-seen back
    counter.seen({"d1": 1}, POWER, T1)
    counter.seen({"d2": 1}, GPS, T1)

    assert sorted(counter.slots(), key=lambda slot: slot.key) == [
        Slot("d1", "r1", T2_TEXT, {GPS: 2, POWER: 1}),
        Slot("d2", "r1", T1_TEXT, {GPS: 1}),
    ]


def test_drain_gives_changed_devices_once_with_running_totals() -> None:
    counter = ActivityCounter("r1")
    counter.seen({"d1": 1}, GPS, T1)
    counter.seen({"d2": 1}, GPS, T1)

    assert [slot.device_id for slot in counter.drain()] == ["d1", "d2"]
    assert counter.drain() == []
    counter.seen({"d2": 1}, GPS, T2)
    assert counter.drain() == [Slot("d2", "r1", T2_TEXT, {GPS: 2})]


def test_slots_that_could_not_be_written_are_due_again() -> None:
    counter = ActivityCounter("r1")
    counter.seen({"d1": 1}, GPS, T1)
    [slot] = counter.drain()

    counter.changed_again([slot.device_id])
    counter.seen({"d1": 1}, GPS, T2)

    assert counter.drain() == [Slot("d1", "r1", T2_TEXT, {GPS: 2})]


def test_a_restarted_replica_carries_on_from_its_slot() -> None:
    counter = ActivityCounter("r1")

    counter.seed(Slot("d1", "r1", T2_TEXT, {GPS: 5}))
    counter.seen({"d1": 1}, GPS, T1)

    assert counter.slots() == [Slot("d1", "r1", T2_TEXT, {GPS: 6})]
    assert counter.drain() == [Slot("d1", "r1", T2_TEXT, {GPS: 6})]


def test_a_slot_record_is_keyed_by_device_and_replica() -> None:
    slot = Slot("d1", "r1", T1_TEXT, {POWER: 1, GPS: 2})

    assert slot.as_record() == {
        "slot": "d1/r1",
        "device_id": "d1",
        "replica_id": "r1",
        "last_seen_at": T1_TEXT,
        "counts": {GPS: 2, POWER: 1},
    }


def test_the_slot_table_keeps_the_latest_slot_per_key() -> None:
    table = SlotTable()

    table.consumed("d1/r1", Slot("d1", "r1", T1_TEXT, {GPS: 1}))
    table.consumed("d1/r1", Slot("d1", "r1", T2_TEXT, {GPS: 3}))
    table.consumed("d1/r2", Slot("d1", "r2", T1_TEXT, {GPS: 1}))
    table.consumed("d1/r2", None)

    assert table.slots() == [Slot("d1", "r1", T2_TEXT, {GPS: 3})]


def test_summarise_sums_counts_over_replicas_and_keeps_the_latest_time() -> None:
    slots = [
        Slot("d2", "r1", T1_TEXT, {GPS: 1}),
        Slot("d1", "r1", T1_TEXT, {GPS: 2, POWER: 1}),
        Slot("d1", "r2", "2025-07-08T14:54:08.1234567Z", {GPS: 3}),  # nine fraction digits are allowed
        Slot("d1", "r3", T1_TEXT, {}),
    ]

    assert summarise(slots) == [
        {
            "device_id": "d1",
            "last_seen_at": "2025-07-08T14:54:08.1234567Z",
            "counts": {GPS: 5, POWER: 1},
            "total": 6,
        },
        {"device_id": "d2", "last_seen_at": T1_TEXT, "counts": {GPS: 1}, "total": 1},
    ]


def test_summarise_of_nothing_is_empty() -> None:
    assert summarise([]) == []
