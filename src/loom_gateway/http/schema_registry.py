"""A read-only, Confluent-compatible Schema Registry API over the generated Avro schemas.

Served when values are Avro (``LOOM_VALUE_FORMAT=avro``), so that stock deserializers (and
tools that browse a registry) find the schema a record names by id. Subjects follow the
TopicNameStrategy: ``<topic>-value``, one version per data-type version on that topic. The ids
are the generated catalog's: the same on every replica and after every restart. Nothing can be
registered: the schemas change only through ``schemas/`` and ``python -m codegen generate``.
Reading needs no API key, like ``/openapi.json``: the schemas are the public contract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Response, Router, get
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from loom_gateway.catalog import Catalog, DataType

__all__ = ["REGISTRY_MEDIA_TYPE", "SchemaRegistry", "schema_registry_router", "subject_name"]

REGISTRY_MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"
_SUBJECT_NOT_FOUND = 40401
_VERSION_NOT_FOUND = 40402
_SCHEMA_NOT_FOUND = 40403
_INVALID_VERSION = 42202


def subject_name(data_type: DataType) -> str:
    """The TopicNameStrategy subject of a data type's record values."""
    return f"{data_type.topic.name}-value"


@dataclass(frozen=True, slots=True)
class _Entry:
    subject: str
    version: int
    schema_id: int
    schema: str


class SchemaRegistry:
    """The registry's content, fixed when the app is built: schemas by id and by subject/version."""

    def __init__(self, catalog: Catalog, data_types: Iterable[DataType]) -> None:
        self._by_id: dict[int, _Entry] = {}
        self._subjects: dict[str, dict[int, _Entry]] = {}
        for data_type in data_types:
            if data_type.avro_schema_id is None:
                continue
            # Compact, as registries return it; the id is derived from the schema's content.
            schema = json.dumps(json.loads(catalog.avro_schema(data_type)), separators=(",", ":"))
            entry = _Entry(subject_name(data_type), data_type.version, data_type.avro_schema_id, schema)
            self._by_id[entry.schema_id] = entry
            self._subjects.setdefault(entry.subject, {})[entry.version] = entry

    def subjects(self) -> list[str]:
        return sorted(self._subjects)

    def by_id(self, schema_id: int) -> str | None:
        entry = self._by_id.get(schema_id)
        return None if entry is None else entry.schema

    def versions(self, subject: str) -> list[int] | None:
        versions = self._subjects.get(subject)
        return None if versions is None else sorted(versions)

    def version(self, subject: str, version: int | None) -> _Entry | None:
        """``version`` None: the latest."""
        versions = self._subjects.get(subject, {})
        if version is None:
            return versions[max(versions)] if versions else None
        return versions.get(version)


def schema_registry_router(registry: SchemaRegistry) -> Router:
    """The registry's GET endpoints, answered in its media type and its error format."""
    return Router(path="/", route_handlers=_handlers(registry), include_in_schema=False)


def _handlers(registry: SchemaRegistry) -> list[HTTPRouteHandler]:
    @get("/schemas/ids/{schema_id:str}", sync_to_thread=False)
    def schema_by_id(schema_id: FromPath[str]) -> Response[bytes]:
        number = _schema_id_number(schema_id)
        schema = None if number is None else registry.by_id(number)
        if schema is None:
            return _error(404, _SCHEMA_NOT_FOUND, f"Schema {_echo(schema_id)} not found")
        return _answer({"schema": schema})

    @get("/subjects", sync_to_thread=False)
    def subjects() -> Response[bytes]:
        return _answer(registry.subjects())

    @get("/subjects/{subject:str}/versions", sync_to_thread=False)
    def versions(subject: FromPath[str]) -> Response[bytes]:
        found = registry.versions(subject)
        if found is None:
            return _error(404, _SUBJECT_NOT_FOUND, f"Subject '{_echo(subject)}' not found.")
        return _answer(found)

    @get("/subjects/{subject:str}/versions/{version:str}", sync_to_thread=False)
    def version(subject: FromPath[str], version: FromPath[str]) -> Response[bytes]:
        if registry.versions(subject) is None:
            return _error(404, _SUBJECT_NOT_FOUND, f"Subject '{_echo(subject)}' not found.")
        try:
            number = _version_number(version)
        except ValueError:
            return _error(
                422,
                _INVALID_VERSION,
                f"The specified version '{_echo(version)}' is not a valid version id. "
                'Allowed values are between [1, 2^31-1] and the string "latest"',
            )
        entry = registry.version(subject, number)
        if entry is None:
            return _error(404, _VERSION_NOT_FOUND, f"Version {_echo(version)} not found.")
        return _answer(
            {
                "subject": entry.subject,
                "version": entry.version,
                "id": entry.schema_id,
                "schema": entry.schema,
            }
        )

    return [schema_by_id, subjects, versions, version]


# Ids and versions are 32-bit integers (as in Confluent's registry): at most 10 ASCII digits.
# ``str.isdigit`` would take "²" (which ``int`` refuses) and ``int`` refuses more than 4300 digits;
# both were 500s anyone could cause.
_NUMBER = re.compile(r"[0-9]{1,10}")
_MAX_ECHO = 64
"""How much of a client's id, subject or version an error message repeats."""


def _schema_id_number(schema_id: str) -> int | None:
    """The id a path names, or None when it cannot be one (then: 404, as for an unknown id)."""
    return int(schema_id) if _NUMBER.fullmatch(schema_id) else None


def _version_number(version: str) -> int | None:
    """None for the latest, else the number; ValueError when ``version`` names no version."""
    if version in ("latest", "-1"):
        return None
    if _NUMBER.fullmatch(version) and 1 <= int(version) < 2**31:
        return int(version)
    raise ValueError(version[:_MAX_ECHO])


def _echo(value: str) -> str:
    """A client's value, cut short for an error message."""
    return value if len(value) <= _MAX_ECHO else value[:_MAX_ECHO] + "..."


def _answer(body: Any) -> Response[bytes]:
    return Response(msgspec.json.encode(body), status_code=200, media_type=REGISTRY_MEDIA_TYPE)


def _error(status: int, code: int, message: str) -> Response[bytes]:
    return Response(
        msgspec.json.encode({"error_code": code, "message": message}),
        status_code=status,
        media_type=REGISTRY_MEDIA_TYPE,
    )
