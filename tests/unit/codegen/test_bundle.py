"""codegen.bundle: self-contained copies of data-type schemas."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import jsonschema
import pytest

from codegen.bundle import UnresolvableReference, bundle, registry_for
from codegen.tree import SCHEMA_BASE_URI, SchemaFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"

COMMON = {
    "$schema": DIALECT,
    "$id": f"{SCHEMA_BASE_URI}common/v1.json",
    "title": "Common definitions",
    "$defs": {
        "device_id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        # Internal references of the shared file: they resolve against the shared file.
        "tag": {"type": "string", "maxLength": 32},
        "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}},
        "short_text": {"type": "string", "maxLength": 3},
        "loop_a": {"$ref": "#/$defs/loop_b"},
        "loop_b": {"$ref": "#/$defs/loop_a"},
    },
}


def schema_file(path: str, document: Mapping[str, Any]) -> SchemaFile:
    return SchemaFile(PurePosixPath(path), document)


def data_type(properties: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "$id": f"{SCHEMA_BASE_URI}device/sensor/thing/v1.json",
        "title": "Thing",
        "x-loom": {"routes": ["/thing"], "key": "device_id"},
        "type": "object",
        "properties": dict(properties),
        **extra,
    }


def bundled(document: Mapping[str, Any], *others: SchemaFile) -> dict[str, Any]:
    file = schema_file("device/sensor/thing/v1.json", document)
    common = schema_file("common/v1.json", COMMON)
    return bundle(file, registry_for([common, file, *others]))


def test_a_reference_to_another_file_is_replaced_by_its_target() -> None:
    result = bundled(data_type({"device_id": {"$ref": "../../../common/v1.json#/$defs/device_id"}}))
    assert result["properties"]["device_id"] == {"type": "string", "pattern": "^[a-z0-9-]+$"}


def test_relative_references_resolve_from_the_referring_files_directory() -> None:
    # The same definition name in two shared files: which one is meant depends on the path.
    nested = schema_file(
        "device/sensor/v1.json",
        {"$id": f"{SCHEMA_BASE_URI}device/sensor/v1.json", "$defs": {"device_id": {"type": "integer"}}},
    )
    result = bundled(
        data_type(
            {
                "a": {"$ref": "../v1.json#/$defs/device_id"},
                "b": {"$ref": "../../../common/v1.json#/$defs/device_id"},
            }
        ),
        nested,
    )
    assert result["properties"]["a"] == {"type": "integer"}
    assert result["properties"]["b"]["type"] == "string"


def test_internal_references_of_the_shared_file_resolve_against_the_shared_file() -> None:
    # The data type has its own $defs/tag; the shared file's "#/$defs/tag" must not find it.
    document = data_type(
        {"tags": {"$ref": "../../../common/v1.json#/$defs/tags"}},
        **{"$defs": {"tag": {"type": "integer"}}},
    )
    result = bundled(document)
    assert result["properties"]["tags"] == {"type": "array", "items": {"type": "string", "maxLength": 32}}


def test_internal_references_of_the_data_type_are_inlined_too() -> None:
    document = data_type(
        {"state": {"$ref": "#/$defs/state"}},
        **{"$defs": {"state": {"enum": ["opened", "closed"]}}},
    )
    assert bundled(document)["properties"]["state"] == {"enum": ["opened", "closed"]}


def test_references_inside_arrays_and_nested_schemas_are_inlined() -> None:
    document = data_type(
        {
            "maybe_id": {"anyOf": [{"type": "null"}, {"$ref": "../../../common/v1.json#/$defs/device_id"}]},
            "ids": {"type": "array", "items": {"$ref": "../../../common/v1.json#/$defs/device_id"}},
        }
    )
    result = bundled(document)
    device_id = COMMON["$defs"]["device_id"]  # type: ignore[index]
    assert result["properties"]["maybe_id"] == {"anyOf": [{"type": "null"}, device_id]}
    assert result["properties"]["ids"] == {"type": "array", "items": device_id}


def test_the_bundled_schema_has_no_references_left() -> None:
    document = data_type(
        {
            "device_id": {"$ref": "../../../common/v1.json#/$defs/device_id"},
            "tags": {"$ref": "../../../common/v1.json#/$defs/tags"},
        }
    )
    assert "$ref" not in repr(bundled(document))


def test_annotations_beside_a_reference_are_kept() -> None:
    document = data_type(
        {"device_id": {"$ref": "../../../common/v1.json#/$defs/device_id", "description": "The sender."}}
    )
    assert bundled(document)["properties"]["device_id"] == {
        "type": "string",
        "pattern": "^[a-z0-9-]+$",
        "description": "The sender.",
    }


def test_bundling_does_not_loosen_a_constraint_beside_a_reference() -> None:
    """In 2020-12 ``$ref`` and its siblings both apply; the bundle must accept no more than the source.

    A bundler that lets the sibling ``maxLength`` overwrite the referenced one accepts "abcdef",
    which the source schema refuses.
    """
    document = data_type(
        {"code": {"$ref": "../../../common/v1.json#/$defs/short_text", "maxLength": 10}},
    )
    common = schema_file("common/v1.json", COMMON)
    file = schema_file("device/sensor/thing/v1.json", document)
    registry = registry_for([common, file])
    source = jsonschema.Draft202012Validator(document, registry=registry)
    instance = {"code": "abcdef"}
    assert not source.is_valid(instance)
    assert not jsonschema.Draft202012Validator(bundle(file, registry)).is_valid(instance)


def test_the_annotation_and_dialect_are_dropped_and_the_id_kept() -> None:
    result = bundled(data_type({}))
    assert "x-loom" not in result
    assert "$schema" not in result
    assert result["$id"] == f"{SCHEMA_BASE_URI}device/sensor/thing/v1.json"
    assert result["title"] == "Thing"


def test_only_the_top_level_annotation_is_dropped() -> None:
    # A property that happens to be called "x-loom" is data, not the annotation.
    result = bundled(data_type({"x-loom": {"type": "string"}}))
    assert result["properties"] == {"x-loom": {"type": "string"}}


def test_the_source_document_is_left_unchanged() -> None:
    document = data_type({"tags": {"$ref": "../../../common/v1.json#/$defs/tags"}})
    before = copy.deepcopy(document)
    bundled(document)
    assert document == before


def test_a_reference_to_a_missing_definition_raises_with_its_pointer() -> None:
    document = data_type({"device_id": {"$ref": "../../../common/v1.json#/$defs/nope"}})
    with pytest.raises(
        UnresolvableReference, match=r"^cannot resolve \$ref '../../../common/v1.json#/\$defs/nope': "
    ) as error:
        bundled(document)
    assert error.value.pointer == "/properties/device_id"


def test_a_reference_to_a_missing_file_raises_with_its_pointer() -> None:
    document = data_type({"items": {"type": "array", "items": {"$ref": "../../../common/v9.json"}}})
    with pytest.raises(
        UnresolvableReference, match=r"^cannot resolve \$ref '../../../common/v9.json': "
    ) as error:
        bundled(document)
    assert error.value.pointer == "/properties/items/items"


def test_a_reference_outside_the_tree_is_unresolvable() -> None:
    document = data_type({"x": {"$ref": "https://example.com/elsewhere.json"}})
    with pytest.raises(UnresolvableReference) as error:
        bundled(document)
    assert error.value.pointer == "/properties/x"


def test_the_pointer_escapes_slash_and_tilde() -> None:
    document = data_type({"a/b~c": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/missing"}]}})
    with pytest.raises(UnresolvableReference) as error:
        bundled(document)
    assert error.value.pointer == "/properties/a~1b~0c/anyOf/1"


def test_a_cycle_through_the_shared_file_raises_at_the_reference() -> None:
    document = data_type({"x": {"$ref": "../../../common/v1.json#/$defs/loop_a"}})
    with pytest.raises(UnresolvableReference, match="references form a cycle") as error:
        bundled(document)
    assert error.value.pointer == "/properties/x"


def test_a_recursive_definition_raises() -> None:
    document = data_type(
        {"root": {"$ref": "#/$defs/node"}},
        **{"$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}}},
    )
    with pytest.raises(
        UnresolvableReference, match=r"^cannot resolve \$ref '#/\$defs/node': references form a cycle$"
    ) as error:
        bundled(document)
    # The walk meets properties before $defs; the pointer is where the loop closes.
    assert error.value.pointer.startswith("/properties/root/properties/child")


def test_a_reference_to_the_whole_document_raises() -> None:
    document = data_type({"self": {"$ref": "#"}})
    with pytest.raises(UnresolvableReference, match="references form a cycle") as error:
        bundled(document)
    assert error.value.pointer.startswith("/properties/self")


def test_a_definition_used_twice_is_not_a_cycle() -> None:
    document = data_type(
        {
            "a": {"$ref": "../../../common/v1.json#/$defs/tags"},
            "b": {"type": "array", "items": {"$ref": "../../../common/v1.json#/$defs/tags"}},
        }
    )
    result = bundled(document)
    assert result["properties"]["b"]["items"] == result["properties"]["a"]
