"""The acknowledged-minimal ceiling: the smallest Litestar app that does what a correct gateway cannot skip.

Parse the JSON body (one reading or an array of them), ``produce()`` every reading with
confluent-kafka exactly as the gateway does (acks=all, idempotent, linger.ms 1, zstd, key =
``device_id``, a ``loom.message_id`` header) to its own topic on the same broker, wait for every
delivery report, answer 202. No validation, no authentication, no metrics, no idempotency
window: what Kafka costs on its own, written as a careful newcomer would (one poll thread, one
future per request settled by that request's last report). Measured in the same run as the
gateway (``benchmarks/run.py``, alternating rounds). Configured by ``LOOM_BENCH_MINIMAL_TOPIC``
and ``LOOM_KAFKA_BOOTSTRAP_SERVERS``.

With ``LOOM_BENCH_MINIMAL_STATE_URL`` (a Redis-protocol server) it is also the smallest app that
keeps message ids in a shared store, the ceiling for the gateway with its state store: one round
trip per request before producing (a script that ``SET … NX PX``s each reading's device and
message id for the window, over the gateway's own hiredis connection, the cheapest client
measured), readings already claimed answered without publishing, and the claims of a request
Kafka refused deleted. Less than the gateway promises (no rate limit; a retry of a reading still
in flight is answered at once, not after the first attempt's outcome; no acknowledged state), and
no coalescing of concurrent requests into one call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import uuid
from collections.abc import AsyncIterator
from typing import Any

import confluent_kafka
import msgspec
from litestar import Litestar, Request, Response, post

from loom_gateway.state.connection import RespConnection

_ACCEPTED = b'{"status":"success"}'


class _Producer:
    """One idempotent producer, a thread polling it, and a future per request."""

    def __init__(self, bootstrap_servers: str) -> None:
        self.producer = confluent_kafka.Producer(
            {
                "bootstrap.servers": bootstrap_servers,
                "enable.idempotence": True,
                "acks": "all",
                "linger.ms": 1,
                "compression.type": "zstd",
            }
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="minimal-poll", daemon=True)

    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._thread.start()

    def stop(self) -> None:
        self.producer.flush(10)
        self._stopping.set()
        self._thread.join(5)

    def _poll(self) -> None:
        while not self._stopping.is_set():
            self.producer.poll(0.1)

    async def publish(self, topic: str, readings: list[dict[str, Any]]) -> bool:
        """True when the broker acknowledged every reading."""
        future: asyncio.Future[bool] = self.loop.create_future()
        state = {"pending": len(readings), "ok": True}
        lock = threading.Lock()

        def delivered(error: confluent_kafka.KafkaError | None, _message: object) -> None:
            with lock:
                state["pending"] -= 1
                if error is not None:
                    state["ok"] = False
                last = state["pending"] == 0
            if last:
                self.loop.call_soon_threadsafe(_settle, future, bool(state["ok"]))

        for reading in readings:
            message_id = reading.get("message_id") or str(uuid.uuid4())
            self.producer.produce(
                topic,
                value=msgspec.json.encode(reading),
                key=str(reading["device_id"]).encode(),
                headers=[("loom.message_id", str(message_id).encode())],
                on_delivery=delivered,
            )
        return await future


class _Claims:
    """Each reading's (device, message id) claimed for the window in one script call per request."""

    _SCRIPT = (
        "local claimed = {} for i, key in ipairs(KEYS) do "
        "claimed[i] = redis.call('SET', key, '1', 'NX', 'PX', ARGV[1]) and 1 or 0 end return claimed"
    )

    def __init__(self, url: str) -> None:
        self._connection = RespConnection(url, timeout_s=1.0, client_name="loom-bench-minimal")
        self._sha = ""

    async def start(self) -> None:
        self._sha = (await self._connection.call("SCRIPT", "LOAD", self._SCRIPT)).decode()

    async def claim(self, readings: list[dict[str, Any]]) -> list[str | None]:
        """Per reading, its key if this request claimed it (None: published before)."""
        keys = [f"minimal:{reading['device_id']}:{reading['message_id']}" for reading in readings]
        claimed = await self._connection.call("EVALSHA", self._sha, len(keys), *keys, 600_000)
        return [key if fresh else None for key, fresh in zip(keys, claimed, strict=True)]

    async def release(self, keys: list[str]) -> None:
        await self._connection.call("DEL", *keys)

    def stop(self) -> None:
        self._connection.close()


def _settle(future: asyncio.Future[bool], ok: bool) -> None:
    if not future.done():
        future.set_result(ok)


def create_app() -> Litestar:
    topic = os.environ["LOOM_BENCH_MINIMAL_TOPIC"]
    kafka = _Producer(os.environ["LOOM_KAFKA_BOOTSTRAP_SERVERS"])
    state_url = os.environ.get("LOOM_BENCH_MINIMAL_STATE_URL")
    claims = _Claims(state_url) if state_url else None

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        kafka.start()
        if claims is not None:
            await claims.start()
        try:
            yield
        finally:
            await asyncio.to_thread(kafka.stop)
            if claims is not None:
                claims.stop()

    @post("/sensor/gps", status_code=202)
    async def ingest(request: Request[Any, Any, Any]) -> Response[bytes]:
        body = msgspec.json.decode(await request.body())
        readings = body if isinstance(body, list) else [body]
        claimed: list[str] = []
        if claims is not None:
            keys = await claims.claim(readings)
            readings = [reading for reading, key in zip(readings, keys, strict=True) if key]
            claimed = [key for key in keys if key]
        if readings and not await kafka.publish(topic, readings):
            if claims is not None and claimed:
                await claims.release(claimed)
            return Response(b'{"status":"error"}', status_code=503, media_type="application/json")
        return Response(_ACCEPTED, status_code=202, media_type="application/json")

    return Litestar(route_handlers=[ingest], lifespan=[lifespan], logging_config=None, openapi_config=None)
