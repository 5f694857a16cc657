"""The generated package: models, catalog, route table, bundled schemas and a README."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2

from codegen.compat.lock import Lock
from codegen.formats import CHECKED_FORMATS, FORMAT_CHECKS_SOURCE, used_formats
from codegen.pins import serving
from codegen.render import guide
from codegen.render.avro import render_avro
from codegen.render.header import PYTHON_HEADER, TEXT_NOTICE
from codegen.render.models import model_class_names, render_models
from codegen.render.openapi import OPENAPI_FILE, render_openapi
from codegen.served import served_dispatches, served_routes, served_streams
from codegen.spec import DataTypeSpec
from codegen.versions import Successor, reads, successors

__all__ = ["render_package"]

_DAY_MS = 24 * 60 * 60 * 1000


def render_package(
    schema_root: Path, specs: list[DataTypeSpec], output: Path, package: str, lock: Lock
) -> None:
    """Write ``output/README.md`` and the package ``output/<package>/`` (``output`` is empty)."""
    package_dir = output / package
    models_dir = package_dir / "models"
    format_types = render_models(schema_root, models_dir, package)
    classes = model_class_names(models_dir, specs)
    avro_ids = render_avro(specs, package_dir / "avro")
    served = serving(specs, lock.unversioned, lock.released.keys())
    later = successors(specs, lock.released)
    routes = [
        (route.path, route.spec.constant, _successor(route.spec.constant, route.declared, later))
        for route in served_routes(specs, served)
    ]
    streams = [(stream.path, stream.spec.constant) for stream in served_streams(specs, served)]
    dispatching = [spec for spec in specs if spec.dispatch is not None]
    referenced = (
        {route[1] for route in routes}
        | {constant for _, constant in streams}
        | {
            constant
            for spec in dispatching
            if spec.dispatch is not None
            for constant in (spec.constant, *(target for _, target in spec.dispatch.targets))
        }
    )
    context: dict[str, Any] = {
        "header": PYTHON_HEADER,
        "notice": TEXT_NOTICE,
        "package": package,
        "specs": specs,
        "classes": classes,
        "routes": routes,
        "streams": streams,
        "dispatching": dispatching,
        "dispatch_routes": served_dispatches(specs, served),
        "reads": reads(specs),
        "unversioned": {path: spec.constant for path, spec in served.items()},
        "route_constants": sorted(referenced),
        "readings": [spec for spec in specs if spec.kind == "reading"],
        "registry": next((spec for spec in specs if spec.kind == "device-registry"), None),
        "specs_by_constant": {spec.constant: spec for spec in specs},
        "avro_ids": avro_ids,
        "format_types": format_types,
        "formats": [CHECKED_FORMATS[name] for name in used_formats(spec.bundled for spec in specs)],
    }
    environment = _environment()
    for template, target in (
        ("package_init.py.jinja", package_dir / "__init__.py"),
        ("catalog.py.jinja", package_dir / "catalog.py"),
        ("formats.py.jinja", package_dir / "formats.py"),
        ("routes.py.jinja", package_dir / "routes.py"),
        ("README.md.jinja", output / "README.md"),
        ("integration-guide.md.jinja", output / "INTEGRATION.md"),
    ):
        target.write_text(environment.get_template(template).render(context), "utf-8")
    (package_dir / "py.typed").write_text("", "utf-8")
    (package_dir / "format_checks.py").write_text(
        _with_header(FORMAT_CHECKS_SOURCE.read_text("utf-8")), "utf-8"
    )
    render_openapi(specs, package_dir / OPENAPI_FILE, served)
    schemas_dir = package_dir / "schemas"
    schemas_dir.mkdir()
    for spec in specs:
        document = {"$comment": TEXT_NOTICE, **spec.bundled}
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        (schemas_dir / spec.bundled_file).write_text(text, "utf-8")
    _format(package_dir)


def _successor(constant: str, declared: str, later: dict[str, Successor]) -> tuple[str | None, int] | None:
    """(the successor's path, its release date) for a route whose data type has a released successor."""
    successor = later.get(constant)
    return None if successor is None else (successor.path(declared), successor.since)


def _with_header(source: str) -> str:
    """A module copied from codegen, marked as generated."""
    return f"{PYTHON_HEADER}\n{source}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("codegen", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    environment.filters["pyrepr"] = repr
    # Derived from the constant, so as unique as it (lint guarantees that).
    environment.filters["model_alias"] = lambda constant: f"_{constant}_MODEL"
    environment.filters["code"] = lambda text: f"`{text}`"
    environment.filters["days"] = lambda ms: f"{ms / _DAY_MS:g} d"
    for name, function in guide.FILTERS.items():
        environment.filters[name] = function
    return environment


def _format(package_dir: Path) -> None:
    """One formatter over everything, with no project config, so output never depends on where it lands."""
    ruff = [sys.executable, "-m", "ruff"]
    for arguments in (
        ["check", "--isolated", "--fix", "--select", "I,F401", "--quiet", "--exit-zero"],
        ["format", "--isolated", "--quiet"],
    ):
        subprocess.run([*ruff, *arguments, str(package_dir)], check=True)
