"""Generated readings for a data type: valid ones from its schema, invalid ones by mutation."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from codegen.ecma_regex import EcmaValidator, with_python_patterns
from codegen.formats import FORMAT_CHECKER
from loom_gateway.catalog import DataType
from tests.support.formats import FormatField, format_fields, impossible_values, set_at, valid_values

__all__ = ["bundled_schema", "invalid_readings", "valid_readings"]

_WRONG_TYPED_VALUES: list[Any] = [None, True, 7, 2.5, "text", [], {}]


def bundled_schema(data_type: DataType, package: str = "loom_catalog") -> dict[str, Any]:
    """The generated, self-contained copy of the data type's schema."""
    name = f"{data_type.name}.v{data_type.version}.json"
    text = resources.files(package).joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# hypothesis-jsonschema knows the standard formats (date-time, uri, email); Loom's own it is told.
_LOOM_FORMATS = {"loom-date-time": valid_values(FormatField((), "loom-date-time", "format", {}))}


def valid_readings(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    # Patterns are ECMA-262: in Python, "$" would let hypothesis add a trailing newline.
    return from_schema(with_python_patterns(schema), custom_formats=_LOOM_FORMATS)


@st.composite
def invalid_readings(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """A valid reading broken in one way: a required field dropped, an unknown field added,
    a field given a value of the wrong type, a bound overstepped, or a string of a checked format
    given a value that cannot exist. jsonschema (an independent validator, with the formats'
    checks) confirms the result really is invalid."""
    reading = dict(draw(valid_readings(schema)))
    properties: dict[str, Any] = schema["properties"]
    mutation = draw(
        st.sampled_from(
            ["drop-required", "unknown-field", "wrong-type", "out-of-bounds", "impossible-format"]
        )
    )
    if mutation == "drop-required":
        del reading[draw(st.sampled_from(sorted(schema["required"])))]
    elif mutation == "unknown-field":
        name = draw(st.text(min_size=1, max_size=12).filter(lambda key: key not in properties))
        reading[name] = draw(st.sampled_from(_WRONG_TYPED_VALUES))
    elif mutation == "wrong-type":
        reading[draw(st.sampled_from(sorted(properties)))] = draw(st.sampled_from(_WRONG_TYPED_VALUES))
    elif mutation == "impossible-format":
        fields = list(format_fields(schema))
        assume(fields)
        field = draw(st.sampled_from(fields))
        assume(set_at(reading, field.path, draw(impossible_values(field))) is not None)
    else:
        bounded = sorted(name for name, rule in properties.items() if {"minimum", "maximum"} & rule.keys())
        assume(bounded)
        name = draw(st.sampled_from(bounded))
        rule = properties[name]
        reading[name] = rule["maximum"] + 1 if "maximum" in rule else rule["minimum"] - 1
    assume(not EcmaValidator(schema, format_checker=FORMAT_CHECKER).is_valid(reading))
    return reading
