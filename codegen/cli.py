"""``python -m codegen generate|check|release``.

generate  lint schemas/ and write generated/ from it.
check     fail when generated/ is stale, and run the compatibility gate: every released schema
          (those in the lock beside the tree, schemas.lock.json) is compared with the tree and
          may have changed by additions only (schemas/README.md, "Compatibility").
release   record schemas in the lock as released: new files, and additions to released ones.
          Refused, and nothing written, when a selected schema changed by more than additions.
          With --revision, revisions are recorded in place as the file's next revision
          (SchemaVer MODEL-REVISION); breaking changes are still refused.

Exit status: 0 success; 1 generated/ is stale; 2 the tree has lint problems or the lock is
unusable; 3 a released schema changed by more than additions (revision or breaking); 4 the
[codegen] extra is not installed (codegen/__main__.py says so before importing this module).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from codegen.compat import gate, lock_path_for, plan_release, read_lock, render_lock
from codegen.compat.report import describe_failures, describe_gate, describe_release
from codegen.errors import CodegenError
from codegen.generate import DEFAULT_PACKAGE, read_linted_tree, stale_diff, write_generated
from codegen.tree import read_tree

__all__ = ["EXIT_INCOMPATIBLE", "EXIT_PROBLEMS", "EXIT_STALE", "main"]

EXIT_STALE = 1
EXIT_PROBLEMS = 2
EXIT_INCOMPATIBLE = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codegen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("generate", "check", "release"))
    parser.add_argument(
        "paths",
        nargs="*",
        help="release only: schema files to release, relative to the tree (default: every one)",
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
    arguments = parser.parse_intermixed_args(argv)
    if (arguments.paths or arguments.revision) and arguments.command != "release":
        parser.error(f"{arguments.command} takes no paths and no --revision")
    lock_file = arguments.lock or lock_path_for(arguments.schemas)
    try:
        if arguments.command == "generate":
            write_generated(arguments.schemas, arguments.output, arguments.package)
            print(f"generated {arguments.output} from {arguments.schemas}")
            return 0
        if arguments.command == "release":
            return _release(arguments.schemas, lock_file, arguments.paths, revision=arguments.revision)
        return _check(arguments.schemas, arguments.output, arguments.package, lock_file)
    except CodegenError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS


def _check(schemas: Path, output: Path, package: str, lock_file: Path) -> int:
    diff = stale_diff(schemas, output, package)  # lints the tree first
    lock = read_lock(lock_file)
    report = gate(read_tree(schemas), lock)
    root = schemas.as_posix()
    if diff:
        sys.stdout.write(diff)
        stale = f"{output} is stale: run `python -m codegen generate` and commit the result."
        print(f"\n{stale}", file=sys.stderr)
    else:
        print(f"{output} is up to date with {schemas}")
    sys.stdout.write(describe_gate(report, lock, root))
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
    plan = plan_release(report, selected, revision=revision)
    root = schemas.as_posix()
    if plan.refused:
        sys.stderr.write(describe_failures(plan.refused, report, root))
        print(f"nothing released: {lock_file} is unchanged.", file=sys.stderr)
        return EXIT_INCOMPATIBLE
    if plan.recorded:
        lock_file.write_text(render_lock(plan.released), "utf-8")
    sys.stdout.write(describe_release(plan, lock, root))
    return 0


def _relative(schemas: Path, path: str) -> str:
    """``schemas/device/x/v1.json`` or ``device/x/v1.json`` → ``device/x/v1.json``."""
    candidate = Path(path)
    try:
        return candidate.resolve().relative_to(schemas.resolve()).as_posix()
    except ValueError:
        return candidate.as_posix()
