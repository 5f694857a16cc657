"""Pydantic v2 models, written by datamodel-code-generator run in-process."""

from __future__ import annotations

import ast
import json
import tempfile
from pathlib import Path

from datamodel_code_generator import (
    DataModelType,
    InputFileType,
    PythonVersion,
    TargetPydanticVersion,
    generate,
)

from codegen import naming
from codegen.errors import CodegenError
from codegen.formats import FormatType, format_types
from codegen.render.header import PYTHON_HEADER
from codegen.spec import DataTypeSpec

__all__ = ["model_class_names", "render_models"]


def render_models(schema_root: Path, output: Path, package: str) -> tuple[FormatType, ...]:
    """Write one module per schema file under ``output`` (which must not exist yet); the types of
    ``<package>.formats`` the models use for checked formats (codegen.formats), to be rendered."""
    documents = {
        path.relative_to(schema_root): json.loads(path.read_text("utf-8"))
        for path in sorted(schema_root.rglob("*.json"))
    }
    typed = format_types(documents, package)
    # datamodel-code-generator reads every file in a directory (a README as YAML, too):
    # hand it the schema files alone.
    with tempfile.TemporaryDirectory(prefix="loom-schemas-") as scratch:
        for relative, document in typed.documents.items():
            copy = Path(scratch, relative)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        try:
            _generate(Path(scratch), output)
        except Exception as error:  # the generator's own errors have no common root
            raise CodegenError(f"datamodel-code-generator failed: {error}") from error
    return typed.types


def _generate(schema_root: Path, output: Path) -> None:
    generate(
        schema_root,
        input_file_type=InputFileType.JsonSchema,
        schema_version="2020-12",
        output=output,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        use_annotated=True,
        field_constraints=True,
        strict_nullable=True,
        use_standard_collections=True,
        use_union_operator=True,
        disable_timestamp=True,
        # Shared definitions (common/v1.json) become type aliases that every model refers to,
        # rather than being copied into each model (collapsed) or wrapped in RootModels.
        collapse_root_models=False,
        use_type_alias=True,
        use_title_as_name=True,
        # An optional field may be absent, not null (unless its schema admits null):
        # MISSING, unlike None, keeps that distinction in the model.
        use_missing_sentinel=True,
        target_pydantic_version=TargetPydanticVersion("2.14"),
        custom_file_header=PYTHON_HEADER,
        # Formatting happens once, over the whole package, in codegen.render.package.
        formatters=[],
    )


def model_class_names(models_root: Path, specs: list[DataTypeSpec]) -> dict[str, str]:
    """Which generated class is each data type's model (by constant name)?

    datamodel-code-generator names the model after the schema's title, matched here ignoring
    case and punctuation ("GPS reading" finds ``GPSReading``). When another class took that
    name first (an enum from a property, say), the model gets a suffix (``StateModel``,
    ``State1``); only ``BaseModel`` subclasses are candidates.
    """
    found = {}
    for spec in specs:
        module_file = models_root.joinpath(*spec.module.split(".")).with_suffix(".py")
        models = [
            node.name
            for node in ast.parse(module_file.read_text("utf-8")).body
            if isinstance(node, ast.ClassDef) and _is_base_model(node)
        ]
        wanted = naming.normalise_class_name(spec.title)
        matches = [name for name in models if naming.normalise_class_name(name) == wanted]
        if not matches:
            matches = [name for name in models if _is_renamed(naming.normalise_class_name(name), wanted)]
        if len(matches) != 1:
            raise CodegenError(
                f"{spec.path}: expected one model class named after the title {spec.title!r} "
                f"in {module_file.name}, found {matches or models}"
            )
        found[spec.constant] = matches[0]
    return found


def _is_base_model(node: ast.ClassDef) -> bool:
    return any(isinstance(base, ast.Name) and base.id == "BaseModel" for base in node.bases)


def _is_renamed(name: str, wanted: str) -> bool:
    suffix = name.removeprefix(wanted)
    return name != suffix and (suffix == "model" or suffix.isdigit())
