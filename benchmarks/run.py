"""Loom Gateway benchmark: the gateway beside its ceilings, on one machine, in one run.

    python -m benchmarks.run [--workers 2] [--duration 10] [--rounds 3] [--connections 16] [--soak 0]

Starts an embedded broker and measures with wrk, for single readings and arrays of 100:

- the bare Litestar app (parse the body, answer 202: what the server and framework cost);
- the gateway (validate, authenticate, publish, wait for Kafka's acknowledgement) and the
  acknowledged-minimal app (``benchmarks/minimal_app.py``: parse, produce every reading as the
  gateway does, wait for every delivery report, answer 202), in alternating rounds on the same
  server, worker count and broker; with arrays, also the same readings as generic items to
  ``/sensor/batch`` (dispatched by ``sensor_type``, the same GPS records published);
- when the gateway has the shared state store (``LOOM_STATE_URL``) and ``redis-server`` is
  installed: a second gateway using a ``redis-server`` of its own, and its ceiling, the
  acknowledged-minimal app claiming each reading's message id in another (one ``SET NX`` per
  reading, one call per request), in the same rounds;
- the gateway with Kafka stubbed (diagnostic).

Then counts the records in Kafka to show that every acknowledged reading landed. Prints
requests/s, readings/s, p50/p99, worker and broker CPU µs per reading, peak RSS per worker and
the ratios to the ceilings. Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import confluent_kafka
import confluent_kafka.admin

from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from tests.support.kafka import read_topic
from tests.support.redis_server import RedisServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# wrk calls done() once; this prints what the driver parses.
REPORT_LUA = """
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'LOOM-BENCH {"requests":%d,"non2xx":%d,"errors":%d,"p50_us":%d,"p99_us":%d,"duration_us":%d}\\n',
    summary.requests, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    batch: int
    requests: int
    non2xx: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_s: float
    """CPU seconds of the server's worker processes (every thread: librdkafka's included)."""
    broker_cpu_s: float
    """The broker's CPU: it shares the cores with everything measured."""
    peak_rss_mb: list[float]
    warmup_acknowledged: int
    """Readings acknowledged during the 2 s warm-up (they land in Kafka too)."""
    rounds: list[float] = field(default_factory=list)
    """Readings/s of each round, when the row combines alternating rounds."""
    store_calls: int = 0
    """Script calls the gateway made to its shared state store (0: it has none, or never used it)."""
    store_cpu_s: float = 0.0
    """The state store's ``redis-server`` CPU: on this machine it shares the cores too."""

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def readings_per_s(self) -> float:
        return (self.requests - self.non2xx) * self.batch / self.seconds

    @property
    def acknowledged(self) -> int:
        return (self.requests - self.non2xx) * self.batch

    @property
    def cpu_us_per_reading(self) -> float:
        return 1e6 * self.cpu_s / max(self.requests * self.batch, 1)

    @property
    def broker_cpu_us_per_reading(self) -> float:
        return 1e6 * self.broker_cpu_s / max(self.requests * self.batch, 1)

    @property
    def store_cpu_us_per_reading(self) -> float:
        return 1e6 * self.store_cpu_s / max(self.requests * self.batch, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per phase and round")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating gateway/acknowledged-minimal rounds per load"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections for single readings")
    parser.add_argument("--batch-connections", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--soak", type=int, default=0, help="seconds of sustained single-reading load, RSS sampled"
    )
    parser.add_argument(
        "--skip-bare", action="store_true", help="leave out the bare ceiling and the Kafka-stubbed diagnostic"
    )
    parser.add_argument(
        "--no-store", action="store_true", help="leave out the gateway with the shared state store"
    )
    arguments = parser.parse_args()
    if arguments.workers < 1 or arguments.rounds < 1 or arguments.duration < 1:
        parser.error("--workers, --rounds and --duration must be at least 1")
    wrk = _wrk()

    codegen_s = _time_codegen()
    results: list[Phase] = []
    with EmbeddedBroker(free_port()) as broker:
        if not arguments.skip_bare:
            with _granian("benchmarks.bare_app:create_app", arguments.workers, {}, "/") as bare:
                results.append(
                    _load(wrk, bare, BARE, "single.lua", arguments.connections, arguments.duration, 1, broker)
                )
        prefix = f"bench{uuid.uuid4().hex[:6]}."
        environment = {
            "LOOM_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "LOOM_KAFKA_TOPIC_PREFIX": prefix,
            "LOOM_WORKERS": str(arguments.workers),
            "LOOM_LOG_LEVEL": "WARNING",
            # Authentication stays on: it is part of the hot path (the wrk scripts send this key).
            "LOOM_API_KEYS": json.dumps({"loom-benchmark-key-0123456789": "*"}),
        }
        gps_topic = f"{prefix}device.sensor.gps.raw"
        minimal_topic = f"{prefix}bench.minimal.gps"
        with contextlib.ExitStack() as servers:
            gateway = servers.enter_context(_server(["-m", "loom_gateway", "serve"], environment, "/readyz"))
            store = _store_gateway(servers, environment, arguments)
            _create_like(broker.bootstrap_servers, minimal_topic, gps_topic)
            minimal_environment = {
                "LOOM_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                "LOOM_BENCH_MINIMAL_TOPIC": minimal_topic,
            }
            minimal = servers.enter_context(
                _granian("benchmarks.minimal_app:create_app", arguments.workers, minimal_environment, "/")
            )
            gateways = [(GATEWAY, gateway, GPS_PATH)] + ([(WITH_STORE, store, GPS_PATH)] if store else [])
            minimals = [(MINIMAL, minimal, GPS_PATH)]
            if store is not None:
                # The ceiling for the gateway with its store: the minimal app claiming message ids in a
                # redis-server of its own.
                minimals.append(
                    (MINIMAL_WITH_STORE, _store_minimal(servers, minimal_environment, arguments), GPS_PATH)
                )
            loads = [
                ("single", "single.lua", arguments.connections, 1, [*gateways, *minimals]),
                (
                    f"arrays of {arguments.batch}",
                    "batch.lua",
                    arguments.batch_connections,
                    arguments.batch,
                    [*gateways, *minimals, (DISPATCHED, gateway, BATCH_PATH)],
                ),
            ]
            for label, script, connections, batch, kinds in loads:
                # Alternating rounds: the machine's drift (other tenants, the broker's
                # growing log) falls on every row alike.
                rounds: dict[str, list[Phase]] = {kind: [] for kind, _, _ in kinds}
                for number in range(arguments.rounds):
                    for kind, server, path in kinds:
                        rounds[kind].append(
                            _load(
                                wrk,
                                server,
                                f"{kind}, {label}",
                                script,
                                connections,
                                arguments.duration,
                                batch,
                                broker,
                                warmup=number == 0,
                                path=path,
                            )
                        )
                results += [_combine(rounds[MINIMAL])] + [
                    _combine(rounds[kind]) for kind, _, _ in kinds if kind != MINIMAL
                ]
            soak = _soak(wrk, gateway, arguments) if arguments.soak else None
        if not arguments.skip_bare:
            # Diagnostic: the same gateway with publishing stubbed, to split the gap to the ceiling
            # into "the gateway's own work" and "waiting for Kafka". Its readings never reach Kafka.
            with _granian(
                "benchmarks.no_kafka_app:create_app",
                arguments.workers,
                {**environment, "LOOM_KAFKA_TOPIC_PREFIX": "stub."},
                "/readyz",
            ) as stub:
                results.append(
                    _load(
                        wrk, stub, STUBBED, "single.lua", arguments.connections, arguments.duration, 1, broker
                    )
                )
        landed = len(
            read_topic(
                broker.bootstrap_servers,
                gps_topic,
                timeout_s=300,
                expected=_acknowledged(results, soak),
            )
        )
    _report(results, arguments, codegen_s, gateway.ready_s, landed, soak)


BARE = "bare ceiling, single"
MINIMAL = "acknowledged-minimal"
MINIMAL_WITH_STORE = "acknowledged-minimal + state store"
GATEWAY = "gateway"
WITH_STORE = "gateway + state store"
DISPATCHED = "gateway /sensor/batch"
"""Every row whose name starts with GATEWAY publishes to the gateway's GPS topic."""
STUBBED = "diagnostic: Kafka stubbed, single"
GPS_PATH = "/sensor/gps"
BATCH_PATH = "/sensor/batch"


def _store_gateway(
    servers: contextlib.ExitStack, environment: dict[str, str], arguments: argparse.Namespace
) -> Server | None:
    """A second gateway with the shared state store on, using a ``redis-server`` of its own; None
    when left out, when this gateway has no state store yet, or without ``redis-server``."""
    from loom_gateway.settings import Settings

    if arguments.no_store:
        return None
    if "state_url" not in Settings.model_fields:
        print(
            "this gateway has no shared state store (LOOM_STATE_URL): no row with the store", file=sys.stderr
        )
        return None
    if shutil.which("redis-server") is None:
        print("redis-server not found (apt-get install redis-server): no row with the store", file=sys.stderr)
        return None
    redis = servers.enter_context(RedisServer())
    server = servers.enter_context(
        _server(["-m", "loom_gateway", "serve"], {**environment, "LOOM_STATE_URL": redis.url}, "/readyz")
    )
    server.state_store = redis
    return server


def _store_minimal(
    servers: contextlib.ExitStack, environment: dict[str, str], arguments: argparse.Namespace
) -> Server:
    """The acknowledged-minimal app keeping message ids in a ``redis-server`` of its own."""
    redis = servers.enter_context(RedisServer())
    server: Server = servers.enter_context(
        _granian(
            "benchmarks.minimal_app:create_app",
            arguments.workers,
            {**environment, "LOOM_BENCH_MINIMAL_STATE_URL": redis.url},
            "/",
        )
    )
    server.state_store = redis
    return server


def _granian(factory: str, workers: int, environment: dict[str, str], ready_path: str) -> Any:
    return _server(
        [
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--factory",
            "--workers",
            str(workers),
            "--no-ws",
            "--log-level",
            "warning",
            factory,
        ],
        environment,
        ready_path,
    )


def _create_like(bootstrap_servers: str, topic: str, like: str) -> None:
    """``topic`` with as many partitions as ``like`` (Tansu would auto-create it with 4)."""
    admin = confluent_kafka.admin.AdminClient({"bootstrap.servers": bootstrap_servers})
    partitions = len(admin.list_topics(like, timeout=10).topics[like].partitions)
    futures = admin.create_topics([confluent_kafka.admin.NewTopic(topic, partitions, 1)])
    futures[topic].result(timeout=10)


def _combine(rounds: list[Phase]) -> Phase:
    """One row for a phase's rounds: totals summed; p50/p99 the median of the rounds' own."""
    first = rounds[0]
    requests = sum(phase.requests for phase in rounds)
    return Phase(
        name=first.name,
        batch=first.batch,
        requests=requests,
        non2xx=sum(phase.non2xx for phase in rounds),
        errors=sum(phase.errors for phase in rounds),
        seconds=sum(phase.seconds for phase in rounds),
        p50_ms=statistics.median(phase.p50_ms for phase in rounds),
        p99_ms=statistics.median(phase.p99_ms for phase in rounds),
        cpu_s=sum(phase.cpu_s for phase in rounds),
        broker_cpu_s=sum(phase.broker_cpu_s for phase in rounds),
        peak_rss_mb=[max(values) for values in zip(*(phase.peak_rss_mb for phase in rounds), strict=True)],
        warmup_acknowledged=sum(phase.warmup_acknowledged for phase in rounds),
        rounds=[phase.readings_per_s for phase in rounds],
        store_calls=sum(phase.store_calls for phase in rounds),
        store_cpu_s=sum(phase.store_cpu_s for phase in rounds),
    )


@dataclass(slots=True)
class Server:
    port: int
    process: subprocess.Popen[bytes]
    ready_s: float = 0.0
    state_store: RedisServer | None = None
    """The gateway's own ``redis-server``, when it has a state store."""

    def workers(self) -> list[int]:
        return _children(self.process.pid)


@contextmanager
def _server(arguments: list[str], environment: dict[str, str], ready_path: str) -> Iterator[Server]:
    port = free_port()
    env = {**os.environ, **environment, "LOOM_PORT": str(port), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, *arguments]
    if arguments[1] == "granian":
        command += ["--port", str(port)]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    server = Server(port, process)
    try:
        server.ready_s = _wait(port, ready_path, started, process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _wait(port: int, path: str, started: float, process: subprocess.Popen[bytes]) -> float:
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
    while time.monotonic() - started < 60:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(request)
                if path == "/" or connection.recv(64).split(b" ")[1] == b"200":
                    return time.monotonic() - started
        except (OSError, IndexError):
            pass
        time.sleep(0.02)
    raise SystemExit("server did not become ready in 60 s")


def _load(
    wrk: str,
    server: Server,
    name: str,
    script: str,
    connections: int,
    duration: int,
    batch: int,
    broker: EmbeddedBroker,
    *,
    warmup: bool = True,
    path: str = GPS_PATH,
) -> Phase:
    warmed = _run_wrk(wrk, server, script, connections, 2, batch, path) if warmup else None
    workers = server.workers()
    broker_pids = [broker.pid] if broker.pid is not None else []
    before, broker_before = cpu_ticks(workers), cpu_ticks(broker_pids)
    store_pids = [server.state_store.pid] if server.state_store and server.state_store.pid else []
    calls_before, store_before = _script_calls(server), cpu_ticks(store_pids)
    stats = _run_wrk(wrk, server, script, connections, duration, batch, path)
    cpu_s = (cpu_ticks(workers) - before) / CLOCK_TICKS
    broker_cpu_s = (cpu_ticks(broker_pids) - broker_before) / CLOCK_TICKS
    store_calls = _script_calls(server) - calls_before
    store_cpu_s = (cpu_ticks(store_pids) - store_before) / CLOCK_TICKS
    return Phase(
        name=name,
        batch=batch,
        requests=stats["requests"],
        non2xx=stats["non2xx"],
        errors=stats["errors"],
        seconds=stats["duration_us"] / 1e6,
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        cpu_s=cpu_s,
        broker_cpu_s=broker_cpu_s,
        peak_rss_mb=[_status_kb(pid, "VmHWM") / 1024 for pid in workers],
        warmup_acknowledged=0 if warmed is None else (warmed["requests"] - warmed["non2xx"]) * batch,
        store_calls=store_calls,
        store_cpu_s=store_cpu_s,
    )


def _script_calls(server: Server) -> int:
    """The script calls its state store has answered so far, or 0 without one."""
    return 0 if server.state_store is None else server.state_store.script_calls()


def _run_wrk(
    wrk: str, server: Server, script: str, connections: int, duration: int, batch: int, path: str = GPS_PATH
) -> dict[str, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write((HERE / "wrk" / script).read_text() + REPORT_LUA)
    try:
        completed = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{duration}s",
                "-s",
                lua.name,
                "--latency",
                f"http://127.0.0.1:{server.port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={
                **os.environ,
                "LOOM_BENCH_BATCH": str(batch),
                "LOOM_BENCH_RUN": uuid.uuid4().hex[:8],
                # /sensor/batch takes the same readings as generic items (batch.lua says how).
                "LOOM_BENCH_GENERIC": "1" if path == BATCH_PATH else "0",
            },
        )
    finally:
        os.unlink(lua.name)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("LOOM-BENCH "))
    stats: dict[str, int] = json.loads(line.removeprefix("LOOM-BENCH "))
    return stats


def _soak(wrk: str, server: Server, arguments: argparse.Namespace) -> tuple[int, list[list[float]]]:
    """Sustained load with RSS sampled every 5 s: bounded memory means a flat series."""
    workers = server.workers()
    samples: list[list[float]] = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write((HERE / "wrk" / "single.lua").read_text() + REPORT_LUA)
    process = subprocess.Popen(
        [
            wrk,
            "-t2",
            f"-c{arguments.connections}",
            f"-d{arguments.soak}s",
            "-s",
            lua.name,
            f"http://127.0.0.1:{server.port}/sensor/gps",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "LOOM_BENCH_RUN": uuid.uuid4().hex[:8]},
    )
    while process.poll() is None:
        samples.append([_status_kb(pid, "VmRSS") / 1024 for pid in workers])
        time.sleep(5)
    os.unlink(lua.name)
    assert process.stdout is not None
    line = next(line for line in process.stdout.read().splitlines() if line.startswith("LOOM-BENCH "))
    stats = json.loads(line.removeprefix("LOOM-BENCH "))
    return stats["requests"] - stats["non2xx"], samples


def _report(
    results: list[Phase],
    arguments: argparse.Namespace,
    codegen_s: float,
    ready_s: float,
    landed: int,
    soak: tuple[int, list[list[float]]] | None,
) -> None:
    bare = next((phase for phase in results if phase.name.startswith(BARE)), None)
    print(
        f"\nLoom Gateway benchmark — {os.cpu_count()} CPUs, {arguments.workers} workers, "
        f"{arguments.rounds} alternating rounds of {arguments.duration}s per load, wrk -t2"
    )
    print(
        f"{'phase':38} {'req/s':>8} {'readings/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'worker CPU µs/reading':>21} {'broker CPU µs/reading':>21} {'peak RSS MB/worker':>18} "
        f"{'non-2xx':>7} {'vs ack-minimal':>14} {'vs bare':>7}"
    )
    for phase in results:
        rss = "/".join(f"{value:.0f}" for value in phase.peak_rss_mb)
        minimal = _minimal_of(results, phase)
        versus_minimal = f"{phase.readings_per_s / minimal.readings_per_s:.2f}" if minimal else "-"
        single = bare is not None and phase.batch == 1
        versus_bare = f"{phase.requests_per_s / bare.requests_per_s:.2f}" if bare and single else "-"
        print(
            f"{phase.name:38} {phase.requests_per_s:8.0f} {phase.readings_per_s:10.0f} {phase.p50_ms:7.2f} "
            f"{phase.p99_ms:7.2f} {phase.cpu_us_per_reading:21.1f} {phase.broker_cpu_us_per_reading:21.1f} "
            f"{rss:>18} {phase.non2xx + phase.errors:7d} {versus_minimal:>14} {versus_bare:>7}"
        )
    for phase in results:
        minimal = _minimal_of(results, phase)
        if minimal is not None and phase is not minimal and phase.rounds:
            print(f"{phase.name}: ÷ acknowledged-minimal per round: {_per_round(phase, minimal)}")
    typed = next((p for p in results if p.name.startswith(f"{GATEWAY}, ") and p.batch > 1), None)
    dispatched = next((p for p in results if p.name.startswith(DISPATCHED)), None)
    if typed is not None and dispatched is not None:
        print(f"{dispatched.name}: ÷ typed arrays of the same readings {_versus(dispatched, typed)}")
    for phase in results:
        ceiling = _store_ceiling_of(results, phase)
        if ceiling is not None:
            print(f"{phase.name}: ÷ {ceiling.name} {_versus(phase, ceiling)}")
    for phase in results:
        if phase.name.startswith((WITH_STORE, MINIMAL_WITH_STORE)):
            # Zero would mean a gateway deciding from memory (a store it cannot reach): not this row.
            per_request = phase.store_calls / max(phase.requests, 1)
            unused = "" if phase.store_calls else " — THE STORE WAS NOT USED"
            print(
                f"{phase.name}: {per_request:.2f} state-store calls per request{unused}; redis-server CPU "
                f"{phase.store_cpu_us_per_reading:.1f} µs/reading (on the same cores)"
            )
    acknowledged = _acknowledged(results, soak)
    verdict = "every acknowledged reading landed" if landed >= acknowledged else "READINGS MISSING"
    print(
        f"\nKafka: {landed} records on the GPS topic, {acknowledged} readings acknowledged — {verdict} "
        f"({landed - acknowledged} more landed than were acknowledged: requests in flight when wrk stopped)"
    )
    print(f"gateway start to ready: {ready_s:.2f} s; python -m codegen generate: {codegen_s:.2f} s")
    if soak:
        first, last = soak[1][0], soak[1][-1]
        peak = [max(values) for values in zip(*soak[1], strict=True)]
        print(
            f"soak {arguments.soak}s: RSS per worker {' / '.join(f'{v:.0f}' for v in first)} MB → "
            f"{' / '.join(f'{v:.0f}' for v in last)} MB over {len(soak[1])} samples "
            f"(peak {' / '.join(f'{v:.0f}' for v in peak)} MB)"
        )


def _per_round(ours: Phase, theirs: Phase) -> str:
    """The ratio of two rows' readings/s in each of their alternating rounds."""
    return ", ".join(f"{a / b:.2f}" for a, b in zip(ours.rounds, theirs.rounds, strict=True))


def _versus(ours: Phase, theirs: Phase) -> str:
    """Two rows' readings/s as a ratio over all rounds, then per round."""
    return f"{ours.readings_per_s / theirs.readings_per_s:.2f} (per round: {_per_round(ours, theirs)})"


def _minimal_of(results: list[Phase], phase: Phase) -> Phase | None:
    """The acknowledged-minimal row measured with the same load as ``phase`` (None for the others)."""
    if not (phase.name.startswith(GATEWAY) or phase.name.startswith(MINIMAL)):
        return None
    return next(
        (other for other in results if other.name.startswith(f"{MINIMAL},") and other.batch == phase.batch),
        None,
    )


def _store_ceiling_of(results: list[Phase], phase: Phase) -> Phase | None:
    """For the gateway with its store: the acknowledged-minimal app with a store, same load."""
    if not phase.name.startswith(WITH_STORE):
        return None
    return next(
        (
            other
            for other in results
            if other.name.startswith(MINIMAL_WITH_STORE) and other.batch == phase.batch
        ),
        None,
    )


def _acknowledged(results: list[Phase], soak: tuple[int, list[list[float]]] | None) -> int:
    """Every reading the gateway acknowledged, warm-ups and soak included (the ceiling publishes none)."""
    gateway = [phase for phase in results if phase.name.startswith(GATEWAY)]
    return sum(p.acknowledged + p.warmup_acknowledged for p in gateway) + (soak[0] if soak else 0)


def _time_codegen() -> float:
    with tempfile.TemporaryDirectory() as scratch:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "codegen", "generate", "--output", scratch + "/out"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.monotonic() - started


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found: installing it from Debian (apt-get install wrk)", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("the benchmark needs wrk: apt-get install wrk (Debian/Ubuntu) or brew install wrk")


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return sorted(children)


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _status_kb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    return 0.0


if __name__ == "__main__":
    main()
