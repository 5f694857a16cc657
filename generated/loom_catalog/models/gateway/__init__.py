# Generated from schemas/ by `python -m codegen generate`; do not edit.
