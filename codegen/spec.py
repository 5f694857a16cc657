"""The intermediate model: what each data-type schema asks of the generated code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from codegen import naming
from codegen.bundle import bundle, registry_for
from codegen.tree import SchemaTree

__all__ = ["DEFAULT_MAX_BATCH_ITEMS", "DEFAULT_MAX_BODY_BYTES", "DataTypeSpec", "build_specs"]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_BATCH_ITEMS = 1000


@dataclass(frozen=True, slots=True)
class DispatchSpec:
    route: str
    discriminator: str
    payload: str
    targets: tuple[tuple[str, str], ...]
    """(discriminator value, constant of the target data type), sorted."""


@dataclass(frozen=True, slots=True)
class DataTypeSpec:
    path: PurePosixPath
    schema_id: str
    title: str
    kind: str
    routes: tuple[str, ...]
    streams: tuple[str, ...]
    dispatch: DispatchSpec | None
    key_field: str
    topic_name: str
    partitions: int | None
    retention_ms: int
    compression: str
    cleanup_policy: str
    max_message_bytes: int
    max_body_bytes: int
    max_batch_items: int
    bundled: dict[str, Any]

    @property
    def description(self) -> str:
        return str(self.bundled.get("description", ""))

    @property
    def examples(self) -> list[Any]:
        return list(self.bundled.get("examples", []))

    @property
    def name(self) -> str:
        return naming.data_type_name(self.path)

    @property
    def version(self) -> int:
        return naming.version_of(self.path)

    @property
    def constant(self) -> str:
        return naming.constant_name(self.path)

    @property
    def module(self) -> str:
        return naming.module_path(self.path)

    @property
    def bundled_file(self) -> str:
        return f"{self.name}.v{self.version}.json"


def build_specs(tree: SchemaTree) -> list[DataTypeSpec]:
    """Specs for a tree that ``lint`` passed, in path order."""
    registry = registry_for(tree.files)
    specs = []
    for file in tree.data_types():
        annotation = file.annotation
        topic = annotation["topic"]
        specs.append(
            DataTypeSpec(
                path=file.path,
                schema_id=file.expected_id,
                title=file.document["title"],
                kind=annotation.get("kind", "reading"),
                routes=tuple(annotation.get("routes", ())),
                streams=tuple(annotation.get("streams", ())),
                dispatch=_dispatch(annotation.get("dispatch")),
                key_field=annotation["key"],
                topic_name=topic["name"],
                partitions=topic.get("partitions"),
                retention_ms=naming.retention_ms(topic["retention"]),
                compression=topic["compression"],
                cleanup_policy=topic.get("cleanup_policy", "delete"),
                max_message_bytes=topic["max_message_bytes"],
                max_body_bytes=annotation.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES),
                max_batch_items=annotation.get("max_batch_items", DEFAULT_MAX_BATCH_ITEMS),
                bundled=bundle(file, registry),
            )
        )
    return specs


def _dispatch(declared: dict[str, Any] | None) -> DispatchSpec | None:
    if declared is None:
        return None
    return DispatchSpec(
        route=declared["route"],
        discriminator=declared["discriminator"],
        payload=declared["payload"],
        targets=tuple(
            sorted(
                (value, naming.constant_name(PurePosixPath(path)))
                for value, path in declared["targets"].items()
            )
        ),
    )
