"""Media types of request bodies."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response

from loom_gateway.errors import UnsupportedMediaType

__all__ = ["JSON_MEDIA_TYPE", "json_response", "require_json", "require_json_media_type"]

JSON_MEDIA_TYPE = "application/json"


def require_json(request: Request[Any, Any, Any], what: str) -> None:
    """Refuse (415) a body that is not ``application/json`` or ``application/*+json``."""
    require_json_media_type(request.headers.get("content-type", ""), what)


def require_json_media_type(content_type: str, what: str) -> None:
    """``require_json`` given the Content-Type header's value."""
    if content_type == JSON_MEDIA_TYPE:  # what nearly every client sends
        return
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType(f"send the {what} as application/json")


def json_response(body: object, status: int = 200) -> Response[bytes]:
    """A JSON answer encoded once, by msgspec (no Litestar serialisation pass)."""
    return Response(msgspec.json.encode(body), status_code=status, media_type=JSON_MEDIA_TYPE)
