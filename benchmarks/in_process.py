"""CPU per reading of the gateway (or the acknowledged-minimal app), its ASGI app called directly.

    python -m benchmarks.in_process [--app gateway|minimal] [--batch 1] [--requests 4000]
                                    [--concurrency 16] [--route gps|batch] [--store]

No HTTP server and no load generator: on a shared machine, where wrk's requests/s move by tens
of percent between identical runs, the CPU the app's own process spends per request is the
steadier A/B measure. Starts the embedded broker, builds the app as a server worker would
(multiprocess metrics directory, an API key, a ``traceparent`` on every request), runs its
lifespan, warms up, then sends ``--requests`` POSTs of GPS readings (``--batch`` per request,
each with its own ``message_id``) from ``--concurrency`` tasks. ``--route batch`` sends the
same GPS readings as generic items to ``/sensor/batch`` (``sensor_type`` gps, the GPS fields in
``value``): the records published are the typed array's. Prints the process's CPU (every
thread: librdkafka's too) and the event loop thread's, per request and per reading. ``--store``
runs the gateway with the shared state store (``LOOM_STATE_URL``) on a ``redis-server`` of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import uvloop

# Before prometheus_client is imported: the metrics in multiprocess mode, as with 2 workers.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="loom-bench-metrics-"))

from benchmarks.run import CLOCK_TICKS, cpu_ticks
from loom_gateway.embedded_broker import EmbeddedBroker, free_port

_KEY = "loom-benchmark-key-0123456789"
_READING = (
    '{"device_id":"bench-%d","recorded_at":"2025-07-08T16:53:08.123456","timestamp":null,'
    '"message_id":"%s","trace_id":null,"services_encountered":["mobile-client"],'
    '"content_hash":null,"latitude":52.3676,"longitude":4.9041,"altitude":2.5,"accuracy":8.0,'
    '"heading":null,"speed":0.0}'
)
# The same reading as a generic item of a /sensor/batch array: what the typed array publishes.
_GENERIC_READING = (
    '{"device_id":"bench-%d","recorded_at":"2025-07-08T16:53:08.123456","timestamp":null,'
    '"message_id":"%s","trace_id":null,"services_encountered":["mobile-client"],'
    '"content_hash":null,"sensor_type":"gps","value":{"latitude":52.3676,"longitude":4.9041,'
    '"altitude":2.5,"accuracy":8.0,"heading":null,"speed":0.0}}'
)
_PATHS = {"gps": "/sensor/gps", "batch": "/sensor/batch"}
_HEADERS = [
    (b"host", b"bench"),
    (b"content-type", b"application/json"),
    (b"x-api-key", _KEY.encode()),
    (b"traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
]
App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app", choices=["gateway", "minimal"], default="gateway")
    parser.add_argument("--batch", type=int, default=1, help="readings per request (1: a lone object)")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--route",
        choices=sorted(_PATHS),
        default="gps",
        help="typed GPS readings, or generic ones dispatched",
    )
    parser.add_argument("--store", action="store_true", help="the gateway with the shared state store")
    arguments = parser.parse_args()
    if arguments.store and arguments.app != "gateway":
        parser.error("--store is the gateway's")
    if arguments.route == "batch" and (arguments.app != "gateway" or arguments.batch < 2):
        parser.error("--route batch takes arrays (--batch 2 or more) and only the gateway serves it")
    # The loop granian's workers run on (uvloop, a dependency), so that figures compare with the server's.
    uvloop.run(_run(arguments))


async def _run(arguments: argparse.Namespace) -> None:
    counter = itertools.count()
    run = uuid.uuid4().hex[:8]

    def body() -> bytes:
        # Ids as the wrk scripts make them (a run id and a counter): uuid4() per reading would
        # be a system call each, counted in this process's CPU.
        items = []
        template = _GENERIC_READING if arguments.route == "batch" else _READING
        for _ in range(arguments.batch):
            number = next(counter)
            items.append(template % (number % 64, f"{run}-0000-4000-8000-{number:012x}"))
        return (items[0] if arguments.batch == 1 else "[" + ",".join(items) + "]").encode()

    store: _StoreServer | None = None
    with contextlib.ExitStack() as resources:
        broker = resources.enter_context(EmbeddedBroker(free_port()))
        if arguments.store:
            store = _StoreServer(resources)
        prefix = f"inproc{uuid.uuid4().hex[:6]}."
        os.environ.update(
            {
                "LOOM_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                "LOOM_KAFKA_TOPIC_PREFIX": prefix,
                "LOOM_API_KEYS": json.dumps({_KEY: "*"}),
                "LOOM_LOG_LEVEL": "WARNING",
                "LOOM_BENCH_MINIMAL_TOPIC": f"{prefix}bench.minimal.gps",
            }
        )
        app = _app(arguments.app)
        startup: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        events: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        await startup.put({"type": "lifespan.startup"})
        lifespan = asyncio.create_task(
            app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, startup.get, events.put)
        )
        if (await events.get())["type"] != "lifespan.startup.complete":
            raise SystemExit("the app did not start")
        if arguments.app == "gateway":  # the minimal app is ready once started
            await _ready(app)

        async def client(requests: int) -> dict[int, int]:
            statuses: dict[int, int] = {}
            for _ in range(requests):
                status = await _call(app, "POST", path, body())
                statuses[status] = statuses.get(status, 0) + 1
            return statuses

        path = _PATHS[arguments.route]
        per_client = max(arguments.requests // arguments.concurrency, 1)
        await asyncio.gather(*(client(max(per_client // 5, 1)) for _ in range(arguments.concurrency)))
        # For a profiler attached now (py-spy record --pid): the warm-up is over.
        print(f"measuring (pid {os.getpid()})", file=sys.stderr, flush=True)
        if store is not None:
            store.start()
        cpu, thread, wall = time.process_time(), time.thread_time(), time.perf_counter()
        answered = await asyncio.gather(*(client(per_client) for _ in range(arguments.concurrency)))
        cpu, thread = time.process_time() - cpu, time.thread_time() - thread
        wall = time.perf_counter() - wall
        if store is not None:
            await asyncio.sleep(0.2)  # what Kafka said rides along with a later call, or goes 50 ms later
            store.stop()
        await startup.put({"type": "lifespan.shutdown"})
        await lifespan
    requests = per_client * arguments.concurrency
    statuses: dict[int, int] = {}
    for seen in answered:
        for status, count in seen.items():
            statuses[status] = statuses.get(status, 0) + count
    readings = requests * arguments.batch
    print(
        f"{arguments.app}{' + store' if arguments.store else ''} {_PATHS[arguments.route]}, "
        f"batch {arguments.batch}, "
        f"{requests} requests at {arguments.concurrency}: "
        f"statuses {statuses}; process CPU {1e6 * cpu / requests:.1f} µs/request, "
        f"{1e6 * cpu / readings:.2f} µs/reading; event loop thread {1e6 * thread / readings:.2f} "
        f"µs/reading; {requests / wall:.0f} requests/s"
    )
    if store is not None:
        print(store.summary(readings))


def _app(name: str) -> App:
    if name == "gateway":
        from loom_gateway.app import create_app_from_env

        return create_app_from_env()  # type: ignore[return-value]
    from benchmarks.minimal_app import create_app

    return create_app()  # type: ignore[return-value]


async def _ready(app: App) -> None:
    for _ in range(600):
        if await _call(app, "GET", "/readyz", b"") == 200:
            return
        await asyncio.sleep(0.05)
    raise SystemExit("the app did not become ready in 30 s")


async def _call(app: App, method: str, path: str, body: bytes) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [*_HEADERS, (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the app works
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


class _StoreServer:
    """The state store's side of the measured requests: its CPU and the commands its script ran."""

    def __init__(self, resources: contextlib.ExitStack) -> None:
        """A ``redis-server`` of its own, stopped with ``resources``, named by LOOM_STATE_URL."""
        import redis

        from tests.support.redis_server import RedisServer

        self._server = resources.enter_context(RedisServer())
        os.environ["LOOM_STATE_URL"] = self._server.url
        self._client = redis.Redis(port=self._server.port)
        self._before: tuple[int, dict[str, int]] = (0, {})
        self._during: tuple[int, dict[str, int]] = (0, {})

    def _now(self) -> tuple[int, dict[str, int]]:
        assert self._server.pid is not None
        stats = self._client.info("commandstats")
        calls = {name.removeprefix("cmdstat_"): int(stat["calls"]) for name, stat in stats.items()}
        return cpu_ticks([self._server.pid]), calls

    def start(self) -> None:
        self._before = self._now()

    def stop(self) -> None:
        after = self._now()
        self._during = (
            after[0] - self._before[0],
            {name: calls - self._before[1].get(name, 0) for name, calls in after[1].items()},
        )

    def summary(self, readings: int) -> str:
        ticks, calls = self._during
        commands = ", ".join(
            f"{name} {count / readings:.2f}"
            for name, count in sorted(calls.items())
            if name in {"set", "get", "del", "evalsha"} and count
        )
        return (
            f"state store: redis-server CPU {1e6 * ticks / CLOCK_TICKS / readings:.2f} µs/reading; "
            f"commands per reading: {commands}"
        )


if __name__ == "__main__":
    main()
