"""What ``python -m codegen`` needs beyond the gateway itself: the ``[codegen]`` extra. Checked before any
of codegen's modules is imported, so that a missing extra is one sentence, not a ModuleNotFoundError
traceback from deep inside the pipeline."""

from __future__ import annotations

import importlib.util

__all__ = ["EXIT_NOT_INSTALLED", "EXTRA_MODULES", "INSTALL", "missing_extra_sentence"]

EXIT_NOT_INSTALLED = 4
"""Exit status of ``python -m codegen`` when the extra is missing (1-3 are codegen.cli's)."""

INSTALL = "pip install 'loom-gateway[codegen]'"

EXTRA_MODULES = ("datamodel_code_generator", "jinja2", "jsonschema", "referencing", "ruff")
"""The import names of pyproject.toml's ``codegen`` extra, in its order (a test keeps them in step)."""


def missing_extra_sentence(missing: list[str] | None = None) -> str | None:
    """The sentence to print when a module of the extra cannot be imported (or is in ``missing``);
    None when all are there."""
    absent = missing or [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if not absent:
        return None
    return (
        f"python -m codegen needs the [codegen] extra, which is not installed here (no module"
        f" {', '.join(absent)}): run {INSTALL} (in a checkout: pip install -c constraints.txt"
        " -e '.[codegen]', the versions the project is tested with)."
    )
