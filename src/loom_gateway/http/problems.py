"""Every error becomes an RFC 9457 problem document here, and nowhere else."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

from loom_gateway.errors import LoomError

__all__ = ["PROBLEM_TYPE_BASE", "exception_handlers", "problem_document", "problem_response"]

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://loom-gateway.dev/problems/"
_MAX_LOGGED_PATH = 256
"""A path is the client's choice: a log line repeats at most this much of it."""


def problem_document(error: LoomError, instance: str) -> dict[str, Any]:
    """The RFC 9457 document for one of our errors (also sent as a WebSocket error frame)."""
    return _document(
        error.status, error.problem_type, error.title, error.detail, instance, error.extensions()
    )


def _document(
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    instance: str,
    extensions: dict[str, object] | None,
) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **(extensions or {}),
    }


def problem_response(
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    instance: str,
    *,
    retry_after: int | None = None,
    extensions: dict[str, object] | None = None,
) -> Response[bytes]:
    document = _document(status, problem_type, title, detail, instance, extensions)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return Response(
        content=msgspec.json.encode(document),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


class _RateLimitedLog:
    """At most one line per problem type per interval: under overload or an outage every
    request fails the same way, and a line each would put logging on the hot path."""

    def __init__(self, interval_s: float = 5.0) -> None:
        self._interval_s = interval_s
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def warning(self, key: str, message: str) -> None:
        now = time.monotonic()
        if now - self._last.get(key, -self._interval_s) < self._interval_s:
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            return
        self._last[key] = now
        suppressed = self._suppressed.pop(key, 0)
        logger.warning("%s%s", message, f" (and {suppressed} more like it)" if suppressed else "")


def _loom_error(request: Request[Any, Any, Any], error: LoomError, log: _RateLimitedLog) -> Response[bytes]:
    if error.status >= 500:
        log.warning(error.problem_type, f"{request.method} {_logged_path(request)}: {error.detail}")
    return problem_response(
        error.status,
        error.problem_type,
        error.title,
        error.detail,
        request.url.path,
        retry_after=error.retry_after,
        extensions=error.extensions(),
    )


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    title = error.detail if isinstance(error.detail, str) else "HTTP error"
    response = problem_response(
        error.status_code,
        f"http-{error.status_code}",
        title,
        title,
        request.url.path,
    )
    if error.headers:
        response.headers.update(error.headers)
    return response


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    logger.exception("unhandled error on %s %s", request.method, _logged_path(request), exc_info=error)
    return problem_response(
        500, "internal", "Internal error", "the gateway failed unexpectedly", request.url.path
    )


def _logged_path(request: Request[Any, Any, Any]) -> str:
    path = request.url.path
    return path if len(path) <= _MAX_LOGGED_PATH else f"{path[:_MAX_LOGGED_PATH]}... ({len(path)} characters)"


def exception_handlers() -> ExceptionHandlersMap:
    """The app's handlers; each app gets its own log limiter (no module-level state)."""
    log = _RateLimitedLog()
    return {
        LoomError: partial(_loom_error, log=log),
        HTTPException: _http_error,
        Exception: _unexpected,
    }
