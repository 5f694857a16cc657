"""loom_gateway.state.connection: one pipelined connection to a real redis-server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
import trustme

from loom_gateway.errors import StateServerError, StateUnavailable
from loom_gateway.state.connection import RespConnection
from tests.support.redis_server import RedisServer

T = TypeVar("T")


def run(connection: RespConnection, scenario: Callable[[], Awaitable[T]]) -> T:
    async def closing() -> T:
        try:
            return await scenario()
        finally:
            connection.close()

    return asyncio.run(closing())


def test_concurrent_calls_each_get_their_own_reply(state_store: RedisServer) -> None:
    connection = RespConnection(state_store.url, timeout_s=2, client_name="loom-test")

    async def scenario() -> list[object]:
        await asyncio.gather(*(connection.call("SET", f"test:conn:{n}", str(n)) for n in range(200)))
        return await asyncio.gather(*(connection.call("GET", f"test:conn:{n}") for n in range(200)))

    assert run(connection, scenario) == [str(n).encode() for n in range(200)]


def test_an_error_reply_is_raised_and_the_connection_goes_on(state_store: RedisServer) -> None:
    connection = RespConnection(state_store.url, timeout_s=2, client_name="loom-test")

    async def scenario() -> object:
        with pytest.raises(StateServerError, match="NOSCRIPT"):
            await connection.call("EVALSHA", "0" * 40, 0)
        return await connection.call("PING")

    assert run(connection, scenario) == b"PONG"


def test_it_authenticates_chooses_the_database_and_names_itself() -> None:
    with RedisServer(password="s3cret-Passw0rd") as server:
        connection = RespConnection(
            server.url.replace("/0", "/3"), timeout_s=2, client_name="loom-test-client"
        )

        async def scenario() -> tuple[object, object]:
            await connection.call("SET", "test:db", "three")
            return await connection.call("CLIENT", "GETNAME"), await connection.call("CLIENT", "INFO")

        name, info = run(connection, scenario)
        assert name == b"loom-test-client"
        assert b" db=3 " in info
        wrong = RespConnection(server.url.replace("s3cret", "wrong"), timeout_s=2, client_name="loom-test")
        with pytest.raises(StateServerError, match=r"WRONGPASS|invalid password"):
            run(wrong, lambda: wrong.call("PING"))


def test_a_store_that_hangs_fails_the_call_in_time_and_a_later_call_reconnects() -> None:
    with RedisServer() as server:
        connection = RespConnection(server.url, timeout_s=0.3, client_name="loom-test")

        async def scenario() -> object:
            await connection.call("PING")
            server.pause()
            try:
                with pytest.raises(StateUnavailable, match="did not answer within"):
                    await connection.call("SET", "test:hang", "late")
            finally:
                server.resume()
            # The late reply must not answer this call: it goes over a new connection.
            return await connection.call("ECHO", "fresh")

        assert run(connection, scenario) == b"fresh"


def test_a_restarted_store_is_reconnected_to() -> None:
    with RedisServer() as server:
        connection = RespConnection(server.url, timeout_s=1, client_name="loom-test")

        async def scenario() -> object:
            await connection.call("PING")
            server.kill()
            with pytest.raises(StateUnavailable):
                await connection.call("PING")  # lost, or refused: nobody listens
            server.start()
            return await connection.call("PING")

        assert run(connection, scenario) == b"PONG"


def test_rediss_verifies_the_server_against_the_given_authority(tmp_path: Path) -> None:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    certificate.private_key_and_cert_chain_pem.write_to_path(tmp_path / "server.pem")
    certificate.private_key_pem.write_to_path(tmp_path / "server.key")
    authority.cert_pem.write_to_path(tmp_path / "ca.pem")
    with RedisServer(tls=(str(tmp_path / "server.pem"), str(tmp_path / "server.key"))) as server:
        trusting = RespConnection(
            f"{server.url}?ssl_ca_certs={tmp_path / 'ca.pem'}", timeout_s=2, client_name="t"
        )
        assert run(trusting, lambda: trusting.call("PING")) == b"PONG"
        # The system's authorities do not know this one: no connection, and a sentence saying why.
        doubting = RespConnection(server.url, timeout_s=2, client_name="t")
        with pytest.raises(StateUnavailable, match="certificate verify failed"):
            run(doubting, lambda: doubting.call("PING"))
