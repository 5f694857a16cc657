"""Factories turn each generated route, dispatch route and stream into a Litestar handler;
a plugin mounts them all. No handler is written by hand for a data type."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from litestar import Router, asgi
from litestar.config.app import AppConfig
from litestar.exceptions import MethodNotAllowedException
from litestar.handlers import ASGIRouteHandler, BaseRouteHandler
from litestar.plugins import InitPlugin
from litestar.types import HTTPScope, Receive, Scope, Send

from loom_gateway.catalog import Catalog, DataType, Route
from loom_gateway.errors import GatewayNotReady
from loom_gateway.http.auth import HeaderAuthenticate
from loom_gateway.http.bodies import BodyReader
from loom_gateway.http.media import JSON_MEDIA_TYPE, require_json_media_type
from loom_gateway.http.results import result_answer
from loom_gateway.http.streams import OpenStreams, stream_handler
from loom_gateway.ingest.admission import InFlightLimit
from loom_gateway.ingest.dispatch import Dispatcher
from loom_gateway.ingest.quarantine import Ingest, Quarantine
from loom_gateway.ingest.service import Ingestor
from loom_gateway.readiness import Readiness

__all__ = ["IngestRoutesPlugin", "ingest_handler", "successor_headers"]


class IngestRoutesPlugin(InitPlugin):
    """Appends a handler for every route, dispatch route and stream in the catalog."""

    def __init__(
        self,
        catalog: Catalog,
        ingestors: Mapping[DataType, Ingestor],
        dispatchers: Mapping[str, Dispatcher],
        readiness: Readiness,
        authenticate: HeaderAuthenticate,
        open_streams: OpenStreams,
        in_flight: InFlightLimit,
        bodies: BodyReader,
        quarantine: Quarantine | None = None,
    ) -> None:
        """``authenticate`` runs in the POST handlers and at a WebSocket stream's upgrade;
        ``quarantine``: where refused readings go, when enabled."""
        self._authenticate = authenticate
        self._bodies = bodies
        self._quarantine = quarantine
        self._open_streams = open_streams
        self._in_flight = in_flight
        self._catalog = catalog
        self._ingestors = ingestors
        self._dispatchers = dispatchers
        self._readiness = readiness

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        # Every route that takes data needs a key (unless auth is disabled).
        gates = (self._readiness, self._in_flight, self._bodies, self._authenticate, self._quarantine)
        posts: list[BaseRouteHandler] = [
            ingest_handler(
                route.path,
                route.data_type,
                self._ingestors[route.data_type].ingest,
                *gates,
                answer_headers=successor_headers(route),
            )
            for route in self._catalog.routes
        ]
        posts += [
            ingest_handler(dispatch.path, dispatch.data_type, self._dispatchers[dispatch.path].ingest, *gates)
            for dispatch in self._catalog.dispatches
        ]
        streams: list[BaseRouteHandler] = [
            stream_handler(
                stream,
                self._ingestors[stream.data_type],
                self._readiness,
                self._authenticate,
                self._open_streams,
                self._quarantine,
            )
            for stream in self._catalog.streams
        ]
        app_config.route_handlers.append(Router(path="/", route_handlers=posts))
        if streams:
            app_config.route_handlers.append(Router(path="/", route_handlers=streams))
        return app_config


def ingest_handler(
    path: str,
    data_type: DataType,
    ingest: Ingest,
    readiness: Readiness,
    in_flight: InFlightLimit,
    bodies: BodyReader,
    authenticate: HeaderAuthenticate,
    quarantine: Quarantine | None = None,
    answer_headers: Sequence[tuple[bytes, bytes]] = (),
) -> ASGIRouteHandler:
    """The POST handler of one route or dispatch route (``ingest``: its ingestor's or dispatcher's).

    A raw ASGI handler mounted by Litestar: routing, the exception handlers (every refusal is
    still a problem document written in one place) and the telemetry middleware stay Litestar's,
    but no Request, signature model or Response is built per request (measured: about a sixth
    of a single reading's CPU on the event loop). What the POST route did for us is done here:
    OPTIONS gets 204, other methods 405 (both with ``Allow``, as before), the body limit is the
    schema's ``max_body_bytes`` (413). The body is read (``bodies``: within a deadline) before the
    request takes an in-flight slot, so slow senders cannot fill the room of requests being ingested.
    ``answer_headers`` go on every answer to a POST that reached ingestion (``successor_headers``).
    """
    if quarantine is not None:
        ingest = quarantine.guarding(path, data_type, ingest)
    limit = data_type.max_body_bytes

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        method = cast("HTTPScope", scope)["method"]
        if method != "POST":
            if method == "OPTIONS":  # what Litestar answers for a POST route (a CORS preflight's probe)
                await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", _ALLOW)]})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            raise MethodNotAllowedException(headers={"Allow": _ALLOW.decode()})
        headers = _headers(scope["headers"])
        principal = authenticate(headers)  # 401 before the body is read
        require_json_media_type(headers.get("content-type", ""), "reading")
        if not readiness.ready:
            raise GatewayNotReady(readiness.phrase or "not ready")
        body = await bodies.read(receive, headers.get("content-length"), limit)
        with in_flight.admit():
            status, answer = result_answer(await ingest(body, principal))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", _JSON),
                    (b"content-length", str(len(answer)).encode()),
                    *answer_headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer, "more_body": False})

    return asgi(path, name=f"ingest:{path}", copy_scope=False)(handle)


def successor_headers(route: Route) -> tuple[tuple[bytes, bytes], ...]:
    """RFC 9745's ``Deprecation`` and ``Link: <…>; rel="successor-version"`` (RFC 5829) on a route
    whose version has a released successor (the catalog says so), so clients learn to move."""
    headers: list[tuple[bytes, bytes]] = []
    if route.deprecated_since is not None:
        headers.append((b"deprecation", f"@{route.deprecated_since}".encode()))
    if route.successor_path is not None:
        headers.append((b"link", f'<{route.successor_path}>; rel="successor-version"'.encode()))
    return tuple(headers)


_JSON = JSON_MEDIA_TYPE.encode()
_ALLOW = b"OPTIONS, POST"
_WANTED = frozenset({b"x-api-key", b"authorization", b"content-type", b"content-length"})


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The few request headers ingestion reads (ASGI names them in lower case); of a repeated
    one, the first, as Litestar's ``Headers.get`` gives it."""
    found: dict[str, str] = {}
    for name, value in raw:
        if name in _WANTED:
            found.setdefault(name.decode(), value.decode("latin-1"))
    return found
