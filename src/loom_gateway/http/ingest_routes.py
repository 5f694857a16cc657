"""One factory turns each generated route into a Litestar handler; a plugin mounts them all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request, Response, post
from litestar.config.app import AppConfig
from litestar.handlers import HTTPRouteHandler
from litestar.plugins import InitPlugin

from loom_gateway.catalog import Catalog, DataType, Route
from loom_gateway.errors import BatchFailed, GatewayNotReady, InvalidReading, UnsupportedMediaType
from loom_gateway.ingest.service import Ingestor, Outcome, Result
from loom_gateway.readiness import Readiness

__all__ = ["IngestRoutesPlugin", "ingest_handler"]

_JSON = "application/json"


class IngestRoutesPlugin(InitPlugin):
    """Appends a POST handler for every route in the catalog when the app is built."""

    def __init__(
        self, catalog: Catalog, ingestors: Mapping[DataType, Ingestor], readiness: Readiness
    ) -> None:
        self._catalog = catalog
        self._ingestors = ingestors
        self._readiness = readiness

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(
            ingest_handler(route, self._ingestors[route.data_type], self._readiness)
            for route in self._catalog.routes
        )
        return app_config


def ingest_handler(route: Route, ingestor: Ingestor, readiness: Readiness) -> HTTPRouteHandler:
    data_type = route.data_type

    async def ingest(request: Request[Any, Any, Any]) -> Response[bytes]:
        if not _is_json(request.headers.get("content-type", "")):
            raise UnsupportedMediaType("send the reading as application/json")
        if not readiness.ready:
            raise GatewayNotReady(readiness.reason or "not ready")
        result = await ingestor.ingest(await request.body())
        return _result_response(result, request.url.path)

    return post(
        route.path,
        name=f"ingest:{route.path}",
        operation_id=f"post{route.path.replace('/', '_').replace('-', '_')}",
        summary=f"Ingest {data_type.title}",
        description=f"Publishes to `{data_type.topic.name}` once Kafka acknowledges it. "
        f"Body: one reading, or a JSON array of at most {data_type.max_batch_items}. "
        f"Schema: {data_type.schema_id}",
        tags=[data_type.name.split(".", 1)[0]],
        request_max_body_size=data_type.max_body_bytes,
        status_code=202,
    )(ingest)


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == _JSON or (media_type.startswith("application/") and media_type.endswith("+json"))


def _result_response(result: Result, instance: str) -> Response[bytes]:
    if not result.is_array:
        outcome = result.outcomes[0]
        body = {
            "status": "success",
            "message_id": outcome.message_id,
            "topic": result.topic,
            "trace_id": outcome.trace_id,
        }
        return Response(msgspec.json.encode(body), status_code=202, media_type=_JSON)
    accepted = sum(1 for outcome in result.outcomes if outcome.error is None)
    failed = [outcome.error for outcome in result.outcomes if outcome.error is not None]
    summary: dict[str, object] = {
        "total": len(result.outcomes),
        "processed": accepted,
        "failed": len(failed),
        "topic": result.topic,
        "results": [_item(index, outcome) for index, outcome in enumerate(result.outcomes)],
    }
    unavailable = next((error for error in failed if error.status >= 500), None)
    if unavailable is not None:
        # Some readings did not reach Kafka: the whole request is retryable, and message ids
        # let the retry be recognised. Readings that did land are listed as accepted.
        raise BatchFailed(unavailable, summary)
    if failed and accepted == 0:
        raise BatchFailed(failed[0], summary, refused=True)
    reply: dict[str, object] = {"status": "success" if not failed else "partial", **summary}
    return Response(msgspec.json.encode(reply), status_code=202 if not failed else 207, media_type=_JSON)


def _item(index: int, outcome: Outcome) -> dict[str, object]:
    if outcome.error is None:
        return {"index": index, "status": "accepted", "message_id": outcome.message_id}
    item: dict[str, object] = {
        "index": index,
        "status": "refused" if outcome.error.status < 500 else "failed",
        "error": {
            "type": outcome.error.problem_type,
            "status": outcome.error.status,
            "detail": outcome.error.detail,
        },
    }
    if isinstance(outcome.error, InvalidReading):
        item["errors"] = outcome.error.extensions()["errors"]
    return item
