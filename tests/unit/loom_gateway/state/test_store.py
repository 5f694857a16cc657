"""loom_gateway.state.store: the admission and settle scripts' semantics, on a real redis-server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
import redis

from loom_gateway.state.store import SETTLE_DELAY_S, StateStore
from tests.support.redis_server import RedisServer

T = TypeVar("T")
PUBLISH, ACKNOWLEDGED, IN_FLIGHT = 0, 1, 2


def store(
    server: RedisServer, *, rate: float = 0, burst: int = 1, in_flight_ttl_ms: int = 10_000
) -> StateStore:
    return StateStore(
        server.url,
        timeout_s=2,
        rate=rate,
        burst=burst,
        in_flight_ttl_ms=in_flight_ttl_ms,
        window_ms=60_000,
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
    acked, failed = fresh("acked"), fresh("failed")

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
    key = fresh("claim")

    async def scenario() -> bytes | None:
        await claimant.admit([None], [key])
        other.settle([(key, False)])  # not its claim: nothing released
        await other.close()
        await other.open()
        return await other.outcome(key)

    assert run(claimant, other, scenario=scenario) == claimant.token.encode()


def test_a_claim_whose_claimant_never_settles_expires(state_store: RedisServer) -> None:
    crashed, survivor = store(state_store, in_flight_ttl_ms=200), store(state_store)
    key = fresh("claim")

    async def scenario() -> list[int]:
        await crashed.admit([None], [key])
        await asyncio.sleep(0.5)
        return await survivor.admit([None], [key])

    assert run(crashed, survivor, scenario=scenario) == [PUBLISH]


def test_what_a_request_that_is_gone_claimed_is_released(state_store: RedisServer) -> None:
    leaving, other = store(state_store), store(state_store)
    key = fresh("claim")

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
    key = fresh("claim")

    async def scenario() -> list[int]:
        await worker.admit([None], [fresh("warm")])  # the script is loaded
        redis.Redis(port=state_store.port).script_flush()  # as a restarted server has forgotten it
        return await worker.admit([None], [key])

    assert run(worker, scenario=scenario) == [PUBLISH]
    assert redis.Redis(port=state_store.port).get(key) == worker.token.encode()


def test_outcomes_ride_along_with_the_next_admission_or_go_on_their_own_after_a_delay(
    state_store: RedisServer,
) -> None:
    worker = store(state_store)
    along, alone = fresh("along"), fresh("alone")

    async def scenario() -> tuple[int, bytes | None, bytes | None]:
        await worker.admit([None, None], [along, alone])
        calls_before = state_store.script_calls()
        worker.settle([(along, True)])
        await worker.admit([None], [fresh("next")])  # carries the outcome: one call for both
        calls = state_store.script_calls() - calls_before
        worker.settle([(alone, True)])  # no admission follows
        not_yet = await worker.outcome(alone)
        await asyncio.sleep(SETTLE_DELAY_S * 4)
        return calls, not_yet, await worker.outcome(alone)

    calls, not_yet, later = run(worker, scenario=scenario)

    assert calls == 1
    assert not_yet == worker.token.encode()  # still in flight: waiting for company
    assert later == b"a"  # acknowledged, on its own call


def test_admissions_made_while_a_call_is_on_the_wire_go_together_once_it_is_answered() -> None:
    with RedisServer() as server:  # its own: paused
        worker = store(server)

        async def scenario() -> tuple[list[list[int]], int]:
            await worker.admit([None], [fresh("warm")])  # connected, the script loaded
            calls_before = server.script_calls()
            server.pause()
            first = asyncio.ensure_future(worker.admit([None], [fresh("first")]))
            await asyncio.sleep(0.1)  # its call is on the wire, unanswered
            later = [asyncio.ensure_future(worker.admit([None], [fresh(f"later-{n}")])) for n in range(3)]
            await asyncio.sleep(0.1)
            server.resume()
            # Bounded only so that a lost admission fails the test instead of hanging it.
            answers = await asyncio.wait_for(asyncio.gather(first, *later), 10)
            return answers, server.script_calls() - calls_before

        answers, calls = run(worker, scenario=scenario)

    assert answers == [[PUBLISH]] * 4
    assert calls == 2  # the first, then one for the three that came meanwhile


def test_outcomes_settled_while_a_call_is_on_the_wire_go_on_their_own_after_it() -> None:
    with RedisServer() as server:  # its own: paused
        worker = store(server)
        key = fresh("claim")

        async def scenario() -> bytes | None:
            await worker.admit([None], [key])
            server.pause()
            on_the_wire = asyncio.ensure_future(worker.admit([None], [fresh("other")]))
            await asyncio.sleep(0.1)
            worker.settle([(key, True)])  # no admission follows
            server.resume()
            await on_the_wire
            await asyncio.sleep(SETTLE_DELAY_S * 4)
            return await worker.outcome(key)

        assert run(worker, scenario=scenario) == b"a"


def test_a_requests_claims_held_by_its_group_are_settled_by_one_write(state_store: RedisServer) -> None:
    first, second = store(state_store), store(state_store)
    claims, group = [fresh(f"claim-{n}") for n in range(3)], fresh("group")

    async def scenario() -> tuple[list[int], list[int], list[int], bytes | None]:
        claimed = await first.admit([None] * 3, claims, group)
        meanwhile = await second.admit([None] * 3, claims)
        first.settle([(group, True)])
        await first.close()
        await first.open()
        return claimed, meanwhile, await second.admit([None] * 3, claims), await second.outcome(claims[1])

    claimed, meanwhile, after, outcome = run(first, second, scenario=scenario)

    assert claimed == [PUBLISH] * 3
    assert meanwhile == [IN_FLIGHT] * 3
    assert after == [ACKNOWLEDGED] * 3
    assert outcome == b"a"
    server = redis.Redis(port=state_store.port)
    assert [server.get(claim) for claim in claims] == [b"@" + group.encode()] * 3  # untouched by the settle
    assert server.get(group) == b"a"


def test_a_released_group_frees_its_claims_but_not_those_acknowledged_on_their_own(
    state_store: RedisServer,
) -> None:
    first, second = store(state_store), store(state_store)
    claims, group = [fresh(f"claim-{n}") for n in range(3)], fresh("group")

    async def scenario() -> list[int]:
        await first.admit([None] * 3, claims, group)
        first.settle([(claims[0], True), (group, False)])  # the first reading landed, the others failed
        await first.close()
        await first.open()
        return await second.admit([None] * 3, claims)

    assert run(first, second, scenario=scenario) == [ACKNOWLEDGED, PUBLISH, PUBLISH]


def test_the_same_message_id_twice_in_one_group_is_in_flight_the_second_time(
    state_store: RedisServer,
) -> None:
    worker = store(state_store)
    claim = fresh("claim")

    async def scenario() -> list[int]:
        return await worker.admit([None, None], [claim, claim], fresh("group"))

    assert run(worker, scenario=scenario) == [PUBLISH, IN_FLIGHT]


def test_a_group_whose_claimant_never_settles_expires_and_frees_its_claims(state_store: RedisServer) -> None:
    crashed, survivor = store(state_store, in_flight_ttl_ms=200), store(state_store)
    claims = [fresh("claim-1"), fresh("claim-2")]

    async def scenario() -> list[int]:
        await crashed.admit([None, None], claims, fresh("group"))
        await asyncio.sleep(0.5)
        return await survivor.admit([None, None], claims)

    assert run(crashed, survivor, scenario=scenario) == [PUBLISH, PUBLISH]


def test_the_group_of_a_request_that_is_gone_is_released(state_store: RedisServer) -> None:
    leaving, other = store(state_store), store(state_store)
    claims = [fresh("claim-1"), fresh("claim-2")]

    async def scenario() -> list[int]:
        request = asyncio.ensure_future(leaving.admit([None, None], claims, fresh("group")))
        await asyncio.sleep(0)
        request.cancel()
        await leaving.close()
        await leaving.open()
        return await other.admit([None, None], claims)

    assert run(leaving, other, scenario=scenario) == [PUBLISH, PUBLISH]


def test_claims_of_an_acknowledged_group_are_remembered_past_the_in_flight_ttl(
    state_store: RedisServer,
) -> None:
    first, second = store(state_store, in_flight_ttl_ms=200), store(state_store)
    claims, group = [fresh("claim-1"), fresh("claim-2")], fresh("group")

    async def scenario() -> list[int]:
        await first.admit([None, None], claims, group)
        first.settle([(group, True)])
        await first.close()
        await first.open()
        await asyncio.sleep(0.5)  # past the in-flight ttl, well within the window
        return await second.admit([None, None], claims)

    assert run(first, second, scenario=scenario) == [ACKNOWLEDGED, ACKNOWLEDGED]
