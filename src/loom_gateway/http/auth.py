"""Authenticating the routes that take data, and remembering who it was."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from loom_gateway.auth import Authenticator, Principal

__all__ = [
    "Authenticate",
    "HeaderAuthenticate",
    "header_authenticator",
    "key_guard",
    "principal_of",
    "request_authenticator",
]

_STATE_KEY = "loom_principal"

Authenticate = Callable[[ASGIConnection[Any, Any, Any, Any]], Principal | None]
"""The caller of a request (None when auth is disabled); raises 401 for a missing or unknown key."""


HeaderAuthenticate = Callable[[Mapping[str, str]], Principal | None]
"""The same check given the request's headers (lower-case names), for raw ASGI handlers."""


def header_authenticator(authenticator: Authenticator | None) -> HeaderAuthenticate:
    """Called by the ingestion handlers with the headers they picked from the ASGI scope."""
    if authenticator is None:
        return lambda _: None
    return authenticator.authenticate


def request_authenticator(authenticator: Authenticator | None) -> Authenticate:
    """``header_authenticator`` given the connection, for the routes that run a guard (``key_guard``)."""
    authenticate = header_authenticator(authenticator)
    return lambda connection: authenticate(connection.headers)


def key_guard(authenticate: Authenticate) -> Guard:
    """The same check as a guard, for routes where the handler cannot run first (WebSocket
    upgrades) or cost does not matter (device registry); ``principal_of`` reads the result."""

    # Async on purpose: Litestar runs a sync guard in a worker thread, a thread hop per request.
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        connection.state[_STATE_KEY] = authenticate(connection)

    return guard


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """Who the guard let in (None when auth is disabled)."""
    principal: Principal | None = connection.state.get(_STATE_KEY)
    return principal
