"""Factories turn each generated route, dispatch route and stream into a Litestar handler;
a plugin mounts them all. No handler is written by hand for a data type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, Router, post
from litestar.config.app import AppConfig
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.plugins import InitPlugin
from litestar.types import Guard

from loom_gateway.catalog import Catalog, DataType
from loom_gateway.errors import GatewayNotReady
from loom_gateway.http.auth import Authenticate
from loom_gateway.http.media import require_json
from loom_gateway.http.results import result_response
from loom_gateway.http.streams import stream_handler
from loom_gateway.ingest.admission import InFlightLimit
from loom_gateway.ingest.dispatch import Dispatcher
from loom_gateway.ingest.quarantine import Ingest, Quarantine
from loom_gateway.ingest.service import Ingestor
from loom_gateway.readiness import Readiness

__all__ = ["IngestRoutesPlugin", "ingest_handler"]


class IngestRoutesPlugin(InitPlugin):
    """Appends a handler for every route, dispatch route and stream in the catalog."""

    def __init__(
        self,
        catalog: Catalog,
        ingestors: Mapping[DataType, Ingestor],
        dispatchers: Mapping[str, Dispatcher],
        readiness: Readiness,
        authenticate: Authenticate,
        guard: Guard,
        in_flight: InFlightLimit,
        quarantine: Quarantine | None = None,
    ) -> None:
        """``authenticate`` runs in the POST handlers; ``guard`` (the same check) on WebSocket streams.
        ``quarantine``: where refused readings go, when enabled."""
        self._authenticate = authenticate
        self._quarantine = quarantine
        self._guard = guard
        self._in_flight = in_flight
        self._catalog = catalog
        self._ingestors = ingestors
        self._dispatchers = dispatchers
        self._readiness = readiness

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        # Every route that takes data needs a key (unless auth is disabled).
        gates = (self._readiness, self._in_flight, self._authenticate, self._quarantine)
        posts: list[BaseRouteHandler] = [
            ingest_handler(route.path, route.data_type, self._ingestors[route.data_type].ingest, *gates)
            for route in self._catalog.routes
        ]
        posts += [
            ingest_handler(dispatch.path, dispatch.data_type, self._dispatchers[dispatch.path].ingest, *gates)
            for dispatch in self._catalog.dispatches
        ]
        streams: list[BaseRouteHandler] = [
            stream_handler(stream, self._ingestors[stream.data_type], self._readiness, self._quarantine)
            for stream in self._catalog.streams
        ]
        app_config.route_handlers.append(Router(path="/", route_handlers=posts))
        if streams:
            app_config.route_handlers.append(Router(path="/", route_handlers=streams, guards=[self._guard]))
        return app_config


def ingest_handler(
    path: str,
    data_type: DataType,
    ingest: Ingest,
    readiness: Readiness,
    in_flight: InFlightLimit,
    authenticate: Authenticate,
    quarantine: Quarantine | None = None,
) -> HTTPRouteHandler:
    """The POST handler of one route or dispatch route (``ingest``: its ingestor's or dispatcher's)."""
    if quarantine is not None:
        ingest = quarantine.guarding(path, data_type, ingest)

    async def handle(request: Request[Any, Any, Any]) -> Response[bytes]:
        principal = authenticate(request)  # 401 before the body is read
        require_json(request, "reading")
        if not readiness.ready:
            raise GatewayNotReady(readiness.reason or "not ready")
        with in_flight.admit():
            return result_response(await ingest(await request.body(), principal))

    return post(
        path,
        name=f"ingest:{path}",
        # Described by the document codegen built from the schemas (generated openapi.json).
        include_in_schema=False,
        request_max_body_size=data_type.max_body_bytes,
        status_code=202,
    )(handle)
