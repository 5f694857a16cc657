"""A real ``redis-server`` (Debian's package) on a free loopback port, memory only, for the shared state
store's tests: started in its own process group, killed and restarted on the same port by outage tests."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from types import TracebackType

from loom_gateway.embedded_broker import free_port
from tests.support.processes import stop_session

__all__ = ["RedisServer"]


class RedisServer:
    def __init__(
        self, port: int | None = None, *, password: str | None = None, tls: tuple[str, str] | None = None
    ) -> None:
        """``tls``: (certificate file, key file) to listen with TLS only (``rediss://``)."""
        self.port = port or free_port()
        self.password = password
        self.tls = tls
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        credentials = f":{self.password}@" if self.password else ""
        return f"{'rediss' if self.tls else 'redis'}://{credentials}127.0.0.1:{self.port}/0"

    def start(self, within_s: float = 10.0) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise AssertionError("no redis-server: apt-get install -y redis-server (nox -s tests does)")
        self._log = tempfile.TemporaryFile(prefix="loom-redis-")  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(
            [
                binary,
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *(("--requirepass", self.password) if self.password else ()),
                *self._listening(),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                raise AssertionError(f"redis-server exited: {self._log.read().decode(errors='replace')}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"redis-server did not listen on port {self.port} within {within_s}s")

    def kill(self) -> None:
        """SIGKILL: everything it held is gone (memory only), its port free for a restart."""
        process, self._process = self._process, None
        if process is not None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            self._log.close()

    def _listening(self) -> tuple[str, ...]:
        if self.tls is None:
            return ("--port", str(self.port))
        certificate, key = self.tls
        # Port 0: no plain listener at all.
        tls_only = ("--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no")
        return (*tls_only, "--tls-cert-file", certificate, "--tls-key-file", key)

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs (the benchmark reads its CPU from /proc)."""
        return None if self._process is None else self._process.pid

    def script_calls(self) -> int:
        """Script calls (EVALSHA, EVAL) it has answered so far, from its commandstats."""
        import redis  # a dependency of the gateway; imported here to keep this module light

        stats = redis.Redis(port=self.port).info("commandstats")
        return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in ("evalsha", "eval"))

    def pause(self) -> None:
        """SIGSTOP: connections stay open and nothing is answered (a store that hangs)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_session(process, whole_group=True, within_s=5)
            self._log.close()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
