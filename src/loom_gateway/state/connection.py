"""One pipelined connection to a Redis-protocol server, for the state store's hot call.

hiredis (the C library redis-py itself parses with) packs the commands and parses the replies; this
module is only the transport around it: an ``asyncio.Protocol`` that writes each command at once and
answers the waiting calls in order. Written here rather than calling redis-py's client because of what
redis-py's asyncio path costs per call, measured (one ``redis-server`` on loopback, uvloop, the same
EVALSHA one call after the other, process CPU per call): redis-py's ``Script`` 122 µs, redis-py's own
connection object driven directly 87 µs, this 45 µs (a raw blocking socket: 17 µs). In the server under
wrk that difference was most of what the store cost a single reading. redis-py still parses the URL.
"""

from __future__ import annotations

import asyncio
import collections
import ssl
from typing import Any, cast

import hiredis
from redis.connection import SSLConnection, UnixDomainSocketConnection, parse_url

from loom_gateway.errors import StateServerError, StateUnavailable

__all__ = ["Reply", "RespConnection"]

Reply = Any
"""What hiredis makes of a reply: bytes, int, list, None (an error reply raises StateServerError)."""


class _Protocol(asyncio.Protocol):
    """Replies matched to the calls waiting for them, first in, first out (the server answers in order)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._reader = hiredis.Reader()
        self._waiting: collections.deque[asyncio.Future[Reply]] = collections.deque()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        reader, waiting = self._reader, self._waiting
        reader.feed(data)
        while (reply := reader.gets()) is not False:
            future = waiting.popleft()
            if future.done():  # its caller gave up (timed out): the reply is not anyone's any more
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(StateServerError(str(reply)))
            else:
                future.set_result(reply)

    def connection_lost(self, error: Exception | None) -> None:
        self.transport = None
        failure = StateUnavailable(f"the connection to the state store was lost: {error or 'closed'}")
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_exception(failure)

    def send(self, command: tuple[object, ...]) -> asyncio.Future[Reply]:
        if self.transport is None:
            raise StateUnavailable("the connection to the state store is closed")
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        self.transport.write(hiredis.pack_command(command))  # type: ignore[arg-type]  # (its stub: a 1-tuple)
        return future


class RespConnection:
    """Connects on first use and again after a failure; a call that times out drops the connection (its
    reply, should it come, would answer the next call)."""

    def __init__(self, url: str, *, timeout_s: float, client_name: str) -> None:
        self._options: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        self._timeout_s = timeout_s
        self._client_name = client_name
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Lock | None = None

    async def call(self, *command: object) -> Reply:
        """One command's reply. Raises StateUnavailable (StateServerError for an error reply)."""
        return await self.request(*command)

    def request(self, *command: object) -> asyncio.Future[Reply]:
        """The future of one command's reply (failed with StateUnavailable, StateServerError for an
        error reply), without a coroutine when connected: for a caller driven by callbacks, the
        store's hot path, where a task per call was a measurable share of its cost."""
        protocol = self._protocol
        if protocol is None or protocol.transport is None:
            return asyncio.ensure_future(self._connect_and_request(command))
        future = protocol.send(command)
        timer = asyncio.get_running_loop().call_later(self._timeout_s, self._timed_out, future)
        future.add_done_callback(lambda _: timer.cancel())
        return future

    async def _connect_and_request(self, command: tuple[object, ...]) -> Reply:
        await self._connect()
        return await self.request(*command)

    def _timed_out(self, future: asyncio.Future[Reply]) -> None:
        if not future.done():
            # Its reply, should it come, would answer the next call: the connection goes.
            future.set_exception(
                StateUnavailable(f"the state store did not answer within {self._timeout_s:g}s")
            )
            self.close()

    def close(self) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.transport.abort()

    async def _connect(self) -> _Protocol:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:  # concurrent first calls share one connection
            if self._protocol is not None and self._protocol.transport is not None:
                return self._protocol
            try:
                async with asyncio.timeout(self._timeout_s):
                    protocol = await self._open()
                    await self._greet(protocol)
            except TimeoutError:
                raise StateUnavailable(
                    f"no connection to the state store within {self._timeout_s:g}s"
                ) from None
            except OSError as error:
                raise StateUnavailable(f"no connection to the state store: {error}") from error
            self._protocol = protocol
            return protocol

    async def _open(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        options = self._options
        if options.get("connection_class") is UnixDomainSocketConnection:
            _, protocol = await loop.create_unix_connection(_Protocol, options["path"])
            return protocol
        host = options.get("host", "localhost")
        tls = _tls_context(options) if options.get("connection_class") is SSLConnection else None
        _, protocol = await loop.create_connection(
            _Protocol, host, options.get("port", 6379), ssl=tls, server_hostname=host if tls else None
        )
        return protocol

    async def _greet(self, protocol: _Protocol) -> None:
        """Authenticate, choose the database and name the client: pipelined, one round trip."""
        options = self._options
        commands: list[tuple[object, ...]] = []
        if options.get("password") is not None:
            user = options.get("username")
            commands.append(("AUTH", user, options["password"]) if user else ("AUTH", options["password"]))
        if options.get("db"):
            commands.append(("SELECT", options["db"]))
        commands.append(("CLIENT", "SETNAME", self._client_name))
        replies = await asyncio.gather(
            *(protocol.send(command) for command in commands), return_exceptions=True
        )
        for reply in replies:
            if isinstance(reply, BaseException):
                if protocol.transport is not None:
                    protocol.transport.abort()
                raise reply


def _tls_context(options: dict[str, Any]) -> ssl.SSLContext:
    """``rediss://``: verified against the system's CAs (or ``?ssl_ca_certs=``), as redis-py would;
    ``?ssl_cert_reqs=none`` turns verification off (a test server with a self-signed certificate)."""
    context = ssl.create_default_context(cafile=options.get("ssl_ca_certs"))
    if str(options.get("ssl_cert_reqs", "required")).lower() == "none":
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
