"""Media types of request bodies."""

from __future__ import annotations

from typing import Any

from litestar import Request

from loom_gateway.errors import UnsupportedMediaType

__all__ = ["require_json"]


def require_json(request: Request[Any, Any, Any], what: str) -> None:
    """Refuse (415) a body that is not ``application/json`` or ``application/*+json``."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType(f"send the {what} as application/json")
