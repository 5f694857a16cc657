"""codegen.compat: the compatibility gate (released schemas may change by additions only).

The classifier is tested on fixture pairs, ``tests/fixtures/compat/pairs/<case>.json``: an ``old``
and a ``new`` schema and the ``expected`` findings, one line each. After an intended change to the
rules or their wording, refresh them with::

    LOOM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/codegen/test_compat.py -k pair

then read ``git diff tests/fixtures/compat`` before committing it.

The gate itself runs on a copy of ``tests/fixtures/compat/tree`` and its lock
``tests/fixtures/compat/tree.lock.json``; the real ``schemas/`` is only read, never edited.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codegen.cli import EXIT_INCOMPATIBLE, EXIT_PROBLEMS, main
from codegen.compat import (
    Change,
    LockUnusable,
    classify,
    digest,
    lock_path_for,
    normal_forms,
    normalise,
    read_lock,
    render_lock,
)
from codegen.compat.findings import NARROWER, WIDER
from codegen.tree import read_tree

REPO = Path(__file__).resolve().parents[3]
SCHEMAS = REPO / "schemas"
FIXTURES = REPO / "tests" / "fixtures" / "compat"
PAIRS = FIXTURES / "pairs"
TREE = FIXTURES / "tree"

GPS = "device/sensor/gps/v1.json"
GPS_V2 = "device/sensor/gps/v2.json"
COMMON = "common/v1.json"

Document = dict[str, Any]


# --- the classifier, on fixture pairs -------------------------------------------------------------


def pair(case: str) -> Document:
    document: Document = json.loads((PAIRS / f"{case}.json").read_text("utf-8"))
    return document


def findings(case: str) -> list[str]:
    document = pair(case)
    return [str(delta) for delta in classify(normalise(document["old"]), normalise(document["new"]))]


def classes(case: str) -> set[Change]:
    document = pair(case)
    return {delta.change for delta in classify(normalise(document["old"]), normalise(document["new"]))}


@pytest.mark.parametrize("case", sorted(path.stem for path in PAIRS.glob("*.json")))
def test_pair(case: str) -> None:
    actual = findings(case)
    if os.environ.get("LOOM_UPDATE_GOLDEN") == "1":
        document = pair(case)
        document["expected"] = actual
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        (PAIRS / f"{case}.json").write_text(text, "utf-8")
    assert actual == pair(case)["expected"]


def test_documentation_and_spelling_are_no_change() -> None:
    assert findings("unchanged") == []


def test_additions_are_all_additions() -> None:
    assert classes("addition") == {Change.ADDITION}
    assert (
        "#/properties/battery: addition: new optional property 'battery': older clients do not send it, "
        "and readers ignore properties they do not know."
    ) in findings("addition")


def test_revisions_are_all_revisions_and_say_which_way() -> None:
    assert classes("revision") == {Change.REVISION}
    revised = findings("revision")
    assert f"#/properties/value/maximum: revision: maximum lowered from 100 to 80: {NARROWER}." in revised
    assert f"#/properties/value/minimum: revision: minimum lowered from 0 to -10: {WIDER}." in revised
    assert f"#/required: revision: 'unit' is now required: {NARROWER}." in revised


def test_breaking_changes_are_breaking() -> None:
    broken = findings("breaking")
    assert Change.BREAKING in classes("breaking")
    assert (
        "#/properties/value/type: breaking: type changed from number to string: "
        "no value valid before is valid now."
    ) in broken
    assert (
        "#/properties/reading: breaking: new required property 'reading': every reading older clients "
        "send lacks it and is refused."
    ) in broken
    assert any(line.startswith("#/properties/device_id: breaking: required property") for line in broken)


def test_every_finding_is_reported_not_just_the_first() -> None:
    assert classes("multiple_findings") == {Change.ADDITION, Change.REVISION, Change.BREAKING}
    assert len(findings("multiple_findings")) == 3


def test_a_change_of_identity_is_breaking() -> None:
    breaking = {
        line.split(": ")[0] for line in findings("x_loom_identity") if line.split(": ")[1] == "breaking"
    }
    assert breaking == {
        "#/x-loom/key",
        "#/x-loom/routes",
        "#/x-loom/topic/name",
        "#/x-loom/topic/cleanup_policy",
        "#/x-loom/owner",
    }


def test_a_keyword_without_a_rule_is_breaking_and_named() -> None:
    assert classes("unknown_keywords") == {Change.BREAKING}
    assert (
        "#/properties/note/anyOf: breaking: 'anyOf' added: the gate has no rule for this keyword, "
        "so any change to it counts as breaking."
    ) in findings("unknown_keywords")


# --- the normal form ------------------------------------------------------------------------------


def test_normalising_is_idempotent_on_every_real_schema() -> None:
    for path, form in normal_forms(read_tree(SCHEMAS)).items():
        assert normalise(form) == form, path


def test_documentation_is_dropped_but_a_property_named_like_it_is_kept() -> None:
    schema = {
        "description": "dropped",
        "examples": [{}],
        "properties": {"description": {"type": "string", "description": "dropped too"}},
    }
    assert normalise(schema) == {"properties": {"description": {"type": "string"}}}


def test_the_digest_does_not_depend_on_key_order() -> None:
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1})


# --- the lock -------------------------------------------------------------------------------------


def stale_entries(schema_root: Path) -> list[str]:
    lock = read_lock(lock_path_for(schema_root))
    current = normal_forms(read_tree(schema_root))
    return [
        path
        for path, entry in sorted(lock.released.items())
        if path not in current or digest(current[path]) != entry.sha256
    ]


def test_the_committed_lock_matches_the_schemas() -> None:
    """CI's guard: a released schema edited, or an addition not recorded, shows up here."""
    lock = read_lock(REPO / "schemas.lock.json")
    assert lock.exists
    assert {COMMON, GPS} <= lock.released.keys()
    assert stale_entries(SCHEMAS) == [], (
        "these released schemas differ from schemas.lock.json: run `python -m codegen check` to see how; "
        "record additions with `python -m codegen release`, put anything else in a new version"
    )


def test_the_committed_lock_is_written_as_release_writes_it() -> None:
    file = REPO / "schemas.lock.json"
    lock = read_lock(file)
    assert render_lock(lock.released, lock.unversioned) == file.read_text("utf-8")


def test_the_fixture_lock_matches_the_fixture_tree() -> None:
    assert stale_entries(TREE) == []
    assert set(read_lock(lock_path_for(TREE)).released) == {COMMON, GPS}


def test_the_lock_lives_beside_the_tree_named_after_it() -> None:
    assert lock_path_for(Path("schemas")) == Path("schemas.lock.json")
    assert lock_path_for(TREE) == FIXTURES / "tree.lock.json"


def test_an_absent_lock_releases_nothing(tmp_path: Path) -> None:
    lock = read_lock(tmp_path / "none.lock.json")
    assert not lock.exists
    assert lock.released == {}


def test_a_hand_edited_lock_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "tree.lock.json"
    document = json.loads(lock_path_for(TREE).read_text("utf-8"))
    document["released"][GPS]["schema"]["properties"]["latitude"]["maximum"] = 80
    file.write_text(json.dumps(document), "utf-8")
    with pytest.raises(LockUnusable) as error:
        read_lock(file)
    assert str(error.value) == (
        "1 problem(s) with the lock of released schemas:\n"
        "  tree.lock.json#/released/device~1sensor~1gps~1v1.json: the stored schema does not match "
        "its sha256: edited by hand? Restore it from git"
    )


# --- check and release on a copy of the fixture tree ----------------------------------------------


class Tree:
    """A writable copy of the fixture tree and its lock, with the CLI pointed at it."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = tmp_path / "tree"
        self.lock = tmp_path / "tree.lock.json"
        self.output = tmp_path / "generated"
        self.capsys = capsys
        shutil.copytree(TREE, self.root)
        shutil.copy(lock_path_for(TREE), self.lock)

    @property
    def shown(self) -> str:
        """The tree as the CLI names it in messages."""
        return self.root.as_posix()

    def edit(self, relative: str, change: Callable[[Document], None]) -> None:
        path = self.root / relative
        document: Document = json.loads(path.read_text("utf-8"))
        change(document)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2), "utf-8")

    def add(self, relative: str, document: Document) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2), "utf-8")

    def read(self, relative: str) -> Document:
        document: Document = json.loads((self.root / relative).read_text("utf-8"))
        return document

    def check(self) -> tuple[int, str, str]:
        """``check`` after a fresh ``generate``, so only the gate can fail it."""
        assert main(["generate", "--schemas", str(self.root), "--output", str(self.output)]) == 0
        self.capsys.readouterr()
        status = main(["check", "--schemas", str(self.root), "--output", str(self.output)])
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err

    def release(self, *paths: str) -> tuple[int, str, str]:
        status = main(["release", "--schemas", str(self.root), *paths])
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err


@pytest.fixture
def tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Tree:
    return Tree(tmp_path, capsys)


def lower_latitude_maximum(document: Document) -> None:
    document["properties"]["latitude"]["maximum"] = 80


def test_check_passes_on_the_released_tree(tree: Tree) -> None:
    status, out, err = tree.check()
    assert status == 0
    assert out.endswith("released schemas: 2 unchanged\n")
    assert err == ""


def test_a_breaking_edit_to_a_released_schema_fails_check_with_a_clear_message(tree: Tree) -> None:
    def edit(document: Document) -> None:
        lower_latitude_maximum(document)
        document["x-loom"]["topic"]["name"] = "device.sensor.location.raw"

    tree.edit(GPS, edit)
    status, out, err = tree.check()
    assert status == EXIT_INCOMPATIBLE == 3
    assert err == (
        "compatibility gate: 2 change(s) to released schemas are not additions:\n"
        f"  {tree.shown}/{GPS}#/properties/latitude/maximum: revision: maximum lowered from 90 to 80: "
        f"{NARROWER}.\n"
        f'  {tree.shown}/{GPS}#/x-loom/topic/name: breaking: name changed from "device.sensor.gps.raw" '
        'to "device.sensor.location.raw": consumers of the released topic stop receiving readings.\n'
        'Released schemas are immutable except for additions (schemas/README.md, "Compatibility"):\n'
        f"  {tree.shown}/{GPS}: revert the change, and add {tree.shown}/{GPS_V2}.\n"
    )
    assert out.endswith("released schemas: 1 unchanged\n")


def test_an_addition_passes_check_is_reported_and_release_records_it(tree: Tree) -> None:
    tree.edit(GPS, lambda d: d["properties"].update(bearing={"type": ["number", "null"]}))
    status, out, err = tree.check()
    assert status == 0
    assert err == ""
    assert out.endswith(
        f"{tree.shown}/{GPS}#/properties/bearing: addition: new optional property 'bearing': older clients "
        "do not send it, and readers ignore properties they do not know.\n"
        "released schemas: 1 unchanged, 1 with additions to record with `python -m codegen release`\n"
    )
    assert tree.release() == (0, f"{tree.shown}/{GPS}: additions recorded\nwrote {tree.lock}\n", "")
    assert tree.check()[1].endswith("released schemas: 2 unchanged\n")


def test_release_refuses_a_change_that_is_not_an_addition_and_writes_nothing(tree: Tree) -> None:
    before = tree.lock.read_bytes()
    tree.edit(GPS, lower_latitude_maximum)
    status, out, err = tree.release()
    assert status == EXIT_INCOMPATIBLE
    assert out == ""
    assert f"{GPS}#/properties/latitude/maximum: revision: maximum lowered from 90 to 80" in err
    assert err.endswith(f"nothing released: {tree.lock} is unchanged.\n")
    assert tree.lock.read_bytes() == before


def test_release_of_an_unchanged_tree_changes_nothing(tree: Tree) -> None:
    before = tree.lock.read_bytes()
    assert tree.release() == (
        0,
        f"{tree.lock}: nothing to release; every selected schema is recorded as it is\n",
        "",
    )
    assert tree.lock.read_bytes() == before


def new_version(tree: Tree) -> Document:
    document = tree.read(GPS)
    document["$id"] = document["$id"].replace("/v1.json", "/v2.json")
    document["properties"]["latitude"]["maximum"] = 80
    return document


def test_a_new_version_is_unreleased_and_free_to_change_until_released(tree: Tree) -> None:
    tree.add(GPS_V2, new_version(tree))
    status, out, _ = tree.check()
    assert status == 0
    assert (
        "released schemas: 2 unchanged\n"
        f"unreleased (free to change until `python -m codegen release`): {tree.shown}/{GPS_V2}\n"
    ) in out
    tree.edit(GPS_V2, lambda d: d["properties"]["latitude"].update(maximum=70))
    assert tree.check()[0] == 0
    status, out, err = tree.release(f"{tree.shown}/{GPS_V2}")
    assert (status, err) == (0, "")
    assert out.startswith(f"{tree.shown}/{GPS_V2}: released\nwrote {tree.lock}\n")
    lock = read_lock(tree.lock)
    assert set(lock.released) == {COMMON, GPS, GPS_V2}
    assert lock.released[GPS_V2].released_on is not None  # the day its predecessor became deprecated
    assert lock.released[GPS].released_on is None  # released before the lock recorded days
    assert lock.unversioned["/sensor/gps"].schema == GPS  # releasing v2 does not move the path
    assert "released schemas: 3 unchanged\n" in tree.check()[1]


def test_the_advice_points_at_an_unreleased_newer_version(tree: Tree) -> None:
    tree.add(GPS_V2, new_version(tree))
    tree.edit(GPS, lower_latitude_maximum)
    status, _, err = tree.check()
    assert status == EXIT_INCOMPATIBLE
    assert err.endswith(
        f"  {tree.shown}/{GPS}: revert the change, and make it in {tree.shown}/{GPS_V2}, "
        "which is not released yet.\n"
    )
    # Releasing the new version alone is allowed; the released v1 still fails the gate.
    assert tree.release(GPS_V2)[0] == 0
    assert tree.check()[0] == EXIT_INCOMPATIBLE


def test_a_change_to_shared_definitions_reaches_every_data_type_using_them(tree: Tree) -> None:
    tree.edit(COMMON, lambda d: d["$defs"]["trace_id"].update(maxLength=64))
    status, _, err = tree.check()
    assert status == EXIT_INCOMPATIBLE
    assert f"{tree.shown}/{COMMON}#/$defs/trace_id/maxLength: revision: maxLength lowered" in err
    assert f"{tree.shown}/{GPS}#/properties/trace_id/maxLength: revision: maxLength lowered" in err
    assert err.endswith(
        f"A change to shared definitions ({COMMON}) reaches every data type that refers to them: "
        "reverting it there clears them all.\n"
    )


def test_removing_a_released_schema_is_breaking(tree: Tree) -> None:
    tree.add(GPS_V2, new_version(tree))
    (tree.root / GPS).unlink()
    status, _, err = tree.check()
    assert status == EXIT_INCOMPATIBLE
    assert (
        f"  {tree.shown}/{GPS}: breaking: a released schema was removed: "
        "clients and consumers still use it.\n"
    ) in err
    assert (
        f"  {tree.shown}/{GPS}: restore it: a released schema stays while clients and consumers use it.\n"
        in err
    )


def test_check_refuses_a_hand_edited_lock(tree: Tree) -> None:
    document = json.loads(tree.lock.read_text("utf-8"))
    document["released"][COMMON]["sha256"] = "0" * 64
    tree.lock.write_text(json.dumps(document), "utf-8")
    status = main(["check", "--schemas", str(tree.root), "--output", str(tree.output)])
    err = tree.capsys.readouterr().err
    assert status == EXIT_PROBLEMS
    assert "common~1v1.json: the stored schema does not match its sha256" in err


def test_release_names_files_that_are_not_in_the_tree(tree: Tree) -> None:
    status, _, err = tree.release("device/sensor/nothing/v1.json")
    assert status == EXIT_PROBLEMS
    assert err == f"not schema files in {tree.root}: device/sensor/nothing/v1.json\n"


def test_check_takes_the_lock_from_an_option(tree: Tree, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.lock.json"
    tree.lock.rename(elsewhere)
    tree.edit(GPS, lower_latitude_maximum)
    assert tree.check()[0] == 0, "without its lock nothing is released"
    arguments = ["--schemas", str(tree.root), "--output", str(tree.output), "--lock", str(elsewhere)]
    assert main(["check", *arguments]) == EXIT_INCOMPATIBLE


def test_other_commands_take_no_paths(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", GPS])
    assert exit_.value.code == 2
    assert "check takes no paths" in capsys.readouterr().err


# --- tightening a format: a revision, released in place only when asked --------------------------


def check_date_times(document: Document) -> None:
    document["$defs"]["date_time"]["format"] = "loom-date-time"


def test_tightening_a_format_is_a_revision_not_an_addition(tree: Tree) -> None:
    tree.edit(COMMON, check_date_times)
    status, _, err = tree.check()
    assert status == EXIT_INCOMPATIBLE
    assert (
        f'{tree.shown}/{COMMON}#/$defs/date_time/format: revision: format "loom-date-time" added: {NARROWER}.'
        in err
    )
    assert (
        f'{tree.shown}/{GPS}#/properties/recorded_at/format: revision: format "loom-date-time" added' in err
    )
    assert "`python -m codegen release --revision` records them in place" in err
    before = tree.lock.read_bytes()
    assert tree.release()[0] == EXIT_INCOMPATIBLE
    assert tree.lock.read_bytes() == before


def test_release_revision_records_the_next_revision_in_the_lock(tree: Tree) -> None:
    tree.edit(COMMON, check_date_times)
    status, out, err = main_release(tree, "--revision")
    assert (status, err) == (0, "")
    assert out == (
        f"{tree.shown}/{COMMON}: revision recorded: 1-1 (was 1-0)\n"
        f"{tree.shown}/{GPS}: revision recorded: 1-1 (was 1-0)\n"
        f"wrote {tree.lock}\n"
    )
    lock = read_lock(tree.lock)
    assert {path: entry.revision for path, entry in lock.released.items()} == {COMMON: 1, GPS: 1}
    assert json.loads(tree.lock.read_text("utf-8"))["released"][GPS]["revision"] == 1
    assert tree.check()[0] == 0
    # A second revision counts on; an addition keeps the revision it has.
    tree.edit(GPS, lower_latitude_maximum)
    assert (
        main_release(tree, "--revision")[1]
        == f"{tree.shown}/{GPS}: revision recorded: 1-2 (was 1-1)\nwrote {tree.lock}\n"
    )
    tree.edit(GPS, lambda d: d["properties"].update(bearing={"type": ["number", "null"]}))
    assert tree.release()[0] == 0
    assert read_lock(tree.lock).released[GPS].revision == 2


def test_release_revision_still_refuses_a_breaking_change(tree: Tree) -> None:
    before = tree.lock.read_bytes()
    tree.edit(COMMON, check_date_times)
    tree.edit(GPS, lambda d: d["x-loom"]["topic"].update(name="device.sensor.location.raw"))
    status, out, err = main_release(tree, "--revision")
    assert (status, out) == (EXIT_INCOMPATIBLE, "")
    assert "breaking: name changed" in err
    assert "revision:" not in err
    assert tree.lock.read_bytes() == before


def test_a_lock_with_a_bad_revision_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "schemas.lock.json"
    document = json.loads((FIXTURES / "tree.lock.json").read_text("utf-8"))
    document["released"][GPS]["revision"] = -1
    lock.write_text(json.dumps(document), "utf-8")
    with pytest.raises(LockUnusable, match="revision: must be a whole number, 0 or more"):
        read_lock(lock)


def test_check_takes_no_revision_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--revision"])
    assert "takes no paths and no --revision" in capsys.readouterr().err


def main_release(tree: Tree, *arguments: str) -> tuple[int, str, str]:
    status = main(["release", "--schemas", str(tree.root), *arguments])
    captured = tree.capsys.readouterr()
    return status, captured.out, captured.err


def promote(tree: Tree, *arguments: str) -> tuple[int, str, str]:
    status = main(["promote", *arguments, "--schemas", str(tree.root), "--output", str(tree.output)])
    captured = tree.capsys.readouterr()
    return status, captured.out, captured.err


def unversioned_gps_route(tree: Tree) -> str:
    routes = next(tree.output.rglob("routes.py")).read_text("utf-8")
    [line] = [line for line in routes.splitlines() if line.strip().startswith('Route("/sensor/gps"')]
    return line.strip()


def test_a_new_version_leaves_the_unversioned_path_where_the_lock_pins_it(tree: Tree) -> None:
    tree.add(GPS_V2, new_version(tree))
    status, out, _ = tree.check()
    assert status == 0
    assert unversioned_gps_route(tree) == 'Route("/sensor/gps", DEVICE_SENSOR_GPS_V1),'
    assert (
        "device.sensor.gps v2, writers: existing clients keep posting to /sensor/gps, which stays on v1 "
        "until `python -m codegen promote device.sensor.gps 2`; the gate refuses to promote, as some v1 "
        "bodies are invalid under v2 (#/properties/latitude/maximum: the reader requires maximum 80, "
        "the writer maximum 90, minimum -90).\n"
    ) in out


def test_promote_is_refused_while_old_bodies_would_be_refused_unless_forced_with_a_reason(tree: Tree) -> None:
    tree.add(GPS_V2, new_version(tree))
    before = tree.lock.read_bytes()
    status, _, err = promote(tree, "device.sensor.gps", "2")
    assert status == EXIT_INCOMPATIBLE
    assert err.startswith(
        "/sensor/gps: not promoted: some v1 bodies are invalid under v2: #/properties/latitude"
    )
    assert tree.lock.read_bytes() == before

    status, out, _ = promote(tree, "device.sensor.gps", "2", "--force", "no client sends latitude above 80")
    assert status == 0
    assert "/sensor/gps: promoted from v1 to v2 (forced: no client sends latitude above 80)\n" in out
    pin = read_lock(tree.lock).unversioned["/sensor/gps"]
    assert (pin.schema, pin.forced) == (GPS_V2, "no client sends latitude above 80")
    assert unversioned_gps_route(tree) == 'Route("/sensor/gps", DEVICE_SENSOR_GPS_V2),'


def test_promote_to_a_version_that_takes_every_old_body_needs_no_force(tree: Tree) -> None:
    widened = tree.read(GPS)
    widened["$id"] = widened["$id"].replace("/v1.json", "/v2.json")
    widened["properties"]["bearing"] = {"type": ["number", "null"]}
    tree.add(GPS_V2, widened)
    status, out, _ = tree.check()
    assert "device.sensor.gps v2, rollout order: consumers first: deploy consumers with a v2 handler" in out
    status, out, _ = promote(tree, "device.sensor.gps", "2")
    assert status == 0
    assert "/sensor/gps: promoted from v1 to v2\n" in out
    assert read_lock(tree.lock).unversioned["/sensor/gps"].forced is None
    assert unversioned_gps_route(tree) == 'Route("/sensor/gps", DEVICE_SENSOR_GPS_V2),'
    assert not [
        line for line in out.splitlines() if line.startswith("device.sensor.gps v2,")
    ]  # not new any more
