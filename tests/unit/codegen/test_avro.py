"""codegen.render.avro: the JSON Schema → Avro mapping, its golden output, names and ids.

The golden test maps ``tests/fixtures/avro/kitchen_sink.json`` (one property of each shape) and
compares the result with ``kitchen_sink.avsc``. After an intended change, refresh it with::

    LOOM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/codegen/test_avro.py -k golden

and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import fastavro
import pytest

from codegen.errors import LintFailed
from codegen.render import avro
from codegen.render.avro import avro_schema, render_avro, schema_id
from codegen.spec import DataTypeSpec
from loom_catalog import CATALOG

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "avro"


def spec_of(document: dict[str, Any], path: str = "device/sensor/kitchen_sink/v1.json") -> DataTypeSpec:
    return DataTypeSpec(
        path=PurePosixPath(path),
        schema_id=document.get("$id", ""),
        title=document["title"],
        kind="reading",
        routes=(),
        streams=(),
        dispatch=None,
        key_field="device_id",
        topic_name="device.sensor.kitchen_sink.raw",
        partitions=None,
        retention_ms=1,
        compression="none",
        cleanup_policy="delete",
        max_message_bytes=1000,
        max_body_bytes=1000,
        max_batch_items=1,
        bundled=document,
    )


def kitchen_sink() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / "kitchen_sink.json").read_text("utf-8"))
    return document


def test_golden_kitchen_sink() -> None:
    schema = avro_schema(spec_of(kitchen_sink()))
    text = json.dumps(schema, indent=2) + "\n"
    expected = FIXTURES / "kitchen_sink.avsc"
    if os.environ.get("LOOM_UPDATE_GOLDEN") == "1":
        expected.write_text(text, "utf-8")
    assert text == expected.read_text("utf-8")
    fastavro.parse_schema(schema)


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(field for field in schema["fields"] if field["name"] == name)
    return found


def test_each_shape_maps_as_documented() -> None:
    schema = avro_schema(spec_of(kitchen_sink()))
    json_string = {"type": "string", "loom.json": True}

    assert (schema["name"], schema["namespace"]) == ("KitchenSinkReading", "device.sensor.kitchen_sink.v1")
    assert field(schema, "device_id") == {"name": "device_id", "doc": "The key.", "type": "string"}
    # The gateway sets them on every reading: never null.
    assert field(schema, "message_id")["type"] == "string"
    assert field(schema, "received_at")["type"] == "string"
    assert [field(schema, name)["type"] for name in ("count", "ratio", "flag")] == [
        "long",
        "double",
        "boolean",
    ]
    # Nullable: null first, default null; optional and not nullable: marked, so null reads as absent.
    assert field(schema, "note") == {"name": "note", "type": ["null", "string"], "default": None}
    assert field(schema, "level") == {
        "name": "level",
        "type": ["null", "long"],
        "default": None,
        "loom.optional": True,
    }
    # Enums (and date-times) are strings; a typeless enum of strings and null too.
    assert field(schema, "unit")["type"] == ["null", "string"]
    assert field(schema, "state")["type"] == ["null", "string"]
    assert field(schema, "recorded_at")["type"] == ["null", "string"]
    assert field(schema, "tags")["type"] == ["null", {"type": "array", "items": "string"}]
    position = field(schema, "position")["type"]
    assert position["name"] == "KitchenSinkReading_position"
    assert field(position, "y")["type"] == ["null", "double"]
    samples = field(schema, "samples")["type"][1]
    assert samples["items"]["name"] == "KitchenSinkReading_samples_item"
    assert field(samples["items"], "value")["type"] == ["null", json_string]
    assert field(schema, "counts")["type"] == ["null", {"type": "map", "values": "long"}]
    # Open objects and anything-goes values keep every detail as JSON text.
    for name in ("metadata", "extras", "either"):
        assert field(schema, name)["type"] == ["null", json_string], name
    assert field(schema, "anything")["type"] == json_string


def test_property_names_avro_cannot_name_are_all_reported() -> None:
    document = kitchen_sink()
    document["properties"]["bad-name"] = {"type": "string"}
    document["properties"]["position"]["properties"]["1st"] = {"type": "string"}

    with pytest.raises(LintFailed) as failed:
        avro_schema(spec_of(document))

    assert [(problem.pointer, problem.message) for problem in failed.value.problems] == [
        ("/properties/bad-name", "'bad-name' is not an Avro field name ([A-Za-z_][A-Za-z0-9_]*)"),
        ("/properties/position/properties/1st", "'1st' is not an Avro field name ([A-Za-z_][A-Za-z0-9_]*)"),
    ]
    assert all(problem.path == "device/sensor/kitchen_sink/v1.json" for problem in failed.value.problems)


def test_ids_are_positive_int32_and_ignore_documentation() -> None:
    schema = avro_schema(spec_of(kitchen_sink()))
    reworded = kitchen_sink()
    reworded["description"] = "Reworded."
    reworded["properties"]["device_id"]["description"] = "Reworded too."
    changed = kitchen_sink()
    changed["properties"]["extra"] = {"type": "string"}

    identifier = schema_id(schema)

    assert 0 < identifier < 2**31
    assert schema_id(avro_schema(spec_of(reworded))) == identifier
    assert schema_id(avro_schema(spec_of(changed))) != identifier


def test_colliding_ids_fail_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(avro, "schema_id", lambda schema: 7)
    specs = [spec_of(kitchen_sink()), spec_of(kitchen_sink(), "device/sensor/other/v1.json")]

    with pytest.raises(LintFailed, match=r"Avro schema id 7 is device/sensor/kitchen_sink/v1.json's too"):
        render_avro(specs, tmp_path / "avro")


def test_every_generated_avsc_parses_and_carries_the_catalog_id() -> None:
    avro_dir = resources.files("loom_catalog").joinpath("avro")
    files = sorted(entry.name for entry in avro_dir.iterdir() if entry.name.endswith(".avsc"))
    assert files == sorted(f"{data_type.qualified_name}.avsc" for data_type in CATALOG.data_types)
    ids = set()
    for data_type in CATALOG.data_types:
        schema = json.loads(CATALOG.avro_schema(data_type))
        fastavro.parse_schema(schema)
        assert data_type.avro_schema_id == schema_id(schema)
        ids.add(data_type.avro_schema_id)
    assert len(ids) == len(CATALOG.data_types)
