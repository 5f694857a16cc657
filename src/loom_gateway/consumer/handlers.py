"""Handlers per data type and version: async callables given each decoded reading."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from loom_gateway.catalog import DataType
from loom_gateway.consumer.records import Consumed
from loom_gateway.errors import ConfigurationError

__all__ = ["Handler", "HandlerKey", "Handlers"]

Handler = Callable[[Consumed[Any]], Awaitable[None]]
"""``async def handle(reading: Consumed[GPSReading]) -> None``; raising means "not handled"."""
HandlerKey = tuple[str, int]
"""(data type name, version), e.g. ``("device.sensor.gps", 1)``."""

H = TypeVar("H", bound=Callable[..., Awaitable[None]])


class Handlers:
    """The handlers of one consumer, keyed by data type name and version (one each).

    Versions of a data type share its topic. A record of a version without a handler (a v2
    appearing on the v1 topic) goes to the handler of the newest version that can read it (the
    catalog's ``DataType.reads``: every v2 reading is a valid v1 reading), decoded as that
    version; when no handler can read it, it is dead-lettered, never dropped, and the consumer
    names such versions at start-up.
    """

    def __init__(self) -> None:
        self._handlers: dict[HandlerKey, Handler] = {}

    def on(self, name: str, version: int) -> Callable[[H], H]:
        """A decorator registering ``handler`` for that data type version."""

        def register(handler: H) -> H:
            self.add(name, version, handler)
            return handler

        return register

    def add(self, name: str, version: int, handler: Handler) -> None:
        key = (name, version)
        if key in self._handlers:
            raise ConfigurationError(f"{name} v{version} already has a handler")
        self._handlers[key] = handler

    def get(self, data_type: DataType) -> Handler | None:
        return self._handlers.get((data_type.name, data_type.version))

    def keys(self) -> Iterator[HandlerKey]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)
