"""Retries recognised by message_id within the window."""

from __future__ import annotations

import asyncio

from loom_gateway.errors import BrokerUnavailable
from loom_gateway.ingest.dedupe import RecentMessages, dedupe_key

KEY = dedupe_key("device.sensor.gps.raw", "phone-1", "7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_acknowledged_id_is_remembered_for_the_window_only() -> None:
    clock = Clock()
    recent = RecentMessages(window_s=60, max_entries=10, clock=clock)

    async def scenario() -> None:
        recent.claim([KEY])
        recent.finish_all([(KEY, None)])

    asyncio.run(scenario())

    assert recent.acknowledged(KEY)
    clock.now += 59
    recent.expire()
    assert recent.acknowledged(KEY)
    clock.now += 2
    assert recent.acknowledged(KEY)  # until the next expire(), once per request
    recent.expire()
    assert not recent.acknowledged(KEY)


def test_a_failed_first_attempt_is_not_remembered_and_tells_its_waiters() -> None:
    recent = RecentMessages(window_s=60, max_entries=10)
    failure = BrokerUnavailable("no delivery report from Kafka in time")

    async def scenario() -> object:
        recent.claim([KEY])
        waiter = recent.in_flight(KEY)
        assert waiter is not None
        recent.finish_all([(KEY, failure)])
        return await waiter

    assert asyncio.run(scenario()) is failure
    assert not recent.acknowledged(KEY)
    assert recent.in_flight(KEY) is None


def test_the_oldest_ids_are_forgotten_beyond_the_bound() -> None:
    recent = RecentMessages(window_s=60, max_entries=2)
    keys = [dedupe_key("t", "phone-1", str(n)) for n in range(3)]

    async def scenario() -> None:
        for key in keys:
            recent.claim([key])
            recent.finish_all([(key, None)])

    asyncio.run(scenario())

    assert [recent.acknowledged(key) for key in keys] == [False, True, True]


def test_one_request_claims_its_ids_at_once_and_finishes_them_together() -> None:
    recent = RecentMessages(window_s=60, max_entries=10)
    names = ("acked", "in-flight", "new", "failed")
    acked, in_flight, new, failed = (dedupe_key("t", "phone-1", name) for name in names)
    failure = BrokerUnavailable("no delivery report from Kafka in time")

    async def scenario() -> tuple[dict[int, object], object]:
        recent.claim([acked])
        recent.finish_all([(acked, None)])
        recent.claim([in_flight])
        retries = recent.claim([acked, None, in_flight, new, failed])
        waiter = retries[2]
        assert isinstance(waiter, asyncio.Future)
        recent.finish_all([(in_flight, failure), (new, None), (failed, failure), (None, None)])
        return retries, await waiter

    retries, first_attempt = asyncio.run(scenario())

    assert sorted(retries) == [0, 2]  # the acknowledged id and the one still in flight
    assert retries[0] is None
    assert first_attempt is failure
    assert recent.acknowledged(new)
    assert not recent.acknowledged(failed)  # a failed first attempt is not remembered
    assert not recent.acknowledged(in_flight)
    assert recent.claim([failed, new]) == {1: None}  # a new attempt of a failed id is published


def test_keys_keep_device_and_message_id_apart_whatever_they_contain() -> None:
    # Device ids may hold ':'; ("a:1", "b") and ("a", "1:b") are different readings.
    assert dedupe_key("t", "a:1", "b") != dedupe_key("t", "a", "1:b")
    assert dedupe_key("t", "a", "b") != dedupe_key("u", "a", "b")


def test_an_id_twice_in_one_request_is_published_once_and_the_second_waits_for_the_first() -> None:
    recent = RecentMessages(window_s=60, max_entries=10)
    other = dedupe_key("t", "phone-1", "other")

    async def scenario() -> tuple[dict[int, object], object]:
        retries = recent.claim([KEY, None, other, KEY])
        waiter = retries[3]
        assert isinstance(waiter, asyncio.Future)
        recent.finish_all([(KEY, None), (None, None), (other, None)])
        return retries, await waiter

    retries, first_attempt = asyncio.run(scenario())

    assert sorted(retries) == [3]
    assert first_attempt is None  # acknowledged
    assert recent.acknowledged(KEY)
    assert recent.acknowledged(other)
