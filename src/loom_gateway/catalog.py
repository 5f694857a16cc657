"""The shape of the generated catalog: data types, their topics and their routes.

The values live in the generated package (``generated/loom_catalog``); this module only
defines their types, so that the runtime and the generator agree on one contract.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel

from loom_gateway.errors import ConfigurationError

__all__ = ["Catalog", "Compression", "DataType", "Route", "TopicSpec", "load_catalog"]

Compression = Literal["none", "gzip", "snappy", "lz4", "zstd"]

_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A Kafka topic as a schema's ``x-loom.topic`` declares it."""

    name: str
    retention_ms: int
    compression: Compression
    max_message_bytes: int
    partitions: int | None = None
    """None: the deployment's default partition count applies."""


@dataclass(frozen=True, slots=True)
class DataType:
    """One version of one kind of reading, and everything the runtime needs to ingest it."""

    name: str
    """Dotted schema path without the version, e.g. ``device.sensor.gps``."""
    version: int
    schema_id: str
    title: str
    model: type[BaseModel]
    key_field: str
    topic: TopicSpec
    max_body_bytes: int
    max_batch_items: int

    @property
    def qualified_name(self) -> str:
        return f"{self.name}.v{self.version}"


@dataclass(frozen=True, slots=True)
class Route:
    """An HTTP path that accepts one data type."""

    path: str
    data_type: DataType


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every data type the gateway serves, and the routes that reach them."""

    data_types: tuple[DataType, ...]
    routes: tuple[Route, ...]
    _by_topic: Mapping[str, tuple[DataType, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_topic: dict[str, tuple[DataType, ...]] = {}
        for data_type in self.data_types:
            by_topic[data_type.topic.name] = (*by_topic.get(data_type.topic.name, ()), data_type)
        object.__setattr__(self, "_by_topic", by_topic)

    def topics(self) -> Iterator[TopicSpec]:
        """Each topic once, in catalog order (versions of a data type share a topic)."""
        for data_types in self._by_topic.values():
            yield data_types[0].topic

    def renamed(self, topic_name: Callable[[str], str]) -> Catalog:
        """A copy whose topics carry deployment names (``Settings.topic_name``: prefix, overrides)."""
        renamed = {
            data_type: _with_topic(data_type, topic_name(data_type.topic.name))
            for data_type in self.data_types
        }
        return Catalog(
            data_types=tuple(renamed.values()),
            routes=tuple(Route(route.path, renamed[route.data_type]) for route in self.routes),
        )


def _with_topic(data_type: DataType, topic_name: str) -> DataType:
    if topic_name == data_type.topic.name:
        return data_type
    return replace(data_type, topic=replace(data_type.topic, name=topic_name))


def load_catalog(reference: str) -> Catalog:
    """Import a catalog from ``package.module:ATTRIBUTE`` (the ``LOOM_CATALOG`` setting)."""
    module_name, _, attribute = reference.partition(":")
    if not _MODULE_NAME.fullmatch(module_name):
        raise ConfigurationError(f"the catalog reference {reference!r} is not package.module:ATTRIBUTE")
    try:
        catalog = getattr(importlib.import_module(module_name), attribute or "CATALOG")
    except (ImportError, AttributeError) as error:
        raise ConfigurationError(f"cannot load the catalog {reference!r}: {error}") from error
    if not isinstance(catalog, Catalog):
        raise ConfigurationError(f"{reference!r} is a {type(catalog).__name__}, not a Catalog")
    return catalog
