"""loom_gateway.devices._positions: how far the tail has read, and waiting for it on the event loop."""

from __future__ import annotations

import asyncio
import threading

from loom_gateway.devices._positions import ReadPositions

TOPIC = "devices"


def test_targets_already_reached_need_no_wait() -> None:
    positions = ReadPositions()
    positions.advanced(TOPIC, 0, 5)
    positions.advanced(TOPIC, 1, 0)

    assert asyncio.run(positions.reached({(TOPIC, 0): 5, (TOPIC, 1): 0}, timeout_s=0))
    assert positions.partitions(TOPIC) == [(TOPIC, 0), (TOPIC, 1)]
    assert positions.partitions("other") == []


def test_positions_only_move_forward() -> None:
    positions = ReadPositions()
    positions.advanced(TOPIC, 0, 9)
    positions.advanced(TOPIC, 0, 3)

    assert positions.position(TOPIC, 0) == 9


def test_a_waiter_is_woken_by_the_tail_thread_once_every_partition_is_reached() -> None:
    positions = ReadPositions()
    positions.advanced(TOPIC, 0, 0)
    positions.advanced(TOPIC, 1, 0)

    async def scenario() -> bool:
        waiting = asyncio.create_task(positions.reached({(TOPIC, 0): 2, (TOPIC, 1): 1}, timeout_s=30))
        await asyncio.sleep(0.01)
        tail = threading.Thread(target=lambda: positions.advanced(TOPIC, 0, 2))
        tail.start()
        tail.join()
        await asyncio.sleep(0.01)
        assert not waiting.done()  # partition 1 is still behind
        tail = threading.Thread(target=lambda: positions.advanced(TOPIC, 1, 1))
        tail.start()
        tail.join()
        return await waiting

    assert asyncio.run(scenario())


def test_a_tail_that_does_not_get_there_in_time_is_reported_and_forgets_the_waiter() -> None:
    positions = ReadPositions()
    positions.advanced(TOPIC, 0, 1)

    assert not asyncio.run(positions.reached({(TOPIC, 0): 2}, timeout_s=0.01))
    assert not asyncio.run(positions.reached({(TOPIC, 1): 0}, timeout_s=0.01))  # never read at all
    positions.advanced(TOPIC, 0, 2)  # no waiter left to wake (and no loop to wake it on)
