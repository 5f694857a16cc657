"""``loom-gateway serve`` as production runs it: a subprocess (granian, its worker processes)
on a free port, keyed, against a broker the test owns."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from loom_gateway.embedded_broker import free_port
from tests.support.gateway import TEST_API_KEY
from tests.support.processes import stop_session

__all__ = ["ServeServer", "rss_kib", "running_serve"]


@dataclass(slots=True)
class ServeServer:
    base_url: str
    process: subprocess.Popen[bytes]
    _log: IO[bytes]

    @property
    def headers(self) -> dict[str, str]:
        """What every client of this server sends: the key it accepts."""
        return {"X-API-Key": TEST_API_KEY}

    def worker_pids(self) -> list[int]:
        """The server's worker processes: children of granian's main process running the same
        command (not, say, a helper process of multiprocessing)."""
        command = Path(f"/proc/{self.process.pid}/cmdline").read_bytes()
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
                fields = stat.read_text().rpartition(")")[2].split()
                if int(fields[1]) == self.process.pid and (stat.parent / "cmdline").read_bytes() == command:
                    children.append(int(stat.parent.name))
        return sorted(children)

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def terminate(self, within_s: float) -> tuple[int | None, float]:
        """SIGTERM, then wait up to ``within_s``: the exit code (None if still running) and the wait."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = self.process.wait(timeout=within_s)
        except subprocess.TimeoutExpired:
            code = None
        return code, time.monotonic() - started


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


@contextmanager
def running_serve(
    bootstrap_servers: str,
    *,
    workers: int = 2,
    ready_within_s: float = 30.0,
    wait_ready: bool = True,
    environment: Mapping[str, str] | None = None,
    **settings: object,
) -> Iterator[ServeServer]:
    """Start ``python -m loom_gateway serve`` with ``LOOM_<SETTING>`` for each keyword (JSON for
    non-strings) and ``environment``'s other variables; yield once every worker says ready
    (``wait_ready``; else once it answers at all);
    SIGTERM (then SIGKILL) after."""
    port = free_port()
    variables = {key: value for key, value in os.environ.items() if not key.startswith("LOOM_")}
    variables |= environment or {}
    configured: dict[str, object] = {
        "api_keys": json.dumps({TEST_API_KEY: "*"}),
        "log_level": "WARNING",
        "kafka_default_partitions": 2,
        **settings,
        "kafka_bootstrap_servers": bootstrap_servers,
        "port": port,
        "workers": workers,
    }
    variables |= {
        f"LOOM_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in configured.items()
    }
    # A file, not a pipe: an undrained pipe would stall a server that logs a lot.
    log = tempfile.TemporaryFile(prefix="loom-serve-")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "loom_gateway", "serve"],
        env=variables,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its own process group: workers can be killed with it
    )
    server = ServeServer(f"http://127.0.0.1:{port}", process, log)
    try:
        if wait_ready:
            _wait_ready(server, workers, ready_within_s)
        else:
            _wait_answering(server, ready_within_s)
        yield server
    finally:
        stop_session(process, whole_group=False, within_s=30)
        log.close()


def _wait_answering(server: ServeServer, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while True:
        if server.process.poll() is not None:
            raise AssertionError(f"loom-gateway serve exited ({server.process.returncode}): {server.log()}")
        try:
            httpx.get(f"{server.base_url}/healthz", timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise AssertionError(f"loom-gateway serve did not answer: {server.log()[-3000:]}") from None
            time.sleep(0.05)


def _wait_ready(server: ServeServer, workers: int, within_s: float) -> None:
    """Ready when the worker processes exist and /readyz, asked on fresh connections (which the
    kernel spreads over the workers), says ready many times in a row."""
    deadline = time.monotonic() + within_s
    in_a_row = 0
    while in_a_row < 8 * workers:
        if server.process.poll() is not None:
            raise AssertionError(f"loom-gateway serve exited ({server.process.returncode}): {server.log()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"loom-gateway serve did not become ready: {server.log()[-3000:]}")
        try:
            ready = httpx.get(f"{server.base_url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            ready = False
        in_a_row = in_a_row + 1 if ready and len(server.worker_pids()) == workers else 0
        if not ready:
            time.sleep(0.05)
    # The kernel may have sent every one of those to the same worker: the others' own word is
    # loom_ready, the least of the live workers' (when /metrics is served on this port).
    while not _every_worker_ready(server):
        if time.monotonic() > deadline:
            raise AssertionError(f"not every worker became ready: {server.log()[-3000:]}")
        time.sleep(0.05)


def _every_worker_ready(server: ServeServer) -> bool:
    try:
        response = httpx.get(f"{server.base_url}/metrics", timeout=2)
    except httpx.TransportError:
        return False
    if response.status_code == 404:
        return True  # metrics on a port of their own: /readyz is all there is to ask
    return any(
        line.startswith("loom_ready ") and float(line.split()[1]) == 1 for line in response.text.splitlines()
    )
