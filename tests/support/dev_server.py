"""``loom-gateway dev`` as a user starts it: a subprocess with its own embedded broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from loom_gateway.embedded_broker import free_port

__all__ = ["DevServer", "running_dev_server"]


@dataclass(slots=True)
class DevServer:
    base_url: str
    http_port: int
    broker_port: int
    process: subprocess.Popen[bytes]
    stderr: str = ""
    """What the server wrote to stderr, once it has exited."""

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.broker_port}"


@contextmanager
def running_dev_server(ready_within_s: float = 30.0) -> Iterator[DevServer]:
    """Start ``python -m loom_gateway dev`` on free ports; yield once /readyz says ready; SIGTERM after."""
    http_port, broker_port = free_port(), free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LOOM_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loom_gateway",
            "dev",
            "--port",
            str(http_port),
            "--broker-port",
            str(broker_port),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = DevServer(f"http://127.0.0.1:{http_port}", http_port, broker_port, process)
    try:
        _wait_ready(server, ready_within_s)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        server.stderr = stderr.decode(errors="replace")


def _wait_ready(server: DevServer, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            stderr = server.process.stderr.read().decode(errors="replace") if server.process.stderr else ""
            raise AssertionError(f"loom-gateway dev exited ({server.process.returncode}): {stderr[-2000:]}")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("loom-gateway dev did not become ready")
