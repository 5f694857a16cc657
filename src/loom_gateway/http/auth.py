"""The guard on every route that takes data: authenticate, remember who it was."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from loom_gateway.auth import Authenticator, Principal

__all__ = ["key_guard", "principal_of"]

_STATE_KEY = "loom_principal"


def key_guard(authenticator: Authenticator | None) -> Guard:
    """401 before the body is read when the key is missing or unknown; None: auth disabled."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = None if authenticator is None else authenticator.authenticate(connection.headers)
        connection.state[_STATE_KEY] = principal

    return guard


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """Who the guard let in (None when auth is disabled)."""
    principal: Principal | None = connection.state.get(_STATE_KEY)
    return principal
