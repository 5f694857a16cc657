"""The shared state store: a Redis-protocol server (Redis or Valkey) that every worker of every replica
talks to, so that retries and rate limits hold for the whole fleet.

One server-side script call admits a request (its readings' rate-limit steps and idempotency claims),
and the calls of concurrent requests are coalesced: while one call is on the wire, the requests that
arrive meanwhile wait for the next, which carries all of them. A request therefore waits for at most one
round trip (two under load: the one on the wire, then its own), and the store sees one call per round
trip per worker, however many requests and readings are behind it. What Kafka then said about the claims
rides along with the next call (or one of its own when no request comes), so the request never waits
for it.

**Client: redis-py 8.2 with hiredis**, chosen by measurement (asyncio + uvloop, one ``redis-server``
7.0.15 on loopback, the script admitting one reading, 2 shared cores, best of two runs each):

=======================  =================  ==============================  ========================
client                   sequential p50     16 concurrent, one claim each   16 claims in one call
=======================  =================  ==============================  ========================
redis-py 8.2 + hiredis   139 µs             10,200 calls/s, 94 µs CPU/call  164 µs CPU/call
valkey-glide 2.6         174 µs             13,800 calls/s, 79 µs CPU/call  138 µs CPU/call
coredis 6.9              302 µs              6,500 calls/s, 137 µs CPU/call 167 µs CPU/call
=======================  =================  ==============================  ========================

glide's Rust core takes more independent calls per second, but the gateway does not make independent
calls: coalesced, a call carries every request that arrived during the previous one, and sixteen claims
cost about 10 µs of client CPU each with any of the three. What is left decides: redis-py answers a
single call as fast as any, parses ``redis://`` and ``rediss://`` URLs (password, database, TLS) itself,
retries a dropped connection and reloads a script the server forgot after a restart, and brings no
runtime threads of its own to compete for the workers' cores (glide's Tokio threads do). coredis was
slowest at every shape.

What the store costs a worker, in-process (the ingestion service with a publisher that answers at once,
16 requests at a time, retries and a rate limit on, the same shared machine): single readings 82-91 µs
of CPU per request against 44-52 µs deciding in memory; arrays of 100, about 2-7 µs more per reading.
``nox -s bench`` measures it in the real server against Kafka.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from loom_gateway.errors import StateUnavailable
from loom_gateway.state._scripts import SCRIPT

__all__ = ["StateStore"]


@dataclass(slots=True)
class _AdmitBatch:
    """The admissions of several requests, merged into one call: shared rate keys appear once."""

    keys: list[str] = field(default_factory=list)
    rate_index: dict[str, int] = field(default_factory=dict)
    pairs: list[str] = field(default_factory=list)
    """Per reading, ``"rate,claim"``: the index in ``keys`` (from 1) of its rate and idempotency keys
    (0: none)."""
    claims: list[int] = field(default_factory=list)
    waiting: list[tuple[int, int, asyncio.Future[list[int]]]] = field(default_factory=list)

    def add(
        self, rate_keys: Sequence[str | None], claim_keys: Sequence[str | None]
    ) -> asyncio.Future[list[int]]:
        keys, rate_index = self.keys, self.rate_index
        start = len(self.pairs)
        for rate_key, claim_key in zip(rate_keys, claim_keys, strict=True):
            rate = 0
            if rate_key is not None:
                rate = rate_index.get(rate_key, 0)
                if not rate:
                    keys.append(rate_key)
                    rate = rate_index[rate_key] = len(keys)
            claim = 0
            if claim_key is not None:
                keys.append(claim_key)
                claim = len(keys)
            self.pairs.append(f"{rate},{claim}")
            self.claims.append(claim)
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self.waiting.append((start, len(rate_keys), future))
        return future


class StateStore:
    """One worker's connection to the store. ``open`` before use and ``close`` after (the app lifespan)."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float,
        rate: float,
        burst: int,
        in_flight_ttl_ms: int,
        window_ms: int,
        on_error: Callable[[str, Exception], None],
    ) -> None:
        """``rate``/``burst``: the per-device limit (rate 0: none); ``in_flight_ttl_ms``: how long a claim
        holds when its claimant never says what happened (it crashed); ``window_ms``: how long an
        acknowledged message id is remembered; ``on_error(operation, error)``: told of failures that
        no caller sees (settling happens after the answer)."""
        self._url = url
        self._timeout_s = timeout_s
        # GCRA in microseconds: one reading per interval, ``burst`` readings at once.
        self._interval_us = 1_000_000 / rate if rate > 0 else 0.0
        self._tolerance_us = self._interval_us * burst
        self._in_flight_ttl_ms = in_flight_ttl_ms
        self._window_ms = window_ms
        # Whose claim an entry is: this process's, so that it releases only its own.
        self._token = uuid.uuid4().hex
        self._client: Redis | None = None
        self._admitting: _AdmitBatch | None = None
        self._settling: list[tuple[str, bool]] = []
        self._sender: asyncio.Task[None] | None = None
        self._on_error = on_error

    @property
    def token(self) -> str:
        """This process's claimant token (an in-flight entry's value)."""
        return self._token

    @property
    def in_flight_ttl_s(self) -> float:
        return self._in_flight_ttl_ms / 1000

    async def open(self) -> None:
        # One immediate retry: the first command on a connection the server dropped (a restart) fails
        # once and reconnects; no backoff, since a request is waiting and memory is the fallback.
        client = Redis.from_url(
            self._url,
            socket_timeout=self._timeout_s,
            socket_connect_timeout=self._timeout_s,
            retry=Retry(NoBackoff(), 1),
            client_name="loom-gateway",
        )
        self._client = client
        self._script = client.register_script(SCRIPT)

    async def close(self) -> None:
        """Send what is still to be settled, then disconnect."""
        if self._sender is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._sender), self._timeout_s * 2)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def admit(self, rate_keys: Sequence[str | None], claim_keys: Sequence[str | None]) -> list[int]:
        """Per reading (its device's rate key and its idempotency key, either None): 0 publish it, 1
        acknowledged already, 2 in flight elsewhere, -n rate limited for n ms. Raises StateUnavailable."""
        batch = self._admitting
        if batch is None:
            batch = self._admitting = _AdmitBatch()
        future = batch.add(rate_keys, claim_keys)
        self._send_soon()
        return await future

    def settle(self, outcomes: Sequence[tuple[str, bool]]) -> None:
        """Claims' outcomes (key, acknowledged): kept for the window, or released. Sent without waiting,
        with the next admission."""
        self._settling += outcomes
        self._send_soon()

    def _send_soon(self) -> None:
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send(), name="state-store")

    async def _send(self) -> None:
        """While there is something to send: one call for all of it, then the next for what came meanwhile."""
        while self._admitting is not None or self._settling:
            batch, self._admitting = self._admitting, None
            settling, self._settling = self._settling, []
            keys = batch.keys if batch is not None else []
            args = (
                self._interval_us,
                self._tolerance_us,
                self._in_flight_ttl_ms,
                self._token,
                self._window_ms,
                "".join("1" if acknowledged else "0" for _, acknowledged in settling),
                " ".join(batch.pairs) if batch is not None else "",
            )
            try:
                answers = await self._script(keys=[*keys, *(key for key, _ in settling)], args=args)
            except (RedisError, OSError) as error:
                if settling:
                    # Those claims then expire on their own after the in-flight ttl.
                    self._on_error("settle", error)
                if batch is not None:
                    failure = StateUnavailable(f"the state store did not answer: {error}")
                    for _, _, future in batch.waiting:
                        if not future.done():
                            future.set_exception(failure)
                continue
            if batch is not None:
                self._answer(batch, answers)

    def _answer(self, batch: _AdmitBatch, answers: Sequence[int]) -> None:
        released: list[tuple[str, bool]] = []
        for start, count, future in batch.waiting:
            mine = [int(answer) for answer in answers[start : start + count]]
            if not future.done():
                future.set_result(mine)
            elif future.cancelled():
                # Its request is gone (the client left): what it claimed will never be published.
                claims = batch.claims[start : start + count]
                released += [
                    (batch.keys[claim - 1], False)
                    for answer, claim in zip(mine, claims, strict=True)
                    if answer == 0 and claim
                ]
        if released:
            self.settle(released)

    async def ping(self) -> None:
        """Raises StateUnavailable when the store does not answer."""
        if self._client is None:
            raise StateUnavailable("the state store is not open")
        try:
            await self._client.ping()
        except (RedisError, OSError) as error:
            raise StateUnavailable(f"the state store did not answer: {error}") from error

    async def outcome(self, key: str) -> bytes | None:
        """An idempotency entry's value: ACKNOWLEDGED, a claimant's token, or None (none, or released)."""
        if self._client is None:
            raise StateUnavailable("the state store is not open")
        try:
            value = await self._client.get(key)
        except (RedisError, OSError) as error:
            raise StateUnavailable(f"the state store did not answer: {error}") from error
        return value.encode() if isinstance(value, str) else value
