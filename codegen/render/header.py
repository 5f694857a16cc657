"""The mark every generated file carries."""

__all__ = ["PYTHON_HEADER", "TEXT_NOTICE"]

TEXT_NOTICE = "Generated from schemas/ by `python -m codegen generate`; do not edit."
PYTHON_HEADER = f"# {TEXT_NOTICE}"
