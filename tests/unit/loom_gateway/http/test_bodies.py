"""Reading a request body: size limit, deadline, the worker's buffer bound, a client that leaves."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from loom_gateway.errors import ClientDisconnected, Overloaded, RequestBodyTimeout
from loom_gateway.http.bodies import BodyReader


def receiving(*events: dict[str, Any]) -> Any:
    queue = list(events)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def chunk(body: bytes, more: bool) -> dict[str, Any]:
    return {"type": "http.request", "body": body, "more_body": more}


def reader(max_buffered_bytes: int = 1000) -> BodyReader:
    return BodyReader(timeout_s=30.0, max_buffered_bytes=max_buffered_bytes)


def test_a_body_in_chunks_is_joined_and_nothing_stays_buffered() -> None:
    bodies = reader()

    body = asyncio.run(bodies.read(receiving(chunk(b'{"a":', True), chunk(b"1}", False)), None, 100))

    assert body == b'{"a":1}'
    assert bodies.buffered_bytes == 0


def test_an_announced_length_over_the_limit_is_413_before_anything_is_read() -> None:
    async def never() -> dict[str, Any]:
        raise AssertionError("the body was read")

    with pytest.raises(RequestEntityTooLarge):
        asyncio.run(reader().read(never, "101", 100))


def test_a_streamed_body_is_cut_off_at_the_limit_whatever_it_announced() -> None:
    events = receiving(chunk(b"x" * 60, True), chunk(b"x" * 60, True), chunk(b"never read", False))

    with pytest.raises(RequestEntityTooLarge):
        asyncio.run(reader().read(events, "10", 100))


def test_a_malformed_length_is_400_and_its_echo_is_short() -> None:
    with pytest.raises(ClientException, match="Invalid content-length") as caught:
        asyncio.run(reader().read(receiving(chunk(b"{}", False)), "9" * 10_000 + "x", 100))
    assert len(str(caught.value.detail)) < 100


def test_a_client_leaving_mid_body_is_client_disconnected_499() -> None:
    bodies = reader()

    with pytest.raises(ClientDisconnected) as caught:
        asyncio.run(bodies.read(receiving(chunk(b"{", True), {"type": "http.disconnect"}), None, 100))

    assert caught.value.status == 499
    assert bodies.buffered_bytes == 0


def test_bodies_still_arriving_may_hold_only_so_many_bytes_together() -> None:
    bodies = reader(max_buffered_bytes=100)

    async def scenario() -> None:
        stalled = asyncio.Event()

        async def slow() -> dict[str, Any]:
            if not stalled.is_set():
                stalled.set()
                return chunk(b"x" * 80, True)
            await asyncio.Event().wait()  # never more
            raise AssertionError

        holder = asyncio.create_task(bodies.read(slow, None, 1000))
        await stalled.wait()
        await asyncio.sleep(0)
        assert bodies.buffered_bytes == 80
        with pytest.raises(Overloaded):
            await bodies.read(receiving(chunk(b"y" * 30, True), chunk(b"", False)), None, 1000)
        # A body that fits beside it is read.
        assert await bodies.read(receiving(chunk(b"z" * 10, False)), None, 1000) == b"z" * 10
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder

    asyncio.run(scenario())
    assert bodies.buffered_bytes == 0


def test_a_body_past_its_deadline_is_408_and_the_task_can_carry_on() -> None:
    bodies = reader()

    async def scenario() -> str:
        async def trickle() -> dict[str, Any]:
            await asyncio.sleep(3600)
            raise AssertionError

        async def request() -> str:
            try:
                await bodies.read(trickle, None, 100)
            except RequestBodyTimeout as error:
                await asyncio.sleep(0)  # not cancelled again: the 408 can still be sent
                return error.detail
            raise AssertionError("no timeout")

        task = asyncio.create_task(request())
        await asyncio.sleep(0)
        bodies.sweep(time.monotonic())  # before the deadline: nothing happens
        await asyncio.sleep(0)
        assert not task.done()
        bodies.sweep(time.monotonic() + 31)
        return await task

    detail = asyncio.run(scenario())

    assert "did not arrive within 30 s" in detail
    assert bodies.buffered_bytes == 0


def test_a_cancellation_that_is_not_the_deadline_stays_a_cancellation() -> None:
    bodies = reader()

    async def scenario() -> None:
        async def forever() -> dict[str, Any]:
            await asyncio.sleep(3600)
            raise AssertionError

        task = asyncio.create_task(bodies.read(forever, None, 100))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())


def test_the_sweeper_runs_while_the_lifespan_is_open() -> None:
    bodies = BodyReader(timeout_s=0.2, max_buffered_bytes=1000)

    async def scenario() -> None:
        async def forever() -> dict[str, Any]:
            await asyncio.sleep(3600)
            raise AssertionError

        async with bodies.lifespan(None):
            with pytest.raises(RequestBodyTimeout):
                await asyncio.wait_for(bodies.read(forever, None, 100), timeout=60)

    asyncio.run(scenario())
