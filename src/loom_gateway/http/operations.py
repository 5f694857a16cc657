"""Liveness, readiness and metrics endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler

from loom_gateway.metrics import Metrics
from loom_gateway.readiness import Readiness

__all__ = ["metrics_lifespan", "operations_handlers"]

logger = logging.getLogger(__name__)

_SAMPLE_INTERVAL_S = 1.0
_REPLACEMENT_READY_WITHIN_S = 30.0
"""How long a worker that replaces a dead one (its siblings serving) waits to be ready before it
takes connections all the same."""
_READY_POLL_S = 0.05


def operations_handlers(
    readiness: Readiness, metrics: Metrics, queued: Callable[[], int], *, serve_metrics: bool = True
) -> list[HTTPRouteHandler]:
    """``queued``: how many records wait for Kafka's acknowledgement (read at each scrape);
    ``serve_metrics`` False: no /metrics here (LOOM_METRICS_PORT serves it, see ``metrics_port``)."""

    @get("/healthz", tags=["operations"], summary="Liveness", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        """The process is serving. Says nothing about Kafka: see /readyz."""
        return {"status": "healthy"}

    @get("/readyz", tags=["operations"], summary="Readiness", sync_to_thread=False)
    def readyz() -> Response[dict[str, str]]:
        """Ready once the broker was reached and every catalog topic exists. Why not, in one generic
        phrase (the details, broker errors included, are in the log and loom_ready)."""
        if readiness.ready:
            return Response({"status": "ready"}, status_code=200)
        return Response(
            {"status": "not-ready", "reason": readiness.phrase or "not ready"},
            status_code=503,
            headers={"Retry-After": "2"},
        )

    @get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        sync_to_thread=False,
        include_in_schema=False,
    )
    def metrics_endpoint() -> Response[bytes]:
        metrics.sample(ready=readiness.ready, queued=queued())
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return [healthz, readyz, metrics_endpoint] if serve_metrics else [healthz, readyz]


def metrics_lifespan(
    readiness: Readiness, metrics: Metrics, queued: Callable[[], int]
) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """With several workers (multiprocess metrics), /metrics is answered by one of them and reads the
    others' gauges from their files: each worker keeps its own current, every second. On shutdown
    the worker's gauges stop counting.

    A worker started while another worker of the server is ready (a replacement for a dead one)
    finishes starting, and so takes connections, only once it is ready itself (within 30 s): the
    others serve meanwhile, and no request meets a worker that would answer 503 not-ready."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        sampler = asyncio.create_task(_sample(readiness, metrics, queued)) if metrics.multiprocess else None
        if metrics.multiprocess and metrics.another_worker_ready():
            await _until_ready(readiness, _REPLACEMENT_READY_WITHIN_S)
            metrics.sample(ready=readiness.ready, queued=queued())  # not a second later: siblings read it
        try:
            yield
        finally:
            if sampler is not None:
                sampler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sampler
            metrics.close()

    return lifespan


async def _until_ready(readiness: Readiness, within_s: float) -> None:
    started = time.monotonic()
    while not readiness.ready:
        if time.monotonic() - started > within_s:
            logger.warning("serving before ready (%s) after %.0fs", readiness.reason, within_s)
            return
        await asyncio.sleep(_READY_POLL_S)
    logger.info("worker ready in %.2fs; its siblings served meanwhile", time.monotonic() - started)


async def _sample(readiness: Readiness, metrics: Metrics, queued: Callable[[], int]) -> None:
    while True:
        metrics.sample(ready=readiness.ready, queued=queued())
        await asyncio.sleep(_SAMPLE_INTERVAL_S)
