"""loom_gateway.state.fleet: decisions for the whole fleet from the store, this worker's memory while the
store does not answer, and waiting for a first attempt held by another worker."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
import redis

from loom_gateway.errors import BrokerUnavailable, RateLimited
from loom_gateway.ingest.admission import DeviceRateLimiter
from loom_gateway.ingest.dedupe import DedupeKey, RecentMessages, dedupe_key
from loom_gateway.metrics import Metrics
from loom_gateway.state.fleet import FleetAdmission
from tests.support.redis_server import RedisServer

T = TypeVar("T")
TOPIC = "device.sensor.gps.raw"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fleet(
    url: str,
    metrics: Metrics,
    *,
    key_prefix: str = "",
    clock: Callable[[], float] | None = None,
    rate: float = 0,
) -> FleetAdmission:
    """One worker's admission (workers of one deployment share a key prefix)."""
    return FleetAdmission(
        url,
        metrics,
        timeout_s=1,
        key_prefix=key_prefix or f"test:{uuid.uuid4().hex}:",
        rate=rate,
        burst=2,
        in_flight_ttl_ms=10_000,
        window_ms=60_000,
        recent=RecentMessages(60, 100),
        rate_limiter=DeviceRateLimiter(rate, 2) if rate else None,
        clock=clock or Clock(),
    )


def two_workers(url: str) -> tuple[FleetAdmission, FleetAdmission, str]:
    """Two workers of one deployment (their shared key prefix, returned third)."""
    metrics, deployment = Metrics(), f"test:{uuid.uuid4().hex}:"
    return (
        fleet(url, metrics, key_prefix=deployment),
        fleet(url, metrics, key_prefix=deployment),
        deployment,
    )


def run(*fleets: FleetAdmission, scenario: Callable[[], Awaitable[T]]) -> T:
    async def opened() -> T:
        for each in fleets:
            await each.store.open()
        try:
            return await scenario()
        finally:
            for each in fleets:
                await each.store.close()

    return asyncio.run(opened())


def key(device: str, message_id: str = "7d9f0c2e-4b1a-4e8f-a6d3-1c5b9e2f8a40") -> DedupeKey:
    return dedupe_key(TOPIC, device, message_id)


def test_a_message_id_is_its_devices_and_a_retry_on_another_worker_waits_for_the_first_attempt(
    state_store: RedisServer,
) -> None:
    first, second, _ = two_workers(state_store.url)

    async def scenario() -> tuple[object, object, object, object]:
        claimed = await first.admit(["phone-1", "phone-2"], [key("phone-1"), key("phone-2")])
        retry = await second.admit(["phone-1"], [key("phone-1")])
        waiter = asyncio.ensure_future(_awaited(retry.retries[0]))
        await asyncio.sleep(0.05)
        assert not waiter.done()  # in flight: the retry waits
        assert claimed.finish is not None
        claimed.finish([(key("phone-1"), None), (key("phone-2"), None)])
        outcome = await asyncio.wait_for(waiter, 10)
        after = await second.admit(["phone-1"], [key("phone-1")])
        return claimed, retry, outcome, after

    claimed, retry, outcome, after = run(first, second, scenario=scenario)

    assert claimed.retries == {}  # two devices, one message id: two readings
    assert list(retry.retries) == [0]
    assert outcome is None  # the first attempt was acknowledged
    assert after.retries == {0: None}  # acknowledged: answered at once


def test_a_retry_waiting_on_a_failed_first_attempt_gets_a_503_to_retry_on(state_store: RedisServer) -> None:
    first, second, _ = two_workers(state_store.url)

    async def scenario() -> object:
        claimed = await first.admit(["phone-1"], [key("phone-1")])
        retry = await second.admit(["phone-1"], [key("phone-1")])
        assert claimed.finish is not None
        claimed.finish([(key("phone-1"), BrokerUnavailable("no delivery report from Kafka in time"))])
        return await asyncio.wait_for(_awaited(retry.retries[0]), 10)

    outcome = run(first, second, scenario=scenario)

    assert isinstance(outcome, BrokerUnavailable)
    assert outcome.retry_after


def test_a_request_of_several_readings_is_settled_as_one_group_or_reading_by_reading_when_some_failed(
    state_store: RedisServer,
) -> None:
    first, second, deployment = two_workers(state_store.url)
    landed, mixed = [key(f"phone-{n}") for n in range(3)], [key(f"watch-{n}") for n in range(3)]

    async def scenario() -> tuple[object, object]:
        for keys, errors in (
            (landed, [None, None, None]),
            (mixed, [None, BrokerUnavailable("no delivery report from Kafka in time"), None]),
        ):
            claimed = await first.admit(["device"] * 3, keys)
            assert claimed.finish is not None
            claimed.finish(list(zip(keys, errors, strict=True)))
        await first.store.close()  # sends what is still to settle
        await first.store.open()
        return await second.admit(["device"] * 3, landed), await second.admit(["device"] * 3, mixed)

    all_landed, some_failed = run(first, second, scenario=scenario)

    assert all_landed.retries == {0: None, 1: None, 2: None}
    assert some_failed.retries == {0: None, 2: None}  # the failed one is the second worker's to publish
    server = redis.Redis(port=state_store.port)
    values = [server.get(f"{deployment}msg:{each}") for each in landed]
    assert len(set(values)) == 1  # one group holds them all: untouched by the settle
    assert values[0] is not None
    assert values[0].startswith(b"@" + f"{deployment}req:".encode())


def test_the_store_rate_limits_with_retry_after(state_store: RedisServer) -> None:
    limited = fleet(state_store.url, Metrics(), rate=0.5)

    async def scenario() -> dict[int, object]:
        return dict((await limited.admit(["watch-1"] * 3, [None] * 3)).refused)

    refused = run(limited, scenario=scenario)

    assert list(refused) == [2]  # burst 2
    assert isinstance(refused[2], RateLimited)
    assert refused[2].retry_after == 2  # one reading every 2 s


def test_while_the_store_is_away_the_worker_decides_from_memory_counts_and_warns_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    away = RedisServer()  # nothing listens on its port yet
    metrics, clock = Metrics(), Clock()
    worker = fleet(away.url, metrics, clock=clock, rate=0.5)

    async def scenario() -> list[object]:
        answers = [await worker.admit(["watch-1"] * 3, [key("watch-1")] * 3)]
        clock.now += 30  # within the minute: counted, not said again
        answers.append(await worker.admit(["watch-2"], [key("watch-2")]))
        away.start()
        try:
            clock.now += 31  # past the second's pause: the store is asked again, and answers
            answers.append(await worker.admit(["watch-1"], [key("watch-1")]))
        finally:
            away.stop()
        return answers

    with caplog.at_level(logging.WARNING, logger="loom_gateway.state.fleet"):
        from_memory, meanwhile, recovered = run(worker, scenario=scenario)

    assert from_memory.refused.keys() == {2}  # this worker's own bucket (burst 2)
    assert from_memory.retries.keys() == {1}  # its own memory: the same id twice in one request
    assert meanwhile.retries == {}
    assert recovered.retries == {}  # the store never saw watch-1's id: published (it holds per worker)
    assert 'loom_state_errors_total{operation="admit"} 2.0' in metrics.render().decode()
    messages = [record.getMessage() for record in caplog.records]
    assert sum("did not answer" in message for message in messages) == 1
    assert any("answers again" in message for message in messages)


async def _awaited(awaitable: object) -> object:
    assert awaitable is not None
    return await awaitable  # type: ignore[misc]
