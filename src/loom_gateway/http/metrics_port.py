"""``/metrics`` on a port of its own (LOOM_METRICS_PORT), apart from the one devices reach.

Served by ``serve``'s main process, which takes no requests: it adds up the worker processes'
metric files (prometheus_client's multiprocess mode, which ``serve`` turns on whenever this port
is set, one worker or many) with prometheus_client's own small HTTP server. The workers keep
their gauges current every second (``operations.metrics_lifespan``), and their apps then have no
``/metrics`` route. Import this module only once PROMETHEUS_MULTIPROC_DIR is set: prometheus_client
reads it at import.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["serving_metrics"]


@contextlib.contextmanager
def serving_metrics(host: str, port: int, directory: str) -> Iterator[None]:
    """Every worker's metrics (from their files in ``directory``) on ``host:port``, while open."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    server, thread = start_http_server(port, addr=host, registry=registry)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
