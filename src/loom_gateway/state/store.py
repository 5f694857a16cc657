"""The shared state store: a Redis-protocol server (Redis or Valkey) that every worker of every replica
talks to, so that retries and rate limits hold for the whole fleet.

One server-side script call admits a request (its readings' rate-limit steps and idempotency claims),
and the calls of concurrent requests are coalesced: while one call is on the wire, the requests that
arrive meanwhile wait for the next, which carries all of them. A request therefore waits for at most one
round trip (two under load: the one on the wire, then its own), and the store sees one call per round
trip per worker, however many requests and readings are behind it. What Kafka then said about the claims
rides along with the next call (or, SETTLE_DELAY_S later with no request, one of its own), so the request
never waits for it.

**Client: hiredis over one asyncio connection** (``state/connection.py``), chosen by measurement.
Against one ``redis-server`` 7.0.15 on loopback, 2 shared cores, the script admitting one reading,
first as libraries (asyncio + uvloop, best of two runs each):

=======================  =================  ==============================  ========================
client                   sequential p50     16 concurrent, one claim each   16 claims in one call
=======================  =================  ==============================  ========================
redis-py 8.2 + hiredis   139 µs             10,200 calls/s, 94 µs CPU/call  164 µs CPU/call
valkey-glide 2.6         174 µs             13,800 calls/s, 79 µs CPU/call  138 µs CPU/call
coredis 6.9              302 µs              6,500 calls/s, 137 µs CPU/call 167 µs CPU/call
=======================  =================  ==============================  ========================

redis-py came first (it answers a single call as fast as any, parses every URL form, brings no
threads of its own to compete for the workers' cores, as glide's Tokio runtime does; coredis was
slowest at every shape). Then, in the server under wrk (2 workers, single readings, 16
connections), the store cost each request 240 µs of worker CPU with redis-py (0.60 x the
acknowledged-minimal app against 0.90 x without the store), about one script call per request.
Its asyncio path is most of that: one EVALSHA after another, process CPU per call, uvloop: redis-py's
``Script`` 122 µs, redis-py's connection object driven directly 87 µs, hiredis's packer and parser on
an ``asyncio.Protocol`` 45 µs (a blocking socket: 17 µs). So the hot path talks hiredis on a
connection of its own, and outcomes wait up to SETTLE_DELAY_S to ride along with an admission instead
of taking a call of their own (0.57 calls per request under that load, from 1.0): 65 µs per request
in all, 0.77 x. redis-py still parses the URL.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loom_gateway.errors import StateServerError, StateUnavailable
from loom_gateway.state._scripts import GROUP_MARK, SCRIPT
from loom_gateway.state.connection import Reply, RespConnection

__all__ = ["SETTLE_DELAY_S", "StateStore"]

SETTLE_DELAY_S = 0.05
"""How long what Kafka said about claims may wait for an admission to ride along with, before it gets a
call of its own: under load it always rides along (one call per round trip, not two); a retry of a
reading that is acknowledged but not settled yet waits that much longer for its answer."""
_SCRIPT_SHA = hashlib.sha1(SCRIPT.encode()).hexdigest()  # the name the server knows it by


@dataclass(slots=True)
class _AdmitBatch:
    """The admissions of several requests, merged into one call: shared rate keys appear once."""

    keys: list[str] = field(default_factory=list)
    rate_index: dict[str, int] = field(default_factory=dict)
    pairs: list[str] = field(default_factory=list)
    """Per reading, ``"rate,claim,group"``: the index in ``keys`` (from 1) of its rate, idempotency and
    group keys (0: none)."""
    claims: list[int] = field(default_factory=list)
    waiting: list[tuple[int, int, str | None, asyncio.Future[list[int]]]] = field(default_factory=list)
    """Per request: its first reading, how many, its group and what it waits on."""

    def add(
        self, rate_keys: Sequence[str | None], claim_keys: Sequence[str | None], group: str | None
    ) -> asyncio.Future[list[int]]:
        keys, rate_index = self.keys, self.rate_index
        start = len(self.pairs)
        group_index = 0
        if group is not None:
            keys.append(group)
            group_index = len(keys)
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
            self.pairs.append(f"{rate},{claim},{group_index}")
            self.claims.append(claim)
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self.waiting.append((start, len(rate_keys), group, future))
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
        self._connection: RespConnection | None = None
        self._admitting: _AdmitBatch | None = None
        self._settling: list[tuple[str, bool]] = []
        self._settle_timer: asyncio.TimerHandle | None = None
        self._on_wire: asyncio.Future[Reply] | None = None
        """The call the store has not answered yet (None: none)."""
        self._send_scheduled = False
        self._on_error = on_error

    @property
    def token(self) -> str:
        """This process's claimant token (an in-flight entry's value)."""
        return self._token

    @property
    def in_flight_ttl_s(self) -> float:
        return self._in_flight_ttl_ms / 1000

    async def open(self) -> None:
        self._connection = RespConnection(self._url, timeout_s=self._timeout_s, client_name="loom-gateway")

    async def close(self) -> None:
        """Send what is still to be settled, then disconnect."""
        # Twice: the answers to the call on the wire may release claims of requests that are gone.
        for _ in range(2):
            if self._settling or self._admitting is not None:
                self._send_soon()
            await asyncio.sleep(0)  # a send scheduled goes on the wire
            if self._on_wire is not None:  # answered or failed within the connection's timeout
                await asyncio.wait([self._on_wire])
                await asyncio.sleep(0)  # its answer handled, and the next call sent
        if self._settle_timer is not None:
            self._settle_timer.cancel()
            self._settle_timer = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def admit(
        self, rate_keys: Sequence[str | None], claim_keys: Sequence[str | None], group: str | None = None
    ) -> list[int]:
        """Per reading (its device's rate key and its idempotency key, either None): 0 publish it, 1
        acknowledged already, 2 in flight elsewhere, -n rate limited for n ms. Raises StateUnavailable.

        ``group``: a key, unique to this request, that holds the fate of all its claims, so that one
        ``settle`` of it settles them all (None: each claim holds its own)."""
        batch = self._admitting
        if batch is None:
            batch = self._admitting = _AdmitBatch()
            self._send_soon()  # or, with a call on the wire, once it is answered
        return await batch.add(rate_keys, claim_keys, group)

    def settle(self, outcomes: Sequence[tuple[str, bool]]) -> None:
        """Claims' outcomes (key, acknowledged): kept for the window, or released. A key is a claim made
        without a group, a group (all its claims at once), or a claim of a group acknowledged on its own
        (its group then released: a request whose readings fared differently). Sent without waiting,
        with the next admission, or on their own after SETTLE_DELAY_S."""
        self._settling += outcomes
        if self._on_wire is None:
            self._settle_later()
        # Otherwise they go with the call after it: an admission's, or _settle_later's.

    def _settle_later(self) -> None:
        """A call of their own for outcomes no admission took along. The timer is not cancelled when
        one does (it then finds nothing, or later outcomes, to send): one timer per SETTLE_DELAY_S,
        not one per request."""
        if self._settle_timer is None:
            self._settle_timer = asyncio.get_running_loop().call_later(SETTLE_DELAY_S, self._settle_due)

    def _settle_due(self) -> None:
        self._settle_timer = None
        self._send_soon()

    def _send_soon(self) -> None:
        """The next call, once this turn of the event loop has added its admissions (none while a call
        is on the wire: its answer sends the next)."""
        if self._on_wire is None and not self._send_scheduled:
            self._send_scheduled = True
            asyncio.get_running_loop().call_soon(self._send)

    def _send(self) -> None:
        """One call for the admissions waiting and what is to be settled, its answer handled by a
        callback: no task and no coroutine per call on the hot path of every request (5 to 15 µs of a
        worker's CPU per single reading, measured: benchmarks/README.md, round seven)."""
        self._send_scheduled = False
        batch, self._admitting = self._admitting, None
        settling, self._settling = self._settling, []
        if batch is None and not settling:
            return
        keys = (batch.keys if batch is not None else []) + [key for key, _ in settling]
        command = (
            "EVALSHA",
            _SCRIPT_SHA,
            len(keys),
            *keys,
            self._interval_us,
            self._tolerance_us,
            self._in_flight_ttl_ms,
            self._token,
            self._window_ms,
            "".join("1" if acknowledged else "0" for _, acknowledged in settling),
            " ".join(batch.pairs) if batch is not None else "",
        )
        self._call(command, batch, settling, reloaded=False)

    def _call(
        self,
        command: tuple[object, ...],
        batch: _AdmitBatch | None,
        settling: list[tuple[str, bool]],
        *,
        reloaded: bool,
    ) -> None:
        try:
            call = self._open_connection().request(*command)
        except StateUnavailable as error:
            self._failed(batch, settling, error)
            return
        self._on_wire = call
        call.add_done_callback(functools.partial(self._answered, command, batch, settling, reloaded))

    def _answered(
        self,
        command: tuple[object, ...],
        batch: _AdmitBatch | None,
        settling: list[tuple[str, bool]],
        reloaded: bool,
        call: asyncio.Future[Reply],
    ) -> None:
        self._on_wire = None
        error = StateUnavailable("the call was cancelled") if call.cancelled() else call.exception()
        if isinstance(error, StateServerError) and str(error).startswith("NOSCRIPT") and not reloaded:
            # A restarted server forgets its scripts; NOSCRIPT means it ran nothing, so sending the
            # call again is safe, after the script (the same connection answers in order).
            self._open_connection().request("SCRIPT", "LOAD", SCRIPT).add_done_callback(_retrieved)
            self._call(command, batch, settling, reloaded=True)
            return
        if error is None:
            if batch is not None:
                self._answer(batch, call.result())
        else:
            self._failed(batch, settling, error)
        if self._admitting is not None:
            self._send()  # what came while this call was on the wire
        elif self._settling:
            self._settle_later()  # settled meanwhile, with no admission to ride along

    def _failed(
        self, batch: _AdmitBatch | None, settling: list[tuple[str, bool]], error: BaseException
    ) -> None:
        if settling:
            # Those claims then expire on their own after the in-flight ttl.
            self._on_error("settle", error if isinstance(error, Exception) else StateUnavailable(repr(error)))
        if batch is not None:
            failure = StateUnavailable(f"the state store did not answer: {error}")
            for *_, future in batch.waiting:
                if not future.done():
                    future.set_exception(failure)

    def _open_connection(self) -> RespConnection:
        if self._connection is None:
            raise StateUnavailable("the state store is not open")
        return self._connection

    def _answer(self, batch: _AdmitBatch, answers: Sequence[int]) -> None:
        released: list[tuple[str, bool]] = []
        for start, count, group, future in batch.waiting:
            mine = [int(answer) for answer in answers[start : start + count]]
            if not future.done():
                future.set_result(mine)
            elif future.cancelled():
                # Its request is gone (the client left): what it claimed will never be published.
                claims = batch.claims[start : start + count]
                claimed = [
                    batch.keys[claim - 1]
                    for answer, claim in zip(mine, claims, strict=True)
                    if answer == 0 and claim
                ]
                if claimed:  # a group releases its claims at once
                    released += [(key, False) for key in ([group] if group is not None else claimed)]
        if released:
            self.settle(released)

    async def ping(self) -> None:
        """Raises StateUnavailable when the store does not answer."""
        await self._open_connection().call("PING")

    async def outcome(self, key: str) -> bytes | None:
        """An idempotency entry's state: ACKNOWLEDGED, its claimant's token (in flight), or None (none, or
        released). A claim of a group is its group's state."""
        connection = self._open_connection()
        value = await connection.call("GET", key)
        if isinstance(value, bytes) and value.startswith(GROUP_MARK):
            value = await connection.call("GET", value[len(GROUP_MARK) :].decode())
        assert value is None or isinstance(value, bytes)
        return value


def _retrieved(future: asyncio.Future[Reply]) -> None:
    """A reply nobody waits for: its error, if any, is the retried call's too."""
    if not future.cancelled():
        future.exception()
