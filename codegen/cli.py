"""``python -m codegen generate|check|release|promote``.

generate  lint schemas/ and write generated/ from it.
check     fail when generated/ is stale, and run the compatibility gate: every released schema
          (those in the lock beside the tree, schemas.lock.json) is compared with the tree and
          may have changed by additions only (schemas/README.md, "Compatibility").
release   record schemas in the lock as released: new files, and additions to released ones.
          Refused, and nothing written, when a selected schema changed by more than additions.
          With --revision, revisions are recorded in place as the file's next revision
          (SchemaVer MODEL-REVISION); breaking changes are still refused. Also records which
          version each unversioned path serves, where the lock does not say yet.
promote   NAME VERSION: move the unversioned paths of data type NAME (device.sensor.gps) to
          VERSION, in the lock, and regenerate. Refused while some body valid under the version
          they serve now is invalid under VERSION, unless --force gives a reason (kept in the lock).

check, release and promote print the rollout order of every version newer than the one its
unversioned paths serve: whether existing writers and readers are affected, and what to deploy
first (schemas/README.md, "Evolving a data type").

Exit status: 0 success; 1 generated/ is stale; 2 the tree has lint problems or the lock is
unusable; 3 a released schema changed by more than additions (revision or breaking); 4 the
[codegen] extra is not installed (codegen/__main__.py says so before importing this module).
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from pathlib import Path

from codegen.compat import gate, lock_path_for, plan_release, read_lock, render_lock
from codegen.compat.lock import Lock, Pin
from codegen.compat.report import describe_failures, describe_gate, describe_release
from codegen.compat.rollout import promote_verdict, rollout_sentences
from codegen.errors import CodegenError
from codegen.generate import DEFAULT_PACKAGE, read_linted_tree, stale_diff, write_generated
from codegen.pins import default_pins, serving
from codegen.spec import DataTypeSpec, build_specs
from codegen.tree import read_tree

__all__ = ["EXIT_INCOMPATIBLE", "EXIT_PROBLEMS", "EXIT_STALE", "main"]

EXIT_STALE = 1
EXIT_PROBLEMS = 2
EXIT_INCOMPATIBLE = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codegen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("generate", "check", "release", "promote"))
    parser.add_argument(
        "paths",
        nargs="*",
        help="release: schema files to release, relative to the tree (default: every one); "
        "promote: the data type and the version (device.sensor.gps 2)",
    )
    parser.add_argument(
        "--schemas", type=Path, default=Path("schemas"), help="schema tree (default: schemas)"
    )
    parser.add_argument(
        "--output", type=Path, default=Path("generated"), help="output directory (default: generated)"
    )
    parser.add_argument(
        "--package", default=DEFAULT_PACKAGE, help=f"generated package name (default: {DEFAULT_PACKAGE})"
    )
    parser.add_argument(
        "--lock",
        type=Path,
        default=None,
        help="lock of released schemas (default: beside the tree, named after it: schemas.lock.json)",
    )
    parser.add_argument(
        "--revision",
        action="store_true",
        help="release only: also record revisions, in place, as each file's next revision "
        '(schemas/README.md, "Compatibility")',
    )
    parser.add_argument(
        "--force",
        metavar="REASON",
        default=None,
        help="promote only: promote although some bodies are refused now; the reason is kept in the lock",
    )
    arguments = parser.parse_intermixed_args(argv)
    if arguments.command == "promote":
        if len(arguments.paths) != 2 or not arguments.paths[1].isdigit() or arguments.revision:
            parser.error("usage: python -m codegen promote NAME VERSION [--force REASON]")
    elif (arguments.paths or arguments.revision) and arguments.command != "release":
        parser.error(f"{arguments.command} takes no paths and no --revision")
    if arguments.force is not None and (arguments.command != "promote" or not arguments.force.strip()):
        parser.error("--force REASON is for promote, with a reason")
    lock_file = arguments.lock or lock_path_for(arguments.schemas)
    try:
        if arguments.command == "generate":
            write_generated(arguments.schemas, arguments.output, arguments.package, lock_file)
            print(f"wrote {arguments.output}/ from {arguments.schemas}/")
            return 0
        if arguments.command == "promote":
            name, version = arguments.paths[0], int(arguments.paths[1])
            return _promote(
                arguments.schemas,
                arguments.output,
                arguments.package,
                lock_file,
                name,
                version,
                arguments.force,
            )
        if arguments.command == "release":
            return _release(arguments.schemas, lock_file, arguments.paths, revision=arguments.revision)
        return _check(arguments.schemas, arguments.output, arguments.package, lock_file)
    except CodegenError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS


def _check(schemas: Path, output: Path, package: str, lock_file: Path) -> int:
    diff = stale_diff(schemas, output, package, lock_file)  # lints the tree first
    lock = read_lock(lock_file)
    tree = read_tree(schemas)
    report = gate(tree, lock)
    root = schemas.as_posix()
    if diff:
        sys.stdout.write(diff)
        stale = f"{output} is stale: run `python -m codegen generate` and commit the result."
        print(f"\n{stale}", file=sys.stderr)
    else:
        print(f"{output} is up to date with {schemas}")
    sys.stdout.write(describe_gate(report, lock, root))
    _print_rollout(build_specs(tree), lock)
    sys.stderr.write(describe_failures(report.failures, report, root))
    if report.failures:
        return EXIT_INCOMPATIBLE
    return EXIT_STALE if diff else 0


def _release(schemas: Path, lock_file: Path, paths: Sequence[str], *, revision: bool = False) -> int:
    tree = read_linted_tree(schemas)
    lock = read_lock(lock_file)
    report = gate(tree, lock)
    selected = [_relative(schemas, path) for path in paths] if paths else None
    unknown = sorted(set(selected or ()) - report.current.keys())
    if unknown:
        raise CodegenError(f"not schema files in {schemas}: {', '.join(unknown)}")
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    plan = plan_release(report, selected, revision=revision, today=today)
    root = schemas.as_posix()
    if plan.refused:
        sys.stderr.write(describe_failures(plan.refused, report, root))
        print(f"nothing released: {lock_file} is unchanged.", file=sys.stderr)
        return EXIT_INCOMPATIBLE
    specs = build_specs(tree)
    pins = default_pins(specs, lock.unversioned, plan.released.keys())
    if plan.recorded or pins != lock.unversioned:
        lock_file.write_text(render_lock(plan.released, pins), "utf-8")
    sys.stdout.write(describe_release(plan, lock, root))
    for path in sorted(pins.keys() - lock.unversioned.keys()):
        print(f"{path}: recorded as served by {root}/{pins[path].schema}")
    _print_rollout(specs, Lock(lock_file, plan.released, True, pins))
    return 0


def _promote(
    schemas: Path, output: Path, package: str, lock_file: Path, name: str, version: int, force: str | None
) -> int:
    tree = read_linted_tree(schemas)
    lock = read_lock(lock_file)
    specs = build_specs(tree)
    target = next((spec for spec in specs if spec.name == name and spec.version == version), None)
    if target is None:
        known = ", ".join(f"v{spec.version}" for spec in specs if spec.name == name) or "no version"
        raise CodegenError(f"{name} has no v{version} in {schemas} (it has {known})")
    served = serving(specs, lock.unversioned, lock.released.keys())
    declared = (
        set(target.routes) | set(target.streams) | ({target.dispatch.route} if target.dispatch else set())
    )
    moving = {
        path: spec
        for path, spec in served.items()
        if spec.name == name and spec.version != version and path in declared
    }
    if not moving:
        print(f"nothing to promote: every unversioned path of {name} that v{version} declares is on it")
        return 0
    refusals = {path: promote_verdict(spec, target) for path, spec in sorted(moving.items())}
    refused = {path: why for path, why in refusals.items() if why is not None}
    if refused and force is None:
        for path, why in refused.items():
            was = moving[path].version
            print(
                f"{path}: not promoted: some v{was} bodies are invalid under v{version}: {why}",
                file=sys.stderr,
            )
        print(
            f"nothing promoted: {lock_file} is unchanged. Existing clients posting those bodies would "
            "get 422: keep the path where it is, or promote with --force REASON.",
            file=sys.stderr,
        )
        return EXIT_INCOMPATIBLE
    pins = default_pins(specs, lock.unversioned, lock.released.keys())
    for path in moving:
        pins[path] = Pin(str(target.path), force if path in refused else None)
    lock_file.write_text(render_lock(lock.released, pins), "utf-8")
    for path, spec in sorted(moving.items()):
        forced = f" (forced: {force})" if path in refused else ""
        print(f"{path}: promoted from v{spec.version} to v{version}{forced}")
    write_generated(schemas, output, package, lock_file)
    print(f"wrote {lock_file} and {output}/")
    _print_rollout(specs, read_lock(lock_file))
    return 0


def _print_rollout(specs: list[DataTypeSpec], lock: Lock) -> None:
    for sentence in rollout_sentences(specs, lock):
        print(sentence)


def _relative(schemas: Path, path: str) -> str:
    """``schemas/device/x/v1.json`` or ``device/x/v1.json`` → ``device/x/v1.json``."""
    candidate = Path(path)
    try:
        return candidate.resolve().relative_to(schemas.resolve()).as_posix()
    except ValueError:
        return candidate.as_posix()
