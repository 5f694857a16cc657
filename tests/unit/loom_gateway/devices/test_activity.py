"""loom_gateway.devices._activity: counting on the hot path, slots, and summing over replicas."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from loom_gateway.devices._activity import ActivityCounter, ActivitySummary, Slot, SlotTable, summarise

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


def test_the_counter_forgets_the_idlest_device_beyond_its_bound() -> None:
    counter = ActivityCounter("r1", max_entries=2)
    counter.seen({"d1": 1}, GPS, 1.0)
    counter.seen({"d2": 1}, GPS, 2.0)
    counter.seen({"d1": 1}, GPS, 3.0)  # d1 is busy again: d2 is now the idlest

    counter.seen({"d3": 1}, GPS, 4.0)

    assert len(counter) == 2
    assert sorted(slot.device_id for slot in counter.slots()) == ["d1", "d3"]
    assert sorted(slot.device_id for slot in counter.drain()) == ["d1", "d3"]


def test_a_forgotten_device_carries_on_from_its_slot_when_the_table_still_has_it() -> None:
    table = SlotTable()
    table.consumed("d2/r1", Slot("d2", "r1", "2025-07-08T14:53:08.000000Z", {GPS: 7}))
    counter = ActivityCounter("r1", max_entries=1, recall=lambda device_id: table.get(f"{device_id}/r1"))

    counter.seen({"d2": 1}, GPS, 1.0)

    [slot] = counter.slots()
    assert slot.counts == {GPS: 8}


def test_the_slot_table_keeps_at_most_its_bound_forgetting_the_slot_consumed_longest_ago() -> None:
    table = SlotTable(max_entries=2)
    for key in ("d1/r1", "d2/r1", "d1/r1", "d3/r1"):
        device_id, replica_id = key.split("/")
        table.consumed(key, Slot(device_id, replica_id, "2025-07-08T14:53:08.000000Z", {GPS: 1}))

    assert sorted(slot.key for slot in table.slots()) == ["d1/r1", "d3/r1"]
    assert table.get("d2/r1") is None


def test_the_summary_is_paged_in_device_order_filtered_and_shared_for_its_age() -> None:
    walks = 0
    slots = [Slot(f"d{index}", "r1", "2025-07-08T14:53:08.000000Z", {GPS: index}) for index in range(5)]

    def current() -> list[Slot]:
        nonlocal walks
        walks += 1
        return slots

    summary = ActivitySummary(current, max_age_s=3600)

    async def scenario() -> list[list[str]]:
        pages = await asyncio.gather(
            summary.page(2, 1), summary.page(2, 3), summary.page(10, 0, {"d4", "d0", "x"})
        )
        return [[entry["device_id"] for entry in page] for page in pages]

    assert asyncio.run(scenario()) == [["d1", "d2"], ["d3", "d4"], ["d0", "d4"]]
    assert walks == 1


def test_a_summary_older_than_its_age_is_worked_out_again() -> None:
    slots: list[Slot] = []
    summary = ActivitySummary(lambda: list(slots), max_age_s=0)

    assert asyncio.run(summary.page(10, 0)) == []
    slots.append(Slot("d1", "r1", "2025-07-08T14:53:08.000000Z", {GPS: 1}))
    assert [entry["device_id"] for entry in asyncio.run(summary.page(10, 0))] == ["d1"]


def test_the_walk_over_every_slot_runs_off_the_event_loops_thread() -> None:
    threads: list[int] = []

    def current() -> list[Slot]:
        threads.append(threading.get_ident())
        return []

    asyncio.run(ActivitySummary(current).page(10, 0))

    [thread] = threads
    assert thread != threading.get_ident()
