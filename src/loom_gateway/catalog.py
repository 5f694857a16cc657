"""The shape of the generated catalog: data types, their topics and their routes.

The values live in the generated package (``generated/loom_catalog``); this module only
defines their types, so that the runtime and the generator agree on one contract.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel

from loom_gateway.errors import ConfigurationError

__all__ = [
    "Catalog",
    "CleanupPolicy",
    "Compression",
    "DataType",
    "Dispatch",
    "Kind",
    "Route",
    "Stream",
    "TopicSpec",
    "load_catalog",
]

Compression = Literal["none", "gzip", "snappy", "lz4", "zstd"]
CleanupPolicy = Literal["delete", "compact"]
Kind = Literal["reading", "device-registry", "device-activity", "quarantine"]

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
    cleanup_policy: CleanupPolicy = "delete"


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
    kind: Kind = "reading"
    """Readings are posted by devices; the registries hold the gateway's own state."""
    avro_schema_id: int | None = None
    """The id of its Avro schema (``avro/<qualified name>.avsc``) in the gateway's schema registry
    API; None in a catalog generated without Avro schemas."""
    reads: tuple[int, ...] = ()
    """The other versions of this data type whose every reading is a valid reading of this one, as
    the compatibility gate computed them (``codegen.compat.readers``): a consumer's handler of this
    version is also given records written as any of them."""

    @property
    def qualified_name(self) -> str:
        return f"{self.name}.v{self.version}"

    def can_read(self, version: int) -> bool:
        """Is every reading written as ``version`` of this data type a valid reading of this one?"""
        return version == self.version or version in self.reads

    def __hash__(self) -> int:
        # A subset of the fields, on which equal data types agree: it keys dicts per reading,
        # where hashing every field (model class and topic settings included) was measurable.
        return hash((self.name, self.version, self.topic.name))


@dataclass(frozen=True, slots=True)
class Route:
    """An HTTP path that accepts one data type."""

    path: str
    data_type: DataType
    successor_path: str | None = None
    """Where the released successor of this version takes the same readings (``/v2/sensor/gps``),
    announced with ``Link: <…>; rel="successor-version"``."""
    deprecated_since: int | None = None
    """When the successor was released (seconds since the epoch): answers carry RFC 9745's
    ``Deprecation: @<seconds>``. None: the version has no released successor."""


@dataclass(frozen=True, slots=True)
class Stream:
    """A WebSocket path on which a device streams readings of one data type.

    ``{name}`` path parameters supply the property of that name when a frame leaves it out.
    """

    path: str
    data_type: DataType


@dataclass(frozen=True, slots=True)
class Dispatch:
    """A route taking a JSON array of ``data_type`` readings, each sent on to the data type its
    ``discriminator`` names: ``payload``'s fields plus the item's own fields the target declares.
    Items naming no target stay readings of ``data_type``."""

    path: str
    data_type: DataType
    discriminator: str
    payload: str
    targets: Mapping[str, DataType]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every data type the gateway serves, and the routes that reach them."""

    data_types: tuple[DataType, ...]
    routes: tuple[Route, ...]
    streams: tuple[Stream, ...] = ()
    dispatches: tuple[Dispatch, ...] = ()
    schema_package: str | None = None
    """The generated package, whose ``schemas/`` holds each data type's self-contained schema."""
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

    def json_schema(self, data_type: DataType) -> dict[str, Any]:
        """The data type's schema with every reference inlined (as generated)."""
        if self.schema_package is None:
            raise ConfigurationError("this catalog was built without its schema package")
        return _load_schema(self.schema_package, data_type.qualified_name)

    def openapi_document(self) -> dict[str, Any]:
        """The ingestion API as generated from the schemas (OpenAPI 3.1): a fresh copy."""
        if self.schema_package is None:
            raise ConfigurationError("this catalog was built without its schema package")
        document: dict[str, Any] = json.loads(
            resources.files(self.schema_package).joinpath("openapi.json").read_text("utf-8")
        )
        return document

    def avro_schema(self, data_type: DataType) -> str:
        """The data type's Avro schema as generated (JSON text), for the schema registry API."""
        if self.schema_package is None or data_type.avro_schema_id is None:
            raise ConfigurationError(f"this catalog has no Avro schema for {data_type.qualified_name}")
        return _load_avro(self.schema_package, data_type.qualified_name)

    def of_kind(self, kind: Kind) -> DataType | None:
        """The registry data type of that kind (lint allows at most one), if the catalog has it."""
        return next((data_type for data_type in self.data_types if data_type.kind == kind), None)

    def readings(self) -> Iterator[DataType]:
        return (data_type for data_type in self.data_types if data_type.kind == "reading")

    def renamed(self, topic_name: Callable[[str], str]) -> Catalog:
        """A copy whose topics carry deployment names (``Settings.topic_name``: prefix, overrides)."""
        renamed = {
            data_type: _with_topic(data_type, topic_name(data_type.topic.name))
            for data_type in self.data_types
        }
        return Catalog(
            data_types=tuple(renamed.values()),
            routes=tuple(replace(route, data_type=renamed[route.data_type]) for route in self.routes),
            streams=tuple(Stream(stream.path, renamed[stream.data_type]) for stream in self.streams),
            dispatches=tuple(
                replace(
                    dispatch,
                    data_type=renamed[dispatch.data_type],
                    targets={value: renamed[target] for value, target in dispatch.targets.items()},
                )
                for dispatch in self.dispatches
            ),
            schema_package=self.schema_package,
        )


@cache
def _load_schema(package: str, qualified_name: str) -> dict[str, Any]:
    text = resources.files(package).joinpath("schemas", f"{qualified_name}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _load_avro(package: str, qualified_name: str) -> str:
    return resources.files(package).joinpath("avro", f"{qualified_name}.avsc").read_text("utf-8")


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
