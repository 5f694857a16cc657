"""codegen.lint: golden tests on fixture trees that must be rejected, with the exact problem text.

Each test copies the small, valid fixture tree ``tests/fixtures/schemas/golden`` into
``tmp_path``, breaks it in one way and compares every reported problem, in order, with the
expected text: a missing problem, an extra one or a changed message all fail.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codegen.lint import lint
from codegen.tree import SCHEMA_BASE_URI, read_tree

REPO = Path(__file__).resolve().parents[3]
GOLDEN_SCHEMAS = REPO / "tests" / "fixtures" / "schemas" / "golden"

COMMON = "common/v1.json"
THERMOMETER = "device/sensor/thermometer/v1.json"
DOOR = "device/state/door/v1.json"

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# As jsonschema quotes it in its message.
TOPIC_PATTERN = repr(
    json.loads((REPO / "codegen" / "vocabulary.schema.json").read_text("utf-8"))["properties"]["topic"][
        "properties"
    ]["name"]["pattern"]
)

RETENTION_PATTERN = "'^P([1-9][0-9]{0,3}D|T[1-9][0-9]{0,4}H)$'"
NOT_AT_THE_TOP = "is not allowed at the top of a data type; the reading must be one plain object"
EXAMPLE_FAILS = "example does not match the schema:"
EXPECTING_NAME = "Expecting property name enclosed in double quotes"

Document = dict[str, Any]


class FixtureTree:
    """A writable copy of the golden fixture tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, relative: str) -> Document:
        document: Document = json.loads((self.root / relative).read_text("utf-8"))
        return document

    def write(self, relative: str, document: Document) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, indent=2), "utf-8")

    def write_text(self, relative: str, text: str) -> None:
        (self.root / relative).write_text(text, "utf-8")

    def edit(self, relative: str, change: Callable[[Document], None]) -> None:
        document = self.read(relative)
        change(document)
        self.write(relative, document)

    def move(self, old: str, new: str) -> None:
        """Move a schema, keeping its ``$id`` in step with its path (and its relative refs valid)."""
        document = self.read(old)
        document["$id"] = SCHEMA_BASE_URI + new
        (self.root / old).unlink()
        self.write(new, document)

    def problems(self) -> list[str]:
        return [str(problem) for problem in lint(read_tree(self.root))]


@pytest.fixture
def tree(tmp_path: Path) -> FixtureTree:
    root = tmp_path / "schemas"
    shutil.copytree(GOLDEN_SCHEMAS, root)
    return FixtureTree(root)


def x_loom(document: Document) -> Document:
    annotation: Document = document["x-loom"]
    return annotation


# --- trees that pass -----------------------------------------------------------------------------


def test_the_fixture_tree_lints_clean(tree: FixtureTree) -> None:
    assert tree.problems() == []


def test_the_real_schema_tree_lints_clean() -> None:
    assert [str(problem) for problem in lint(read_tree(REPO / "schemas"))] == []


def test_two_versions_of_one_data_type_may_share_a_topic(tree: FixtureTree) -> None:
    door_v2 = tree.read(DOOR)
    door_v2["$id"] = SCHEMA_BASE_URI + "device/state/door/v2.json"
    tree.write("device/state/door/v2.json", door_v2)  # same route and topic as v1
    assert tree.problems() == []


def test_a_shared_file_is_not_held_to_the_data_type_rules(tree: FixtureTree) -> None:
    # No title, no x-loom, no additionalProperties, no server fields: fine for a shared file.
    tree.write(
        "common/units/v1.json",
        {
            "$schema": DIALECT,
            "$id": SCHEMA_BASE_URI + "common/units/v1.json",
            "$defs": {"celsius": {"type": "number"}},
        },
    )
    assert tree.problems() == []


# --- files that are not schemas ------------------------------------------------------------------


def test_invalid_json(tree: FixtureTree) -> None:
    tree.write_text(DOOR, '{\n  "title": "Door state event",\n')
    assert tree.problems() == [
        f"{DOOR}: not valid JSON: {EXPECTING_NAME}: line 3 column 1 (char 33)",
    ]


def test_a_file_that_is_not_utf8(tree: FixtureTree) -> None:
    (tree.root / DOOR).write_bytes(b"\xff{}")
    assert tree.problems() == [
        f"{DOOR}: not valid JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
    ]


def test_json_that_is_not_an_object(tree: FixtureTree) -> None:
    tree.write_text(DOOR, "[]")
    assert tree.problems() == [f"{DOOR}: a schema file must hold an object"]


def test_not_a_valid_2020_12_schema(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d["properties"].update(note={"type": "string", "maxLength": -1}))
    assert tree.problems() == [
        f"{DOOR}#/properties/note/maxLength: not a valid 2020-12 schema: -1 is less than the minimum of 0",
    ]


# --- $schema, $id and the file's place in the tree -----------------------------------------------


def test_wrong_dialect(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.update({"$schema": "http://json-schema.org/draft-07/schema#"}))
    assert tree.problems() == [f"{DOOR}#/$schema: must be '{DIALECT}'"]


def test_missing_dialect(tree: FixtureTree) -> None:
    tree.edit(COMMON, lambda d: d.pop("$schema"))
    assert tree.problems() == [f"{COMMON}#/$schema: must be '{DIALECT}'"]


def test_id_not_matching_the_path(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.update({"$id": SCHEMA_BASE_URI + "device/door/v1.json"}))
    assert tree.problems() == [
        f"{DOOR}#/$id: must be '{SCHEMA_BASE_URI}{DOOR}' (the file's path), "
        f"not '{SCHEMA_BASE_URI}device/door/v1.json'",
    ]


def test_missing_id(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.pop("$id"))
    assert tree.problems() == [f"{DOOR}#/$id: must be '{SCHEMA_BASE_URI}{DOOR}' (the file's path), not None"]


@pytest.mark.parametrize("name", ["V1.json", "v0.json", "v01.json", "door.json", "latest.json"])
def test_file_not_named_by_version(tree: FixtureTree, name: str) -> None:
    tree.move(DOOR, f"device/state/door/{name}")
    assert tree.problems() == [f"device/state/door/{name}: file name must be v<N>.json (v1.json, v2.json, …)"]


@pytest.mark.parametrize("directory", ["State", "st-ate", "2state", "_state", "st ate"])
def test_directory_not_snake_case(tree: FixtureTree, directory: str) -> None:
    tree.move(DOOR, f"device/{directory}/door/v1.json")
    assert tree.problems() == [
        f"device/{directory}/door/v1.json: directory {directory!r} must be lower-case snake_case"
    ]


def test_schema_at_the_root_of_the_tree(tree: FixtureTree) -> None:
    tree.write("v1.json", {"$schema": DIALECT, "$id": SCHEMA_BASE_URI + "v1.json", "$defs": {}})
    assert tree.problems() == [
        "v1.json: schemas live in a directory named after their data type, not at the root"
    ]


def test_directory_named_after_a_python_keyword(tree: FixtureTree) -> None:
    """The directory becomes a module path (``models.device.state.class.v1``): a keyword cannot be one.

    Lint must refuse it rather than let generation write a catalog that does not parse.
    """
    tree.move(DOOR, "device/state/class/v1.json")
    tree.edit(
        "device/state/class/v1.json", lambda d: x_loom(d)["topic"].update(name="device.state.class.raw")
    )
    problems = lint(read_tree(tree.root))
    assert {problem.path for problem in problems} == {"device/state/class/v1.json"}


# --- the x-loom annotation -----------------------------------------------------------------------


def test_bad_topic_name(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(name="Door.Events"))
    assert tree.problems() == [f"{DOOR}#/x-loom/topic/name: 'Door.Events' does not match {TOPIC_PATTERN}"]


@pytest.mark.parametrize(
    "name",
    [
        "device.raw",
        "device.a.b.c.d.raw",
        "sensor.door.raw",
        "device.state.door",
        "device.state.door.cooked",
        "device..door.raw",
    ],
)
def test_topic_name_outside_the_naming_scheme(tree: FixtureTree, name: str) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(name=name))
    assert tree.problems() == [f"{DOOR}#/x-loom/topic/name: {name!r} does not match {TOPIC_PATTERN}"]


def test_topic_name_with_a_trailing_newline(tree: FixtureTree) -> None:
    """``$`` in the vocabulary's patterns also matches before a final newline.

    Accepting it would put a topic name Kafka refuses into the generated catalog.
    """
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(name="device.state.door.raw\n"))
    problems = lint(read_tree(tree.root))
    assert [(problem.path, problem.pointer) for problem in problems] == [(DOOR, "/x-loom/topic/name")]


@pytest.mark.parametrize("retention", ["P1W", "P30", "PT30M", "P0D", "P1DT12H", "30d"])
def test_bad_retention(tree: FixtureTree, retention: str) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(retention=retention))
    assert tree.problems() == [
        f"{DOOR}#/x-loom/topic/retention: {retention!r} does not match {RETENTION_PATTERN}",
    ]


def test_unknown_key_in_the_annotation(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d).update(owner="me"))
    assert tree.problems() == [
        f"{DOOR}#/x-loom: Additional properties are not allowed ('owner' was unexpected)"
    ]


def test_unknown_key_in_the_topic(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(replicas=3))
    assert tree.problems() == [
        f"{DOOR}#/x-loom/topic: Additional properties are not allowed ('replicas' was unexpected)"
    ]


def test_missing_topic(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d).pop("topic"))
    assert tree.problems() == [f"{DOOR}#/x-loom: 'topic' is a required property"]


def test_unknown_compression(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(compression="brotli"))
    assert tree.problems() == [
        f"{DOOR}#/x-loom/topic/compression: 'brotli' is not one of ['none', 'gzip', 'snappy', 'lz4', 'zstd']",
    ]


def test_partitions_out_of_range(tree: FixtureTree) -> None:
    tree.edit(THERMOMETER, lambda d: x_loom(d)["topic"].update(partitions=0))
    assert tree.problems() == [f"{THERMOMETER}#/x-loom/topic/partitions: 0 is less than the minimum of 1"]


def test_bad_route(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d).update(routes=["state/door", "/state/Door"]))
    pattern = "'^(/[a-z0-9]+(-[a-z0-9]+)*)+$'"
    assert tree.problems() == [
        f"{DOOR}#/x-loom/routes/0: 'state/door' does not match {pattern}",
        f"{DOOR}#/x-loom/routes/1: '/state/Door' does not match {pattern}",
    ]


# --- the data type's shape -----------------------------------------------------------------------


def test_missing_title(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.pop("title"))
    assert tree.problems() == [f"{DOOR}#/title: a data type needs a title; it names the generated model"]


def test_nested_object_must_say_whether_other_keys_are_allowed(tree: FixtureTree) -> None:
    """Left unsaid, the generated model would silently drop unknown keys of the nested object."""
    tree.edit(
        DOOR,
        lambda d: d["properties"].update(
            sensor={"type": "object", "properties": {"battery": {"type": "number"}}}
        ),
    )
    assert tree.problems() == [
        f"{DOOR}#/properties/sensor: an object with properties must set additionalProperties "
        "(false, true or a schema)"
    ]


@pytest.mark.parametrize("allowed", [True, False, {"type": "string"}])
def test_nested_object_that_says_whether_other_keys_are_allowed_is_fine(
    tree: FixtureTree, allowed: object
) -> None:
    nested = {
        "type": "object",
        "properties": {"battery": {"type": "number"}},
        "additionalProperties": allowed,
    }
    tree.edit(DOOR, lambda d: d["properties"].update(sensor=nested))
    assert tree.problems() == []


def test_blank_title(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.update(title="  "))
    assert tree.problems() == [f"{DOOR}#/title: a data type needs a title; it names the generated model"]


@pytest.mark.parametrize("value", [True, {"type": "string"}, None])
def test_additional_properties_not_false(tree: FixtureTree, value: object) -> None:
    def change(document: Document) -> None:
        if value is None:
            del document["additionalProperties"]
        else:
            document["additionalProperties"] = value

    tree.edit(DOOR, change)
    assert tree.problems() == [
        f"{DOOR}#/additionalProperties: must be false, so misspelt fields are refused, not dropped",
    ]


def test_not_an_object(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.pop("type"))
    assert tree.problems() == [f"{DOOR}#/type: a data type must be an object"]


def test_top_level_any_of(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.update(anyOf=[{"required": ["state"]}, {"required": ["device_id"]}]))
    assert tree.problems() == [
        f"{DOOR}#/anyOf: 'anyOf' {NOT_AT_THE_TOP}",
    ]


def test_top_level_one_of_and_if(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d.update({"oneOf": [{"required": ["state"]}], "if": {"required": ["state"]}}))
    assert tree.problems() == [
        f"{DOOR}#/if: 'if' {NOT_AT_THE_TOP}",
        f"{DOOR}#/oneOf: 'oneOf' {NOT_AT_THE_TOP}",
    ]


def test_missing_server_fields(tree: FixtureTree) -> None:
    def change(document: Document) -> None:
        del document["properties"]["message_id"]
        del document["properties"]["received_at"]

    tree.edit(THERMOMETER, change)
    assert tree.problems() == [
        f"{THERMOMETER}#/properties: must declare 'message_id' (the gateway sets it): "
        "refer to common/v1.json#/$defs/message_id",
        f"{THERMOMETER}#/properties: must declare 'received_at' (the gateway sets it): "
        "refer to common/v1.json#/$defs/received_at",
    ]


def test_key_not_required(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d).update(key="message_id"))
    assert tree.problems() == [f"{DOOR}#/x-loom/key: key 'message_id' must be a required property"]


def test_key_not_a_string(tree: FixtureTree) -> None:
    tree.edit(THERMOMETER, lambda d: x_loom(d).update(key="celsius"))
    assert tree.problems() == [f"{THERMOMETER}#/x-loom/key: key 'celsius' must be a string property"]


def test_key_not_a_property(tree: FixtureTree) -> None:
    tree.edit(THERMOMETER, lambda d: x_loom(d).update(key="owner"))
    assert tree.problems() == [
        f"{THERMOMETER}#/x-loom/key: key 'owner' must be a required property",
        f"{THERMOMETER}#/x-loom/key: key 'owner' must be a string property",
    ]


def test_key_whose_schema_is_true(tree: FixtureTree) -> None:
    """``true`` is a valid schema (anything goes), so not a string property: a problem, not a crash."""
    tree.edit(DOOR, lambda d: d["properties"].update(device_id=True))
    assert tree.problems() == [f"{DOOR}#/x-loom/key: key 'device_id' must be a string property"]


def test_example_that_fails_its_schema(tree: FixtureTree) -> None:
    tree.edit(
        DOOR, lambda d: d.update(examples=[{"device_id": "front-door", "state": "ajar"}, {"state": "closed"}])
    )
    assert tree.problems() == [
        f"{DOOR}#/examples/0/state: {EXAMPLE_FAILS} 'ajar' is not one of ['opened', 'closed']",
        f"{DOOR}#/examples/1: {EXAMPLE_FAILS} 'device_id' is a required property",
    ]


def test_example_checked_against_a_shared_definition(tree: FixtureTree) -> None:
    # The pattern comes from common/v1.json: the example is checked against the bundled schema.
    tree.edit(THERMOMETER, lambda d: d["examples"][0].update(device_id="Kitchen 1"))
    assert tree.problems() == [
        f"{THERMOMETER}#/examples/0/device_id: {EXAMPLE_FAILS} "
        "'Kitchen 1' does not match '^[a-z0-9-]{1,64}$'",
    ]


def test_example_with_a_misspelt_field(tree: FixtureTree) -> None:
    tree.edit(THERMOMETER, lambda d: d["examples"][0].update(celcius=20))
    assert tree.problems() == [
        f"{THERMOMETER}#/examples/0: {EXAMPLE_FAILS} "
        "Additional properties are not allowed ('celcius' was unexpected)",
    ]


def test_unresolvable_reference(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: d["properties"].update(state={"$ref": "../../../common/v9.json"}))
    assert tree.problems() == [
        f"{DOOR}#/properties/state: cannot resolve $ref '../../../common/v9.json': ../../../common/v9.json",
    ]


# --- claims across the tree ----------------------------------------------------------------------


def test_two_schemas_claiming_one_route(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["routes"].append("/sensor/thermometer"))
    claimants = f"{THERMOMETER}, {DOOR}"
    assert tree.problems() == [
        f"{THERMOMETER}#/x-loom/routes: route '/sensor/thermometer' is claimed by {claimants}",
        f"{DOOR}#/x-loom/routes: route '/sensor/thermometer' is claimed by {claimants}",
    ]


def test_two_data_types_claiming_one_route(tree: FixtureTree) -> None:
    # Versions of one data type share routes (served at /v<N>/…); two data types may not.
    tree.edit(DOOR, lambda d: x_loom(d)["routes"].append("/sensor/thermometer"))
    claimants = f"{THERMOMETER}, {DOOR}"
    assert tree.problems() == [
        f"{THERMOMETER}#/x-loom/routes: route '/sensor/thermometer' is claimed by {claimants}",
        f"{DOOR}#/x-loom/routes: route '/sensor/thermometer' is claimed by {claimants}",
    ]


def test_a_declared_route_may_not_carry_a_version(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d).update(routes=["/v2/state/door"]))
    assert tree.problems() == [
        f"{DOOR}#/x-loom/routes: route '/v2/state/door' starts with a version: declare '/state/door'; "
        "the gateway serves it at /v<N>/… for each version itself"
    ]


def test_two_data_types_claiming_one_topic(tree: FixtureTree) -> None:
    tree.edit(DOOR, lambda d: x_loom(d)["topic"].update(name="device.sensor.thermometer.raw"))
    claimants = f"{THERMOMETER}, {DOOR}"
    assert tree.problems() == [
        f"{THERMOMETER}#/x-loom/topic/name: topic 'device.sensor.thermometer.raw' is claimed by {claimants}",
        f"{DOOR}#/x-loom/topic/name: topic 'device.sensor.thermometer.raw' is claimed by {claimants}",
    ]


def test_two_data_types_whose_generated_names_collide(tree: FixtureTree) -> None:
    """device/state/door and device/state_door both become the constant DEVICE_STATE_DOOR_V1.

    Generated as is, the catalog defines the constant twice: one data type disappears and its
    routes serve the other. Lint must refuse the pair and name both files.
    """
    twin = tree.read(DOOR)
    twin["$id"] = SCHEMA_BASE_URI + "device/state_door/v1.json"
    twin["properties"] = {
        name: {"$ref": "../../common/v1.json#/$defs/" + name} if name != "state" else schema
        for name, schema in twin["properties"].items()
    }
    x_loom(twin)["routes"] = ["/state-door"]
    x_loom(twin)["topic"]["name"] = "device.state_door.raw"
    tree.write("device/state_door/v1.json", twin)
    problems = [str(problem) for problem in lint(read_tree(tree.root))]
    assert any("device/state_door/v1.json" in text and DOOR in text for text in problems), problems


# --- all problems, not the first -----------------------------------------------------------------


def test_every_problem_in_every_file_is_reported(tree: FixtureTree) -> None:
    tree.write_text(THERMOMETER, "{")
    tree.edit(COMMON, lambda d: d.update({"$id": SCHEMA_BASE_URI + "shared/v1.json"}))

    def break_door(document: Document) -> None:
        del document["title"]
        document["additionalProperties"] = True
        x_loom(document)["topic"]["retention"] = "P1W"
        x_loom(document)["key"] = "message_id"
        document["examples"][0]["state"] = "ajar"

    tree.edit(DOOR, break_door)
    tree.write(
        "device/state/door/latest.json",
        {"$schema": DIALECT, "$id": SCHEMA_BASE_URI + "device/state/door/latest.json"},
    )
    assert tree.problems() == [
        f"{COMMON}#/$id: must be '{SCHEMA_BASE_URI}{COMMON}' (the file's path), "
        f"not '{SCHEMA_BASE_URI}shared/v1.json'",
        f"{THERMOMETER}: not valid JSON: {EXPECTING_NAME}: line 1 column 2 (char 1)",
        "device/state/door/latest.json: file name must be v<N>.json (v1.json, v2.json, …)",
        f"{DOOR}#/additionalProperties: must be false, so misspelt fields are refused, not dropped",
        f"{DOOR}#/examples/0/state: {EXAMPLE_FAILS} 'ajar' is not one of ['opened', 'closed']",
        f"{DOOR}#/title: a data type needs a title; it names the generated model",
        f"{DOOR}#/x-loom/key: key 'message_id' must be a required property",
        f"{DOOR}#/x-loom/topic/retention: 'P1W' does not match {RETENTION_PATTERN}",
    ]


def test_a_schema_the_validator_cannot_run_does_not_hide_other_problems(tree: FixtureTree) -> None:
    """An invalid regular expression in one file; a missing title in another. Both are reported.

    The module's promise: "Every problem is collected; none stops the others."
    """
    tree.edit(DOOR, lambda d: d["properties"]["state"].update(pattern="("))
    tree.edit(THERMOMETER, lambda d: d.pop("title"))
    problems = lint(read_tree(tree.root))
    assert f"{THERMOMETER}#/title: a data type needs a title; it names the generated model" in map(
        str, problems
    )
    assert any(problem.path == DOOR for problem in problems)


def test_an_unresolvable_reference_does_not_hide_the_files_other_problems(tree: FixtureTree) -> None:
    """The title and the annotation can be checked without resolving references, so they are."""

    def change(document: Document) -> None:
        document["properties"]["state"] = {"$ref": "../../../common/v9.json"}
        del document["title"]

    tree.edit(DOOR, change)
    problems = tree.problems()
    assert (
        f"{DOOR}#/properties/state: cannot resolve $ref '../../../common/v9.json': ../../../common/v9.json"
        in problems
    )
    assert f"{DOOR}#/title: a data type needs a title; it names the generated model" in problems
