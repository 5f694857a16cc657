"""Generating into a scratch directory, then writing it out or comparing it."""

from __future__ import annotations

import difflib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from codegen.compat.lock import Lock, lock_path_for, read_lock
from codegen.errors import CodegenError, LintFailed
from codegen.lint import lint
from codegen.render.package import render_package
from codegen.spec import build_specs
from codegen.tree import SchemaTree, read_tree

__all__ = ["DEFAULT_PACKAGE", "generate_into", "read_linted_tree", "stale_diff", "write_generated"]

DEFAULT_PACKAGE = "loom_catalog"


def read_linted_tree(schema_root: Path) -> SchemaTree:
    """The tree at ``schema_root``; LintFailed, with every problem, unless lint finds none."""
    if not schema_root.is_dir():
        raise CodegenError(f"no schema tree at {schema_root}")
    tree = read_tree(schema_root)
    problems = lint(tree)
    if problems:
        raise LintFailed(problems)
    return tree


def generate_into(
    schema_root: Path, output: Path, package: str = DEFAULT_PACKAGE, lock_file: Path | None = None
) -> None:
    """Lint the tree and render it into the empty directory ``output``. The lock (default: beside
    the tree) says which version each unversioned path serves and when versions were released."""
    tree = read_linted_tree(schema_root)
    render_package(schema_root, build_specs(tree), output, package, _lock(schema_root, lock_file))


def _lock(schema_root: Path, lock_file: Path | None) -> Lock:
    return read_lock(lock_file or lock_path_for(schema_root))


def write_generated(
    schema_root: Path, target: Path, package: str = DEFAULT_PACKAGE, lock_file: Path | None = None
) -> None:
    """Replace ``target`` with fresh output; nothing is written unless generation succeeds."""
    with tempfile.TemporaryDirectory(prefix="loom-codegen-") as scratch:
        fresh = Path(scratch) / "out"
        fresh.mkdir()
        generate_into(schema_root, fresh, package, lock_file)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target)


def stale_diff(
    schema_root: Path, target: Path, package: str = DEFAULT_PACKAGE, lock_file: Path | None = None
) -> str:
    """A unified diff from ``target`` to what generation would write; empty when up to date."""
    with tempfile.TemporaryDirectory(prefix="loom-codegen-") as scratch:
        fresh = Path(scratch) / "out"
        fresh.mkdir()
        generate_into(schema_root, fresh, package, lock_file)
        return "".join(_diff_trees(target, fresh))


def _diff_trees(old_root: Path, new_root: Path) -> Iterator[str]:
    old = _files(old_root)
    new = _files(new_root)
    for relative in sorted(old.keys() | new.keys()):
        before = old[relative].read_text("utf-8").splitlines(keepends=True) if relative in old else []
        after = new[relative].read_text("utf-8").splitlines(keepends=True) if relative in new else []
        if before == after and (relative in old) == (relative in new):
            continue
        if not before and not after:  # an empty file on one side only
            side = "a" if relative in old else "b"
            yield f"Only in {side}: {relative} (empty file)\n"
        else:
            yield from difflib.unified_diff(
                before,
                after,
                fromfile=f"a/{relative}" if relative in old else "/dev/null",
                tofile=f"b/{relative}" if relative in new else "/dev/null",
            )


def _files(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
