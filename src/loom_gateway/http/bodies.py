"""Reading request bodies: within a deadline, within the route's size limit, and within a bound
on the bytes this worker holds for bodies still arriving.

A body is read before the request takes its in-flight slot (``InFlightLimit``): a client that
sends one byte a second holds a connection, not the room of requests being ingested. What it can
still hold is bounded here: its time (``timeout_s``, then 408) and, over every such client, the
bytes buffered (``max_buffered_bytes``, then 503 with Retry-After). A client that leaves before
its body is in gets ``ClientDisconnected`` (counted as 499, not as the gateway's failure).

The deadline costs a request a dict entry, not a timer: ``asyncio.timeout`` measured about
12 µs per request (a timer handle pushed on the loop's heap and cancelled), a large share of a
reading's CPU. Instead one sweeper task, owned by the app's lifespan, cancels the reads that
are past their deadline a few times a second; so the deadline is kept to within a quarter of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any, cast

from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import HTTPDisconnectEvent, HTTPRequestEvent, Receive

from loom_gateway.errors import ClientDisconnected, Overloaded, RequestBodyTimeout

__all__ = ["BodyReader"]

_MAX_SWEEP_INTERVAL_S = 1.0


class BodyReader:
    """One per app: every route that reads a body reads it through ``read``."""

    def __init__(self, timeout_s: float, max_buffered_bytes: int) -> None:
        """``timeout_s``: how long a whole body may take to arrive (LOOM_BODY_READ_TIMEOUT_S);
        ``max_buffered_bytes``: what bodies still arriving may hold together on this worker."""
        self._timeout_s = timeout_s
        self._max_buffered_bytes = max_buffered_bytes
        self._buffered = 0
        self._reading: dict[asyncio.Task[Any], float] = {}
        """The tasks reading a body, and when their deadline passes (monotonic seconds)."""
        self._timed_out: set[asyncio.Task[Any]] = set()

    @property
    def buffered_bytes(self) -> int:
        """Bytes held by bodies still arriving (for tests and metrics)."""
        return self._buffered

    async def read(self, receive: Receive, content_length: str | None, limit: int) -> bytes:
        """The whole body, refused as soon as it is known to exceed ``limit`` bytes (413), late
        (408), beyond the worker's buffer bound (503), or abandoned by the client (499)."""
        if content_length is not None:
            _check_announced(content_length, limit)
        task = asyncio.current_task()
        assert task is not None
        self._reading[task] = time.monotonic() + self._timeout_s
        chunks: list[bytes] = []
        received = 0
        try:
            while True:
                event = cast("HTTPRequestEvent | HTTPDisconnectEvent", await receive())
                if event["type"] == "http.disconnect":
                    raise ClientDisconnected(f"the client left after {received} bytes of its body")
                chunk = event.get("body", b"")
                if chunk:
                    received += len(chunk)
                    self._buffered += len(chunk)
                    if received > limit:
                        raise RequestEntityTooLarge
                    if self._buffered > self._max_buffered_bytes:
                        raise Overloaded("this worker holds as many request bodies as it may")
                    chunks.append(chunk)
                if not event.get("more_body", False):
                    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        except asyncio.CancelledError:
            if task not in self._timed_out:
                raise
            task.uncancel()
            raise RequestBodyTimeout(
                f"the body did not arrive within {self._timeout_s:g} s ({received} bytes did)"
            ) from None
        finally:
            del self._reading[task]
            if self._timed_out:
                self._timed_out.discard(task)
            self._buffered -= received

    def sweep(self, now: float) -> None:
        """Cancel the reads past their deadline (each gets RequestBodyTimeout in ``read``)."""
        for task, deadline in self._reading.items():
            if deadline <= now and task not in self._timed_out:
                self._timed_out.add(task)
                # Only ever suspended in ``read`` at ``await receive()``: the cancellation lands there.
                task.cancel()

    @contextlib.asynccontextmanager
    async def lifespan(self, _: object) -> AsyncIterator[None]:
        """Runs the sweeper while the app runs."""
        sweeper = asyncio.create_task(self._sweep_forever(), name="body-deadlines")
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper

    async def _sweep_forever(self) -> None:
        interval_s = min(_MAX_SWEEP_INTERVAL_S, self._timeout_s / 4)
        while True:
            await asyncio.sleep(interval_s)
            if self._reading:
                self.sweep(time.monotonic())


def _check_announced(content_length: str, limit: int) -> None:
    """413 at once for a Content-Length beyond ``limit``: the body is not waited for."""
    try:
        announced = int(content_length)
    except ValueError:
        raise ClientException(f"Invalid content-length: {content_length[:40]!r}") from None
    if announced > limit:
        raise RequestEntityTooLarge
