"""Liveness, readiness and metrics endpoints."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler

from loom_gateway.metrics import Metrics
from loom_gateway.readiness import Readiness

__all__ = ["operations_handlers"]


def operations_handlers(
    readiness: Readiness, metrics: Metrics, queued: Callable[[], int]
) -> list[HTTPRouteHandler]:
    """``queued``: how many records wait for Kafka's acknowledgement (read at each scrape)."""

    @get("/healthz", tags=["operations"], summary="Liveness", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        """The process is serving. Says nothing about Kafka: see /readyz."""
        return {"status": "healthy"}

    @get("/readyz", tags=["operations"], summary="Readiness", sync_to_thread=False)
    def readyz() -> Response[dict[str, str]]:
        """Ready once the broker was reached and every catalog topic exists."""
        if readiness.ready:
            return Response({"status": "ready"}, status_code=200)
        return Response(
            {"status": "not-ready", "reason": readiness.reason or ""},
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
        metrics.ready.set(1 if readiness.ready else 0)
        metrics.queued.set(queued())
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return [healthz, readyz, metrics_endpoint]
