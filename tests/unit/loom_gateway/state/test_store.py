"""loom_gateway.state.store: the admission and settle scripts' semantics, on a real redis-server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
import redis

from loom_gateway.state._scripts import ACKNOWLEDGED, IN_FLIGHT
from loom_gateway.state.store import SETTLE_DELAY_S, Claim, StateStore
from tests.support.redis_server import RedisServer

T = TypeVar("T")
PUBLISH = 0


def store(
    server: RedisServer,
    *,
    rate: float = 0,
    burst: int = 1,
    in_flight_ttl_ms: int = 10_000,
    window_ms: int = 60_000,
) -> StateStore:
    return StateStore(
        server.url,
        timeout_s=2,
        rate=rate,
        burst=burst,
        in_flight_ttl_ms=in_flight_ttl_ms,
        window_ms=window_ms,
        on_error=lambda operation, error: pytest.fail(f"{operation}: {error}"),
    )


def run(*stores: StateStore, scenario: Callable[[], Awaitable[T]]) -> T:
    async def opened() -> T:
        for each in stores:
            await each.open()
        try:
            return await scenario()
        finally:
            for each in stores:
                await each.close()

    return asyncio.run(opened())


def fresh(name: str) -> str:
    return f"test:{uuid.uuid4().hex}:{name}"


def claim(name: str, device: str | None = None) -> Claim:
    """A fresh message id of ``device`` (by default a device of its own)."""
    return device or fresh("device"), fresh(name)


def test_a_device_gets_its_burst_at_once_then_its_rate_and_every_worker_draws_on_one_bucket(
    state_store: RedisServer,
) -> None:
    # One reading every 2 s: slow enough that a loaded machine's pauses refill nothing meanwhile.
    workers = [store(state_store, rate=0.5, burst=20) for _ in range(2)]
    device = fresh("rate")

    async def scenario() -> tuple[list[int], list[int]]:
        # 40 readings, alternating between two workers: one bucket of 20 for both.
        burst = [(await workers[n % 2].admit([device], [None]))[0] for n in range(40)]
        await asyncio.sleep(2.1)  # one more reading's worth
        later = (await workers[0].admit([device], [None]))[0]
        return burst, [later]

    burst, later = run(*workers, scenario=scenario)

    assert burst[:20] == [PUBLISH] * 20
    assert all(answer < 0 for answer in burst[20:])  # refused, retry after -answer ms
    assert 0 < -burst[20] <= 2000  # at most one reading's interval
    assert later == [PUBLISH]


def test_readings_of_one_request_and_of_coalesced_requests_each_take_a_step(state_store: RedisServer) -> None:
    worker = store(state_store, rate=0.1, burst=20)
    device = fresh("rate")

    async def scenario() -> tuple[list[list[int]], int]:
        calls_before = state_store.script_calls()
        # 30 requests at once (one reading each) and one of 5 readings: all coalesced by the worker.
        answers = await asyncio.gather(
            *(worker.admit([device], [None]) for _ in range(30)), worker.admit([device] * 5, [None] * 5)
        )
        return answers, state_store.script_calls() - calls_before

    answers, calls = run(worker, scenario=scenario)

    flat = [answer for request in answers for answer in request]
    assert flat.count(PUBLISH) == 20  # one bucket, however the requests were merged
    assert calls < 31  # fewer script calls than requests


def test_a_message_id_is_claimed_once_acknowledged_for_the_window_and_freed_when_it_failed(
    state_store: RedisServer,
) -> None:
    first, second = store(state_store), store(state_store)
    acked, failed = claim("acked"), claim("failed")

    async def scenario() -> list[list[int]]:
        claimed = await first.admit([None, None], [acked, failed])
        meanwhile = await second.admit([None, None], [acked, failed])
        first.settle([(acked, True), (failed, False)])
        await first.close()  # sends what is still to settle
        await first.open()
        after = await second.admit([None, None], [acked, failed])
        return [claimed, meanwhile, after]

    claimed, meanwhile, after = run(first, second, scenario=scenario)

    assert claimed == [PUBLISH, PUBLISH]
    assert meanwhile == [IN_FLIGHT, IN_FLIGHT]
    assert after == [ACKNOWLEDGED, PUBLISH]  # the failed one is the second worker's to publish now


def test_only_the_claimant_releases_its_claim(state_store: RedisServer) -> None:
    claimant, other = store(state_store), store(state_store)
    key = claim("claim")

    async def scenario() -> int:
        await claimant.admit([None], [key])
        other.settle([(key, False)])  # not its claim: nothing released
        await other.close()
        await other.open()
        return await other.outcome(key)

    assert run(claimant, other, scenario=scenario) == IN_FLIGHT


def test_a_claim_whose_claimant_never_settles_expires(state_store: RedisServer) -> None:
    crashed, survivor = store(state_store, in_flight_ttl_ms=200), store(state_store)
    key = claim("claim")

    async def scenario() -> list[int]:
        await crashed.admit([None], [key])
        await asyncio.sleep(0.5)
        return await survivor.admit([None], [key])

    assert run(crashed, survivor, scenario=scenario) == [PUBLISH]


def test_what_a_request_that_is_gone_claimed_is_released(state_store: RedisServer) -> None:
    leaving, other = store(state_store), store(state_store)
    key = claim("claim")

    async def scenario() -> list[int]:
        request = asyncio.ensure_future(leaving.admit([None], [key]))
        await asyncio.sleep(0)  # its call is on the wire
        request.cancel()  # the client left
        await leaving.close()  # the call's answer arrives, and the claim is released
        await leaving.open()
        return await other.admit([None], [key])

    assert run(leaving, other, scenario=scenario) == [PUBLISH]


def test_a_store_that_forgot_the_script_is_given_it_again(state_store: RedisServer) -> None:
    worker = store(state_store)
    key = claim("claim")

    async def scenario() -> tuple[list[int], int]:
        await worker.admit([None], [claim("warm")])  # the scripts are loaded
        redis.Redis(port=state_store.port).script_flush()  # as a restarted server has forgotten them
        admitted = await worker.admit([None], [key])
        redis.Redis(port=state_store.port).script_flush()
        return admitted, await worker.outcome(key)

    assert run(worker, scenario=scenario) == ([PUBLISH], IN_FLIGHT)


def test_outcomes_ride_along_with_the_next_admission_or_go_on_their_own_after_a_delay(
    state_store: RedisServer,
) -> None:
    worker = store(state_store)
    along, alone = claim("along"), claim("alone")

    async def scenario() -> tuple[int, list[int], int, int]:
        await worker.admit([None, None], [along, alone])
        calls_before = state_store.script_calls()
        worker.settle([(along, True)])
        retried = await worker.admit([None], [along])  # carries the outcome: one call for both
        calls = state_store.script_calls() - calls_before
        worker.settle([(alone, True)])  # no admission follows
        not_yet = await worker.outcome(alone)
        await asyncio.sleep(SETTLE_DELAY_S * 4)
        return calls, retried, not_yet, await worker.outcome(alone)

    calls, retried, not_yet, later = run(worker, scenario=scenario)

    assert calls == 1
    assert retried == [ACKNOWLEDGED]  # settled first, then admitted
    assert not_yet == IN_FLIGHT  # not settled yet: waiting for company
    assert later == ACKNOWLEDGED  # settled, on its own call


def test_an_acknowledged_message_id_is_remembered_for_the_window_then_forgotten(
    state_store: RedisServer,
) -> None:
    # Buckets 1.5 s wide (the in-flight ttl, longer than the window): acknowledged 0.2 s before a
    # bucket ends (by the server's clock), the id is looked up on both sides of that end, and once
    # its window is over while its bucket is still kept.
    worker = store(state_store, in_flight_ttl_ms=1500, window_ms=1000)
    key = claim("acked")
    seconds, microseconds = redis.Redis(port=state_store.port).time()
    into_bucket_ms = (seconds * 1000 + microseconds // 1000) % 1500

    async def scenario() -> tuple[list[int], list[int], list[int]]:
        await asyncio.sleep(((1300 - into_bucket_ms) % 1500) / 1000)
        await worker.admit([None], [key])
        worker.settle([(key, True)])
        await worker.admit([None], [claim("carrier")])  # the outcome rides along
        loop = asyncio.get_running_loop()
        looked_until = loop.time() + 0.6  # well inside the window, on a loaded machine too
        within = []
        while loop.time() < looked_until:
            within.append(await worker.outcome(key))
            await asyncio.sleep(0.05)
        retried = await worker.admit([None], [key])  # in the next bucket now
        await asyncio.sleep(0.6)
        return within, retried, await worker.admit([None], [key])

    within, retried, after = run(worker, scenario=scenario)

    assert len(within) >= 5
    assert set(within) == {ACKNOWLEDGED}
    assert retried == [ACKNOWLEDGED]
    assert after == [PUBLISH]  # past the window: a retry is published again


def test_a_message_id_is_its_devices_and_a_request_naming_it_twice_claims_it_once(
    state_store: RedisServer,
) -> None:
    worker = store(state_store)
    device, other_device = fresh("device"), fresh("device")
    shared = fresh("id")

    async def scenario() -> list[int]:
        return await worker.admit([None] * 3, [(device, shared), (other_device, shared), (device, shared)])

    assert run(worker, scenario=scenario) == [PUBLISH, PUBLISH, IN_FLIGHT]


def test_a_devices_message_ids_share_one_key_on_the_server(state_store: RedisServer) -> None:
    worker = store(state_store)
    device = fresh("device")
    server = redis.Redis(port=state_store.port)

    async def scenario() -> list[int]:
        keys_before = server.dbsize()
        ids = [claim(str(number), device) for number in range(100)]
        await worker.admit([None] * 100, ids)
        worker.settle([(each, True) for each in ids])
        await worker.admit([None], [claim("carrier", device)])
        return [server.dbsize() - keys_before, *[await worker.outcome(each) for each in ids]]

    added, *states = run(worker, scenario=scenario)

    assert added == 1  # one hash for the device's bucket, not a key per message id
    assert states == [ACKNOWLEDGED] * 100
