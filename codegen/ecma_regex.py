"""JSON Schema patterns are ECMA-262 regular expressions; Python's ``re`` differs on ``$``.

In ECMA-262 (no multiline flag) ``$`` matches only at the end of the input; in Python it
also matches before a final newline, so ``^[a-z]+$`` accepts ``"abc\\n"``. The gateway's
validators (pydantic-core's Rust regex) agree with ECMA-262; the Python tools (jsonschema,
hypothesis) must be told to, or lint passes a topic name Kafka refuses and the contract
tests generate "valid" readings the gateway rightly refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema
import jsonschema.validators
from jsonschema.protocols import Validator

__all__ = ["EcmaValidator", "python_pattern", "with_python_patterns"]


def python_pattern(pattern: str) -> str:
    """``pattern`` with every end-of-input ``$`` (outside a character class) written as ``\\Z``."""
    out = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


def with_python_patterns(schema: Any) -> Any:
    """A copy of ``schema`` whose ``pattern`` keywords mean in Python what they mean in ECMA-262."""
    if isinstance(schema, list):
        return [with_python_patterns(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    return {
        key: python_pattern(value)
        if key == "pattern" and isinstance(value, str)
        else with_python_patterns(value)
        for key, value in schema.items()
    }


def _pattern(
    validator: Validator, pattern: str, instance: Any, schema: Any
) -> Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and not re.search(python_pattern(pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


EcmaValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern}
)
"""Draft 2020-12 validation with ECMA-262 ``$``."""
