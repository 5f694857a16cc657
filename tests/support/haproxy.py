"""A real HAProxy (Debian package) in front of servers the test runs, as a fleet is deployed:
round robin, and a new server connection per request (``option http-server-close``), so that
consecutive requests, even on one client connection, reach the servers in turn."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from loom_gateway.embedded_broker import free_port
from tests.support.processes import stop_session

__all__ = ["HAProxy", "haproxy_config", "running_haproxy"]


@dataclass(frozen=True, slots=True)
class HAProxy:
    base_url: str
    servers: tuple[str, ...]
    """The base URLs of the servers behind it, in round-robin order."""
    process: subprocess.Popen[bytes]


def haproxy_config(port: int, servers: Sequence[str], *, backend_lines: Sequence[str] = ()) -> str:
    """The configuration: HTTP on ``127.0.0.1:port``, round robin over ``servers`` (base URLs),
    without health checks (a test decides what is up); ``backend_lines`` are added to the backend
    (e.g. ``retries 3`` and ``option redispatch``)."""
    lines = [
        "global",
        "    maxconn 4096",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    option http-server-close",
        "frontend front",
        f"    bind 127.0.0.1:{port}",
        "    default_backend servers",
        "backend servers",
        "    balance roundrobin",
        *(f"    {line}" for line in backend_lines),
    ]
    for index, server in enumerate(servers):
        address = urlsplit(server)
        lines.append(f"    server s{index} {address.hostname}:{address.port}")
    return "\n".join(lines) + "\n"


@contextmanager
def running_haproxy(
    servers: Sequence[str], *, backend_lines: Sequence[str] = (), ready_within_s: float = 10.0
) -> Iterator[HAProxy]:
    """HAProxy in the foreground (``-db``), in its own process group, on a free loopback port;
    yielded once it accepts connections, stopped after."""
    binary = shutil.which("haproxy")
    if binary is None:
        raise AssertionError("haproxy is not installed (Debian package haproxy; nox -s tests installs it)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="loom-haproxy-") as directory:
        config = Path(directory) / "haproxy.cfg"
        config.write_text(haproxy_config(port, servers, backend_lines=backend_lines))
        log = Path(directory) / "haproxy.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [binary, "-db", "-f", str(config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_listening(port, process, log, ready_within_s)
            yield HAProxy(f"http://127.0.0.1:{port}", tuple(servers), process)
        finally:
            stop_session(process, whole_group=True, within_s=10)


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while True:
        if process.poll() is not None:
            raise AssertionError(f"haproxy exited ({process.returncode}): {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"haproxy is not listening: {log.read_text(errors='replace')}") from None
            time.sleep(0.02)
