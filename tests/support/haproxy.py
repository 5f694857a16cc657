"""HAProxy (Debian's package) in front of several gateway replicas, as a Kubernetes Service's load
balancer spreads a device's requests: round robin, and a new connection to a replica per request
(``option http-server-close``), so that retries land on every worker of every replica."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from loom_gateway.embedded_broker import free_port
from tests.support.processes import stop_session

__all__ = ["running_haproxy"]

_CONFIG = """\
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-server-close
frontend gateway
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
{servers}
"""


@contextlib.contextmanager
def running_haproxy(backends: Sequence[str], within_s: float = 10.0) -> Iterator[str]:
    """``backends``: ``host:port`` of each replica; yields the balancer's base URL."""
    binary = shutil.which("haproxy")
    if binary is None:
        raise AssertionError("no haproxy: apt-get install -y haproxy (nox -s tests does)")
    port = free_port()
    servers = "\n".join(f"    server replica{n} {backend}" for n, backend in enumerate(backends))
    with tempfile.TemporaryDirectory(prefix="loom-haproxy-") as directory:
        config = Path(directory) / "haproxy.cfg"
        config.write_text(_CONFIG.format(port=port, servers=servers))
        log = Path(directory) / "haproxy.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [binary, "-db", "-f", str(config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + within_s
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"haproxy exited: {log.read_text()}")
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(f"haproxy did not listen within {within_s}s: {log.read_text()}")
                time.sleep(0.02)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_session(process, whole_group=True, within_s=5)
