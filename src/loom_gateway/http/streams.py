"""WebSocket streams: one JSON reading per text frame, each answered once Kafka has it.

A bad frame gets an error frame (the problem document an HTTP request would get) and the
connection stays open; only the client, or a shutdown, ends it.
"""

from __future__ import annotations

import re
from typing import Any

import pydantic_core
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.handlers import WebsocketRouteHandler

from loom_gateway.catalog import Stream
from loom_gateway.errors import (
    FieldError,
    GatewayNotReady,
    InvalidReading,
    LoomError,
    MalformedBody,
    ReadingTooLarge,
)
from loom_gateway.http.auth import principal_of
from loom_gateway.http.problems import problem_document
from loom_gateway.http.results import accepted_reading
from loom_gateway.ingest.quarantine import Ingest, Quarantine
from loom_gateway.ingest.service import Ingestor
from loom_gateway.readiness import Readiness

__all__ = ["stream_handler"]

_PARAMETER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def stream_handler(
    stream: Stream, ingestor: Ingestor, readiness: Readiness, quarantine: Quarantine | None = None
) -> WebsocketRouteHandler:
    parameters = _PARAMETER.findall(stream.path)
    limit = stream.data_type.max_body_bytes
    ingest: Ingest = ingestor.ingest
    if quarantine is not None:
        ingest = quarantine.guarding(stream.path, stream.data_type, ingest)

    async def handle(socket: WebSocket[Any, Any, Any]) -> None:
        principal = principal_of(socket)  # the guard authenticated the upgrade request
        await socket.accept()
        from_path = {name: str(socket.path_params[name]) for name in parameters}
        try:
            while True:
                event = await socket.receive()
                if event["type"] == "websocket.disconnect":
                    return
                try:
                    frame = _frame(event, limit)
                    if not readiness.ready:
                        raise GatewayNotReady(readiness.reason or "not ready")
                    reading = _with_path_values(frame, from_path, stream)
                except LoomError as error:
                    ingestor.refused(error)
                    await socket.send_json(_error_frame(error, socket.url.path))
                    continue
                try:
                    result = await ingest(reading, principal)  # counts its own refusals
                except LoomError as error:
                    await socket.send_json(_error_frame(error, socket.url.path))
                    continue
                await socket.send_json(accepted_reading(result.outcomes[0]))
        except WebSocketDisconnect:
            return

    return websocket(
        _PARAMETER.sub(r"{\1:str}", stream.path),
        name=f"stream:{stream.path}",
    )(handle)


def _error_frame(error: LoomError, instance: str) -> dict[str, Any]:
    """The problem document; a frame has no headers, so a retry hint travels as retry_after."""
    document = problem_document(error, instance)
    if error.retry_after is not None:
        document["retry_after"] = error.retry_after
    return document


def _frame(event: Any, limit: int) -> bytes:
    text = event.get("text")
    if text is None:
        raise MalformedBody("send each reading as a JSON text frame")
    frame: bytes = text.encode()
    if len(frame) > limit:
        raise ReadingTooLarge(f"the frame is {len(frame)} bytes; this stream takes at most {limit}")
    return frame


def _with_path_values(frame: bytes, from_path: dict[str, str], stream: Stream) -> bytes:
    """The frame's reading, with what the path says filled in where the frame is silent."""
    try:
        reading = pydantic_core.from_json(frame)
    except ValueError as error:
        raise MalformedBody(f"the frame is not valid JSON: {error}") from None
    if not isinstance(reading, dict):
        raise MalformedBody("each frame must hold one JSON object")
    for name, value in from_path.items():
        sent = reading.setdefault(name, value)
        if sent != value:
            raise InvalidReading(
                f"{name} in the frame differs from the stream's",
                [FieldError(f"/{name}", "const", f"must be {value!r}, the {name} in the stream's path")],
                stream.data_type.schema_id,
            )
    return pydantic_core.to_json(reading)
