"""WebSocket streams: one JSON reading per text frame, each answered once Kafka has it.

The upgrade is refused with an HTTP answer (the ASGI denial response, a problem document) before
any 101: 401 without a valid key, 403 when the key is bound to other devices than the path's,
503 with Retry-After when this worker already has LOOM_MAX_STREAMS open. A bad frame gets an
error frame (the problem document an HTTP request would get) and the connection stays open; a
frame over the stream's limit closes it with 1009 and the reason (the server cuts a single frame
over its own 16 MiB cap before the gateway sees it: granian 2.8 has no setting for it).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pydantic_core
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.handlers import WebsocketRouteHandler

from loom_gateway.auth import Principal
from loom_gateway.catalog import Stream
from loom_gateway.errors import (
    FieldError,
    GatewayNotReady,
    InvalidReading,
    LoomError,
    MalformedBody,
    Overloaded,
    ReadingTooLarge,
)
from loom_gateway.http.auth import HeaderAuthenticate
from loom_gateway.http.problems import PROBLEM_MEDIA_TYPE, problem_document
from loom_gateway.http.results import accepted_reading
from loom_gateway.ingest.quarantine import Ingest, Quarantine
from loom_gateway.ingest.service import Ingestor
from loom_gateway.readiness import Readiness

__all__ = ["OpenStreams", "stream_handler"]

_PARAMETER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_MESSAGE_TOO_BIG = 1009
_MAX_CLOSE_REASON = 123
"""Bytes a close frame's reason may have (RFC 6455 section 5.5: 125 with the code)."""


class OpenStreams:
    """How many streams this worker has open, at most ``limit`` (LOOM_MAX_STREAMS); shared by every
    stream route. The in-flight bound does not apply to a stream: it is open for as long as the
    device streams."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0


def stream_handler(
    stream: Stream,
    ingestor: Ingestor,
    readiness: Readiness,
    authenticate: HeaderAuthenticate,
    open_streams: OpenStreams,
    quarantine: Quarantine | None = None,
) -> WebsocketRouteHandler:
    parameters = _PARAMETER.findall(stream.path)
    limit = stream.data_type.max_body_bytes
    ingest: Ingest = ingestor.ingest
    if quarantine is not None:
        ingest = quarantine.guarding(stream.path, stream.data_type, ingest)

    async def handle(socket: WebSocket[Any, Any, Any]) -> None:
        from_path = {name: str(socket.path_params[name]) for name in parameters}
        try:
            principal = _admit(authenticate, socket, from_path, open_streams)
        except LoomError as error:
            await _refuse(socket, error)
            return
        open_streams.open += 1
        try:
            await socket.accept()
            await _serve(socket, principal, from_path)
        finally:
            open_streams.open -= 1

    async def _serve(
        socket: WebSocket[Any, Any, Any], principal: Principal | None, from_path: dict[str, str]
    ) -> None:
        try:
            while True:
                event = await socket.receive()
                if event["type"] == "websocket.disconnect":
                    return
                text: str | None = event.get("text")  # type: ignore[assignment]
                data: bytes = event.get("bytes") or b""  # type: ignore[assignment]
                frame = text.encode() if text is not None else data
                if len(frame) > limit:
                    error = ReadingTooLarge(
                        f"the frame is {len(frame)} bytes; this stream takes at most {limit}"
                    )
                    ingestor.refused(error)
                    await socket.close(_MESSAGE_TOO_BIG, error.detail[:_MAX_CLOSE_REASON])
                    return
                try:
                    if text is None:
                        raise MalformedBody("send each reading as a JSON text frame")
                    if not readiness.ready:
                        raise GatewayNotReady(readiness.phrase or "not ready")
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


def _admit(
    authenticate: HeaderAuthenticate,
    socket: WebSocket[Any, Any, Any],
    from_path: dict[str, str],
    open_streams: OpenStreams,
) -> Principal | None:
    """The caller, if it may open this stream now; else the LoomError to refuse the upgrade with."""
    principal = authenticate(socket.headers)
    device_id = from_path.get("device_id")
    if principal is not None and device_id is not None:
        principal.check_device(device_id)
    if open_streams.open >= open_streams.limit:
        raise Overloaded(f"{open_streams.open} streams already open on this worker")
    return principal


async def _refuse(socket: WebSocket[Any, Any, Any], error: LoomError) -> None:
    """Answer the upgrade request with the problem document, as an HTTP request would get it
    (the ASGI WebSocket denial response); no 101, no frame."""
    body = msgspec.json.encode(problem_document(error, socket.url.path))
    headers = [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    if error.retry_after is not None:
        headers.append((b"retry-after", str(error.retry_after).encode()))
    await socket.receive()  # websocket.connect
    await socket.send({"type": "websocket.http.response.start", "status": error.status, "headers": headers})
    await socket.send({"type": "websocket.http.response.body", "body": body, "more_body": False})


def _error_frame(error: LoomError, instance: str) -> dict[str, Any]:
    """The problem document; a frame has no headers, so a retry hint travels as retry_after."""
    document = problem_document(error, instance)
    if error.retry_after is not None:
        document["retry_after"] = error.retry_after
    return document


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
