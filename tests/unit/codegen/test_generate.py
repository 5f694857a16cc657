"""codegen.generate and codegen.cli: golden output, determinism, the check mode, and running the result.

The golden test generates the fixture tree ``tests/fixtures/schemas/golden`` and compares it, byte
for byte, with ``tests/fixtures/golden_output``. After an intended change to the generator or the
fixture schemas, refresh the expected tree with::

    LOOM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/codegen/test_generate.py -k golden

then read ``git diff tests/fixtures/golden_output`` before committing it: the golden tree is only
worth something if a person has checked it.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pydantic
import pytest

from codegen.cli import main
from codegen.errors import LintFailed
from codegen.generate import generate_into
from codegen.render.header import PYTHON_HEADER, TEXT_NOTICE
from loom_gateway.catalog import DataType, TopicSpec

REPO = Path(__file__).resolve().parents[3]
SCHEMAS = REPO / "schemas"
GENERATED = REPO / "generated"
GOLDEN_SCHEMAS = REPO / "tests" / "fixtures" / "schemas" / "golden"
GOLDEN_OUTPUT = REPO / "tests" / "fixtures" / "golden_output"
GOLDEN_PACKAGE = "golden_catalog"

THERMOMETER = "device/sensor/thermometer/v1.json"
DOOR = "device/state/door/v1.json"

Document = dict[str, Any]


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, bytecode caches left out."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def tree_diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A readable account of every file that differs; empty when the trees are byte-identical."""
    lines: list[str] = []
    for relative in sorted(expected.keys() | actual.keys()):
        before, after = expected.get(relative), actual.get(relative)
        if before == after:
            continue
        if before is None:
            lines.append(f"only in actual: {relative}\n")
        elif after is None:
            lines.append(f"only in expected: {relative}\n")
        else:
            lines.append(f"differs: {relative}\n")
        lines.extend(
            difflib.unified_diff(
                (before or b"").decode("utf-8", "replace").splitlines(keepends=True),
                (after or b"").decode("utf-8", "replace").splitlines(keepends=True),
                fromfile=f"expected/{relative}",
                tofile=f"actual/{relative}",
            )
        )
    return "".join(lines)


def generate(schemas: Path, output: Path, package: str = GOLDEN_PACKAGE) -> Path:
    output.mkdir(parents=True)
    generate_into(schemas, output, package)
    return output


def copy_schemas(tmp_path: Path, source: Path = GOLDEN_SCHEMAS) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(source, root)
    return root


def edit(path: Path, change: Callable[[Document], None]) -> None:
    document = json.loads(path.read_text("utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2), "utf-8")


def import_generated(output: Path, package: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(output))
    return importlib.import_module(package)


def forget_package(package: str) -> None:
    for name in [name for name in sys.modules if name == package or name.startswith(f"{package}.")]:
        del sys.modules[name]


def unique_package() -> str:
    return f"fixture_catalog_{uuid.uuid4().hex[:12]}"


def source_example(relative: str) -> Document:
    example: Document = json.loads((GOLDEN_SCHEMAS / relative).read_text("utf-8"))["examples"][0]
    return example


# --- the golden tree -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def golden_generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(GOLDEN_SCHEMAS, tmp_path_factory.mktemp("golden") / "out")


def test_golden_output(golden_generated: Path) -> None:
    if os.environ.get("LOOM_UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN_OUTPUT, ignore_errors=True)
        shutil.copytree(golden_generated, GOLDEN_OUTPUT, ignore=shutil.ignore_patterns("__pycache__"))
    diff = tree_diff(tree_bytes(GOLDEN_OUTPUT), tree_bytes(golden_generated))
    if diff:
        pytest.fail(
            "generated output differs from tests/fixtures/golden_output "
            "(if intended: LOOM_UPDATE_GOLDEN=1, then review the diff):\n" + diff,
            pytrace=False,
        )


def test_every_generated_file_is_marked(golden_generated: Path) -> None:
    files = tree_bytes(golden_generated)
    python = {path: text.decode() for path, text in files.items() if path.endswith(".py")}
    assert python, "no Python files generated"
    unmarked = [path for path, text in python.items() if not text.startswith(PYTHON_HEADER + "\n")]
    assert unmarked == []
    bundled = {path: json.loads(text) for path, text in files.items() if path.endswith(".json")}
    openapi = bundled.pop(f"{GOLDEN_PACKAGE}/openapi.json")
    assert sorted(bundled) == [
        f"{GOLDEN_PACKAGE}/schemas/device.sensor.thermometer.v1.json",
        f"{GOLDEN_PACKAGE}/schemas/device.state.door.v1.json",
    ]
    assert all(document["$comment"] == TEXT_NOTICE for document in bundled.values())
    assert openapi["x-generated"] == TEXT_NOTICE  # an OpenAPI document takes extensions, not $comment
    assert TEXT_NOTICE in files["README.md"].decode()


def test_the_generated_readme_says_how_to_regenerate(golden_generated: Path) -> None:
    readme = (golden_generated / "README.md").read_text("utf-8")
    assert "python -m codegen generate" in readme
    assert "python -m codegen check" in readme
    assert "| `device/sensor/thermometer/v1.json` | `/sensor/thermometer`, `/legacy/temperature` |" in readme


# --- determinism ---------------------------------------------------------------------------------


def test_generating_twice_gives_identical_trees(tmp_path: Path) -> None:
    first = tree_bytes(generate(GOLDEN_SCHEMAS, tmp_path / "first"))
    second = tree_bytes(generate(GOLDEN_SCHEMAS, tmp_path / "second"))
    assert first, "nothing generated"
    assert tree_diff(first, second) == ""


_GENERATE_IN_SUBPROCESS = (
    "import sys; from pathlib import Path; from codegen.generate import generate_into; "
    "generate_into(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])"
)


@pytest.mark.parametrize("seed", ["0", "2718281828"])
def test_generation_does_not_depend_on_the_hash_seed(tmp_path: Path, seed: str) -> None:
    here = tree_bytes(generate(GOLDEN_SCHEMAS, tmp_path / "here"))
    there = tmp_path / "there"
    there.mkdir()
    subprocess.run(
        [sys.executable, "-c", _GENERATE_IN_SUBPROCESS, str(GOLDEN_SCHEMAS), str(there), GOLDEN_PACKAGE],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": seed},
        check=True,
    )
    assert tree_diff(here, tree_bytes(there)) == ""


# --- python -m codegen generate | check ----------------------------------------------------------


def test_check_passes_on_the_committed_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--schemas", str(SCHEMAS), "--output", str(GENERATED)]) == 0
    captured = capsys.readouterr()
    assert "is up to date" in captured.out
    assert captured.err == ""


def check(output: Path, schemas: Path = SCHEMAS, package: str | None = None) -> int:
    arguments = ["check", "--schemas", str(schemas), "--output", str(output)]
    return main([*arguments, "--package", package] if package else arguments)


def test_check_prints_a_diff_of_a_hand_edited_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    catalog = copy / "loom_catalog" / "catalog.py"
    catalog.write_text(catalog.read_text("utf-8") + "# hand edit\n", "utf-8")
    assert check(copy) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("--- a/loom_catalog/catalog.py\n+++ b/loom_catalog/catalog.py\n@@ ")
    assert "\n-# hand edit\n" in captured.out
    assert captured.out.count("--- ") == 1, "only the edited file differs"
    assert "is stale" in captured.err


@pytest.fixture
def golden_copy(tmp_path: Path) -> Path:
    """A copy of the golden output, checked against the golden schemas (independent of the real tree)."""
    copy = tmp_path / "golden_output"
    shutil.copytree(GOLDEN_OUTPUT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def check_golden(output: Path) -> int:
    return check(output, GOLDEN_SCHEMAS, GOLDEN_PACKAGE)


def test_check_on_an_unchanged_copy_passes(golden_copy: Path) -> None:
    assert check_golden(golden_copy) == 0


def test_check_reports_missing_and_extra_files(golden_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (golden_copy / GOLDEN_PACKAGE / "routes.py").unlink()
    (golden_copy / GOLDEN_PACKAGE / "notes.txt").write_text("left behind\n", "utf-8")
    assert check_golden(golden_copy) == 1
    out = capsys.readouterr().out
    assert f"--- a/{GOLDEN_PACKAGE}/notes.txt\n+++ /dev/null\n" in out
    assert f"--- /dev/null\n+++ b/{GOLDEN_PACKAGE}/routes.py\n" in out


def test_check_notices_a_missing_empty_file(golden_copy: Path) -> None:
    """py.typed is empty; without it mypy ignores the package's types. Its absence is staleness too."""
    (golden_copy / GOLDEN_PACKAGE / "py.typed").unlink()
    assert check_golden(golden_copy) == 1


def test_check_ignores_bytecode_caches(golden_copy: Path) -> None:
    cache = golden_copy / GOLDEN_PACKAGE / "__pycache__"
    cache.mkdir()
    (cache / "catalog.cpython-311.pyc").write_bytes(b"\x00bytecode")
    assert check_golden(golden_copy) == 0


def test_files_other_than_schemas_in_the_tree_are_ignored(tmp_path: Path) -> None:
    """The lint reads only ``*.json``; generation must too (schemas/README.md documents the vocabulary)."""
    schemas = copy_schemas(tmp_path)
    (schemas / "README.md").write_text("# Schemas\n\nHow to write one: see below.\n", "utf-8")
    (schemas / "device" / "notes.txt").write_text("not: a: schema\n", "utf-8")
    assert tree_diff(tree_bytes(GOLDEN_OUTPUT), tree_bytes(generate(schemas, tmp_path / "out"))) == ""


def test_check_on_a_tree_with_problems_lists_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas = copy_schemas(tmp_path)
    edit(schemas / DOOR, lambda d: d.pop("title"))
    edit(schemas / THERMOMETER, lambda d: d["x-loom"]["topic"].update(compression="brotli"))
    assert check(tmp_path / "out", schemas) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "2 schema problem(s):\n"
        f"  {THERMOMETER}#/x-loom/topic/compression: "
        "'brotli' is not one of ['none', 'gzip', 'snappy', 'lz4', 'zstd']\n"
        f"  {DOOR}#/title: a data type needs a title; it names the generated model\n"
    )


def test_generate_writes_the_golden_tree_and_replaces_what_was_there(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "stale.py").write_text("# from an older generation\n", "utf-8")
    arguments = ["--schemas", str(GOLDEN_SCHEMAS), "--output", str(output), "--package", GOLDEN_PACKAGE]
    assert main(["generate", *arguments]) == 0
    assert tree_diff(tree_bytes(GOLDEN_OUTPUT), tree_bytes(output)) == ""
    assert main(["check", *arguments]) == 0


def test_generate_writes_nothing_when_the_tree_has_problems(tmp_path: Path) -> None:
    schemas = copy_schemas(tmp_path)
    edit(schemas / DOOR, lambda d: d.update(additionalProperties=True))
    output = tmp_path / "out"
    output.mkdir()
    (output / "kept.txt").write_text("previous output\n", "utf-8")
    assert main(["generate", "--schemas", str(schemas), "--output", str(output)]) == 2
    assert tree_bytes(output) == {"kept.txt": b"previous output\n"}


def test_generate_into_raises_with_every_problem(tmp_path: Path) -> None:
    schemas = copy_schemas(tmp_path)
    edit(schemas / DOOR, lambda d: d.pop("title"))
    edit(schemas / THERMOMETER, lambda d: d.update(additionalProperties=True))
    with pytest.raises(LintFailed) as error:
        generate(schemas, tmp_path / "out")
    assert [str(problem) for problem in error.value.problems] == [
        f"{THERMOMETER}#/additionalProperties: must be false, so misspelt fields are refused, not dropped",
        f"{DOOR}#/title: a data type needs a title; it names the generated model",
    ]


def test_a_title_that_makes_no_class_name_is_a_reported_problem(tmp_path: Path) -> None:
    """A title must become a Python class name; "3D door" cannot.

    Expect exit 2 and a sentence, not a traceback (and not exit 1, which means "stale").
    """
    schemas = copy_schemas(tmp_path)
    edit(schemas / DOOR, lambda d: d.update(title="3D door"))
    assert check(tmp_path / "out", schemas) == 2


# --- running the generated code ------------------------------------------------------------------


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The fixture tree generated under a name no other test uses, imported from a temporary directory."""
    name = unique_package()
    output = generate(GOLDEN_SCHEMAS, tmp_path_factory.mktemp("importable") / "out", name)
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            yield import_generated(output, name, monkeypatch)
        finally:
            forget_package(name)


def bundled_schemas(package: ModuleType) -> Path:
    assert package.__file__ is not None
    return Path(package.__file__).parent / "schemas"


def data_types_by_name(package: ModuleType) -> dict[str, DataType]:
    return {data_type.qualified_name: data_type for data_type in package.CATALOG.data_types}


def test_catalog_data_types(package: ModuleType) -> None:
    rows = [
        (dt.name, dt.version, dt.title, dt.schema_id, dt.key_field, dt.model.__name__)
        for dt in package.CATALOG.data_types
    ]
    assert rows == [
        (
            "device.sensor.thermometer",
            1,
            "Thermometer reading",
            "https://schemas.loom-gateway.dev/device/sensor/thermometer/v1.json",
            "device_id",
            "ThermometerReading",
        ),
        (
            "device.state.door",
            1,
            "Door state event",
            "https://schemas.loom-gateway.dev/device/state/door/v1.json",
            "device_id",
            "DoorStateEvent",
        ),
    ]
    assert package.DATA_TYPES is package.CATALOG.data_types
    assert package.catalog.DEVICE_STATE_DOOR_V1 is package.DATA_TYPES[1]
    assert all(issubclass(dt.model, pydantic.BaseModel) for dt in package.DATA_TYPES)


def test_catalog_topics_and_limits(package: ModuleType) -> None:
    by_name = data_types_by_name(package)
    thermometer = by_name["device.sensor.thermometer.v1"]
    door = by_name["device.state.door.v1"]
    assert thermometer.topic == TopicSpec(
        name="device.sensor.thermometer.raw",
        retention_ms=12 * 60 * 60 * 1000,
        compression="lz4",
        max_message_bytes=4096,
        partitions=6,
    )
    assert (thermometer.max_body_bytes, thermometer.max_batch_items) == (65536, 50)
    assert door.topic == TopicSpec(
        name="device.state.door.raw",
        retention_ms=7 * 24 * 60 * 60 * 1000,
        compression="none",
        max_message_bytes=2048,
        partitions=None,
    )
    # Defaults when x-loom leaves the limits out.
    assert (door.max_body_bytes, door.max_batch_items) == (1024 * 1024, 1000)
    assert [topic.name for topic in package.CATALOG.topics()] == [
        "device.sensor.thermometer.raw",
        "device.state.door.raw",
    ]


def test_routes_are_sorted_and_point_at_catalog_entries(package: ModuleType) -> None:
    routes = package.CATALOG.routes
    assert [(route.path, route.data_type.qualified_name) for route in routes] == [
        ("/legacy/temperature", "device.sensor.thermometer.v1"),
        ("/sensor/thermometer", "device.sensor.thermometer.v1"),
        ("/state/door", "device.state.door.v1"),
        ("/v1/legacy/temperature", "device.sensor.thermometer.v1"),
        ("/v1/sensor/thermometer", "device.sensor.thermometer.v1"),
        ("/v1/state/door", "device.state.door.v1"),
    ]
    assert routes is package.ROUTES
    assert all(any(route.data_type is dt for dt in package.DATA_TYPES) for route in routes)


@pytest.mark.parametrize(
    ("qualified_name", "schema"),
    [("device.sensor.thermometer.v1", THERMOMETER), ("device.state.door.v1", DOOR)],
)
def test_model_and_bundled_schema_accept_the_example(
    package: ModuleType, qualified_name: str, schema: str
) -> None:
    data_type = data_types_by_name(package)[qualified_name]
    example = source_example(schema)
    reading = data_type.model.model_validate(example)
    assert reading.model_dump(mode="json", exclude_unset=True) == example
    bundled = json.loads((bundled_schemas(package) / f"{qualified_name}.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(bundled).validate(example)


INVALID = [
    pytest.param(
        "device.sensor.thermometer.v1", {"device_id": "kitchen-1", "celsius": 61}, id="out-of-range"
    ),
    pytest.param(
        "device.sensor.thermometer.v1",
        {"device_id": "kitchen-1", "celsius": 20, "celcius": 20},
        id="misspelt-field",
    ),
    pytest.param("device.sensor.thermometer.v1", {"celsius": 20}, id="missing-key"),
    pytest.param(
        "device.sensor.thermometer.v1", {"device_id": "Kitchen 1", "celsius": 20}, id="shared-pattern"
    ),
    pytest.param(
        "device.sensor.thermometer.v1",
        {"device_id": "k", "celsius": 20, "tags": ["x" * 33]},
        id="shared-internal-ref",
    ),
    pytest.param("device.sensor.thermometer.v1", {"device_id": "k", "celsius": "warm"}, id="wrong-type"),
    pytest.param("device.state.door.v1", {"device_id": "front-door", "state": "ajar"}, id="not-in-enum"),
    pytest.param(
        "device.state.door.v1",
        {"device_id": "front-door", "state": "opened", "message_id": "nope"},
        id="bad-message-id",
    ),
]


@pytest.mark.parametrize(("qualified_name", "reading"), INVALID)
def test_model_and_bundled_schema_refuse_an_invalid_reading(
    package: ModuleType, qualified_name: str, reading: Document
) -> None:
    data_type = data_types_by_name(package)[qualified_name]
    with pytest.raises(pydantic.ValidationError):
        data_type.model.model_validate(reading)
    bundled = json.loads((bundled_schemas(package) / f"{qualified_name}.json").read_text("utf-8"))
    assert not jsonschema.Draft202012Validator(bundled).is_valid(reading)


def test_bundled_schemas_are_self_contained(package: ModuleType) -> None:
    schemas = sorted(bundled_schemas(package).glob("*.json"))
    assert [path.name for path in schemas] == [
        "device.sensor.thermometer.v1.json",
        "device.state.door.v1.json",
    ]
    for path in schemas:
        text = path.read_text("utf-8")
        assert '"$ref"' not in text
        assert '"x-loom"' not in text
        jsonschema.Draft202012Validator.check_schema(json.loads(text))


def test_the_model_is_the_data_type_even_when_another_class_shares_the_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The door's enum property generates a class ``State``; a data type titled "State" is still its model.

    datamodel-code-generator renames the model (``StateModel``) to avoid the enum; the catalog must
    point at the model, not at the enum that kept the name.
    """
    schemas = copy_schemas(tmp_path)
    edit(schemas / DOOR, lambda d: d.update(title="State"))
    name = unique_package()
    output = generate(schemas, tmp_path / "out", name)
    try:
        generated = import_generated(output, name, monkeypatch)
        door = data_types_by_name(generated)["device.state.door.v1"]
        assert issubclass(door.model, pydantic.BaseModel)
        door.model.model_validate(source_example(DOOR))
    finally:
        forget_package(name)
