"""codegen/_extra.py and codegen/__main__.py: without the [codegen] extra, ``python -m codegen`` says
which install command it needs, in one sentence, instead of a ModuleNotFoundError traceback.

Each case runs ``python -m codegen check`` in a subprocess whose sitecustomize marks modules as absent
(``sys.modules[name] = None``: what an uninstalled package looks like to ``import`` and ``find_spec``;
CPython's own tests block modules the same way)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from codegen._extra import EXIT_NOT_INSTALLED, EXTRA_MODULES

ROOT = Path(__file__).resolve().parents[3]
INSTALL = "pip install 'loom-gateway[codegen]'"


def run_codegen_without(blocked: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in blocked), "utf-8"
    )
    return subprocess.run(
        [sys.executable, "-m", "codegen", "check"],
        cwd=ROOT,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "blocked",
    [
        *([name] for name in EXTRA_MODULES),
        ["rpds"],  # a dependency of referencing: found only when codegen's modules import it
        list(EXTRA_MODULES),
    ],
    ids=[*EXTRA_MODULES, "a-dependency-of-the-extra", "the-whole-extra"],
)
def test_a_missing_extra_is_one_sentence_naming_the_install_command(
    blocked: list[str], tmp_path: Path
) -> None:
    completed = run_codegen_without(blocked, tmp_path)

    assert completed.returncode == EXIT_NOT_INSTALLED, completed.stderr
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert INSTALL in completed.stderr
    assert f"no module {blocked[0]}" in completed.stderr


def test_with_the_extra_the_same_command_runs(tmp_path: Path) -> None:
    completed = run_codegen_without([], tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert "is up to date with schemas" in completed.stdout


def test_the_checked_modules_are_the_extra_in_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    requirements = pyproject["project"]["optional-dependencies"]["codegen"]
    distributions = [re.split(r"[<>=!~\[;\s]", requirement, maxsplit=1)[0] for requirement in requirements]

    assert [name.lower().replace("-", "_") for name in distributions] == list(EXTRA_MODULES)
