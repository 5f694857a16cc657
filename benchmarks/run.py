"""Loom Gateway benchmark: the gateway beside the bare-framework ceiling, on one machine, in one run.

    python -m benchmarks.run [--workers 2] [--duration 15] [--connections 16] [--soak 0]

Starts an embedded broker, measures the bare Litestar app (parse the body, answer 202) and the
gateway (validate, publish, wait for Kafka's acknowledgement) with wrk, single readings and
batches of 100, then counts the records in Kafka to show that every acknowledged reading
landed. Prints requests/s, readings/s, p50/p99, CPU per request, peak RSS per worker and
the ratios to the ceiling. Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from tests.support.kafka import read_topic

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
    cpu_ms_per_request: float
    broker_cpu_ms_per_request: float
    """The broker's CPU: it shares the cores with everything measured."""
    peak_rss_mb: list[float]
    warmup_acknowledged: int
    """Readings acknowledged during the 2 s warm-up (they land in Kafka too)."""

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def readings_per_s(self) -> float:
        return (self.requests - self.non2xx) * self.batch / self.seconds

    @property
    def acknowledged(self) -> int:
        return (self.requests - self.non2xx) * self.batch


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections for single readings")
    parser.add_argument("--batch-connections", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--soak", type=int, default=0, help="seconds of sustained single-reading load, RSS sampled"
    )
    arguments = parser.parse_args()
    wrk = _wrk()

    codegen_s = _time_codegen()
    results: list[Phase] = []
    with EmbeddedBroker(free_port()) as broker:
        with _server(
            [
                "-m",
                "granian",
                "--interface",
                "asgi",
                "--factory",
                "--workers",
                str(arguments.workers),
                "--no-ws",
                "--log-level",
                "warning",
                "benchmarks.bare_app:create_app",
            ],
            {},
            "/",
        ) as bare:
            results.append(
                _load(
                    wrk,
                    bare,
                    "bare ceiling, single",
                    "single.lua",
                    arguments.connections,
                    arguments.duration,
                    1,
                    broker,
                )
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
        with _server(["-m", "loom_gateway", "serve"], environment, "/readyz") as gateway:
            results.append(
                _load(
                    wrk,
                    gateway,
                    "gateway, single",
                    "single.lua",
                    arguments.connections,
                    arguments.duration,
                    1,
                    broker,
                )
            )
            results.append(
                _load(
                    wrk,
                    gateway,
                    f"gateway, batches of {arguments.batch}",
                    "batch.lua",
                    arguments.batch_connections,
                    arguments.duration,
                    arguments.batch,
                    broker,
                )
            )
            soak = _soak(wrk, gateway, arguments) if arguments.soak else None
        # Diagnostic: the same gateway with publishing stubbed, to split the gap to the ceiling
        # into "the gateway's own work" and "waiting for Kafka". Its readings never reach Kafka.
        stub_arguments = [
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--factory",
            "--workers",
            str(arguments.workers),
            "--no-ws",
            "--log-level",
            "warning",
            "benchmarks.no_kafka_app:create_app",
        ]
        with _server(stub_arguments, {**environment, "LOOM_KAFKA_TOPIC_PREFIX": "stub."}, "/readyz") as stub:
            results.append(
                _load(
                    wrk,
                    stub,
                    "diagnostic: Kafka stubbed, single",
                    "single.lua",
                    arguments.connections,
                    arguments.duration,
                    1,
                    broker,
                )
            )
        landed = len(
            read_topic(
                broker.bootstrap_servers,
                f"{prefix}device.sensor.gps.raw",
                timeout_s=300,
                expected=_acknowledged(results, soak),
            )
        )
    _report(results, arguments, codegen_s, gateway.ready_s, landed, soak)


@dataclass(slots=True)
class Server:
    port: int
    process: subprocess.Popen[bytes]
    ready_s: float = 0.0

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
) -> Phase:
    warmup = _run_wrk(wrk, server, script, connections, 2, batch)
    workers = server.workers()
    broker_pids = [broker.pid] if broker.pid is not None else []
    before, broker_before = _cpu_ticks(workers), _cpu_ticks(broker_pids)
    stats = _run_wrk(wrk, server, script, connections, duration, batch)
    cpu_s = (_cpu_ticks(workers) - before) / CLOCK_TICKS
    broker_cpu_s = (_cpu_ticks(broker_pids) - broker_before) / CLOCK_TICKS
    return Phase(
        name=name,
        batch=batch,
        requests=stats["requests"],
        non2xx=stats["non2xx"],
        errors=stats["errors"],
        seconds=stats["duration_us"] / 1e6,
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        cpu_ms_per_request=1000 * cpu_s / max(stats["requests"], 1),
        broker_cpu_ms_per_request=1000 * broker_cpu_s / max(stats["requests"], 1),
        peak_rss_mb=[_status_kb(pid, "VmHWM") / 1024 for pid in workers],
        warmup_acknowledged=(warmup["requests"] - warmup["non2xx"]) * batch,
    )


def _run_wrk(
    wrk: str, server: Server, script: str, connections: int, duration: int, batch: int
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
                f"http://127.0.0.1:{server.port}/sensor/gps",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LOOM_BENCH_BATCH": str(batch), "LOOM_BENCH_RUN": uuid.uuid4().hex[:8]},
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
    ceiling = results[0]
    print(
        f"\nLoom Gateway benchmark — {os.cpu_count()} CPUs, {arguments.workers} workers, "
        f"{arguments.duration}s per phase, wrk -t2"
    )
    print(
        f"{'phase':32} {'req/s':>9} {'readings/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} "
        f"{'broker ms/req':>13} {'peak RSS MB/worker':>19} {'non-2xx':>8} {'vs ceiling':>10}"
    )
    for phase in results:
        ratio = phase.requests_per_s / ceiling.requests_per_s
        rss = "/".join(f"{value:.0f}" for value in phase.peak_rss_mb)
        print(
            f"{phase.name:32} {phase.requests_per_s:9.0f} {phase.readings_per_s:11.0f} {phase.p50_ms:7.2f} "
            f"{phase.p99_ms:7.2f} {phase.cpu_ms_per_request:10.3f} {phase.broker_cpu_ms_per_request:13.3f} "
            f"{rss:>19} {phase.non2xx:8d} {ratio:10.2f}"
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
        print(
            f"soak {arguments.soak}s: RSS per worker {' / '.join(f'{v:.0f}' for v in first)} MB → "
            f"{' / '.join(f'{v:.0f}' for v in last)} MB over {len(soak[1])} samples"
        )


def _acknowledged(results: list[Phase], soak: tuple[int, list[list[float]]] | None) -> int:
    """Every reading the gateway acknowledged, warm-ups and soak included (the ceiling publishes none)."""
    gateway = [phase for phase in results if phase.name.startswith("gateway")]
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


def _cpu_ticks(pids: list[int]) -> int:
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
