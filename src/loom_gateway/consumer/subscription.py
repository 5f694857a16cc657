"""Subscribing by data type: which topics to read, which data type a record on them holds, and
which handler reads it.

A record written as vN goes to the vN handler, or else to the newest handled version the catalog
says can read vN (``DataType.reads``, computed by the compatibility gate): every vN reading is a
valid reading of that version, so it is validated and decoded as that version's model.

Topic names come from the catalog, renamed for the deployment (``Settings.topic_name``: the
prefix and overrides the gateway writes with); they never appear as strings here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from loom_gateway.catalog import Catalog, DataType
from loom_gateway.consumer.errors import UndecodableRecord
from loom_gateway.consumer.handlers import HandlerKey
from loom_gateway.consumer.records import SCHEMA_HEADER, RawRecord
from loom_gateway.errors import ConfigurationError

__all__ = ["Subscription"]


@dataclass(frozen=True, slots=True)
class Subscription:
    data_types: tuple[DataType, ...]
    """The subscribed data types, with their deployment topic names."""
    on_topic: Mapping[str, tuple[DataType, ...]]
    """Every catalog data type on a subscribed topic (versions share a topic), subscribed or not."""
    by_schema_id: Mapping[str, DataType]
    readers: Mapping[DataType, DataType]
    """For every data type on a subscribed topic that some handler can read: the handled version
    that reads it (itself when it has a handler)."""

    @classmethod
    def of(
        cls, catalog: Catalog, keys: Iterable[HandlerKey], topic_name: Callable[[str], str]
    ) -> Subscription:
        """The data types named by ``keys`` in ``catalog``; ConfigurationError for names it lacks."""
        renamed = catalog.renamed(topic_name)
        known = {(data_type.name, data_type.version): data_type for data_type in renamed.data_types}
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            raise ConfigurationError("the consumer has no handlers, so nothing to subscribe to")
        missing = [f"{name} v{version}" for name, version in wanted if (name, version) not in known]
        if missing:
            raise ConfigurationError(f"the catalog has no data type {', '.join(missing)}")
        data_types = tuple(known[key] for key in wanted)
        topics = {data_type.topic.name for data_type in data_types}
        on_topic: dict[str, tuple[DataType, ...]] = {}
        for data_type in renamed.data_types:
            if data_type.topic.name in topics:
                on_topic[data_type.topic.name] = (*on_topic.get(data_type.topic.name, ()), data_type)
        readers: dict[DataType, DataType] = {}
        for written in (data_type for carried in on_topic.values() for data_type in carried):
            able = [
                handled
                for handled in data_types
                if handled.name == written.name and handled.can_read(written.version)
            ]
            if able:
                exact = [handled for handled in able if handled.version == written.version]
                readers[written] = (exact or sorted(able, key=lambda handled: handled.version))[-1]
        return cls(
            data_types=data_types,
            on_topic=on_topic,
            by_schema_id={data_type.schema_id: data_type for data_type in renamed.data_types},
            readers=readers,
        )

    def reader(self, written: DataType) -> DataType | None:
        """The handled version that reads records written as ``written``; None: no handler can."""
        return self.readers.get(written)

    def unreadable(self) -> dict[str, tuple[int, ...]]:
        """By subscribed data type name: the catalog's versions of it that no handler can read."""
        names = dict.fromkeys(data_type.name for data_type in self.data_types)
        carried = [data_type for types in self.on_topic.values() for data_type in types]
        found = {
            name: tuple(sorted(t.version for t in carried if t.name == name and t not in self.readers))
            for name in names
        }
        return {name: versions for name, versions in found.items() if versions}

    def topics(self) -> list[str]:
        return sorted(self.on_topic)

    def resolve(self, record: RawRecord) -> DataType:
        """The record's data type: the one its ``loom.schema`` header names, or the only one on
        its topic when it has no such header."""
        candidates = self.on_topic.get(record.topic, ())
        schema = record.header(SCHEMA_HEADER)
        if schema is not None:
            schema_id = schema.decode("utf-8", "replace")
            data_type = self.by_schema_id.get(schema_id)
            if data_type is None or data_type not in candidates:
                raise UndecodableRecord(f"{record.topic} does not carry the schema {schema_id!r}")
            return data_type
        if len(candidates) == 1:
            return candidates[0]
        raise UndecodableRecord(
            f"the record has no {SCHEMA_HEADER} header and {record.topic} carries "
            f"{len(candidates)} data types"
        )
