"""Validating request bodies with the generated models, and describing what is wrong."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import pydantic_core
from msgspec import Struct
from pydantic import BaseModel, TypeAdapter, ValidationError

from loom_gateway.catalog import DataType
from loom_gateway.errors import BatchTooLarge, FieldError, InvalidReading, MalformedBody
from loom_gateway.ingest.mirror import StructMirror

__all__ = [
    "Batch",
    "check_batch_size",
    "field_errors",
    "parse_array",
    "parse_body",
    "require_finite_numbers",
    "validate_all",
    "validate_item",
]

# Pydantic's error types, named by the JSON Schema keyword a schema author knows.
_RULES = {
    "missing": "required",
    "extra_forbidden": "additionalProperties",
    "less_than_equal": "maximum",
    "less_than": "exclusiveMaximum",
    "greater_than_equal": "minimum",
    "greater_than": "exclusiveMinimum",
    "string_pattern_mismatch": "pattern",
    "string_too_short": "minLength",
    "string_too_long": "maxLength",
    "too_short": "minItems",
    "too_long": "maxItems",
    "multiple_of": "multipleOf",
    "enum": "enum",
    "literal_error": "enum",
}


# Anything that could be a number JSON cannot carry: NaN and Infinity are not JSON (RFC 8259
# section 6), and an exponent of three digits may be beyond a double. pydantic's parser takes
# all three (as nan/inf), and the models would publish them as null. A match (a string that
# merely says "NaN" included) only sends the body through the exact check below. Every search
# is a C substring search (`in`), and the cheapest go first: a body without a capital N or I
# (one memchr each) cannot hold NaN or Infinity. For exponents, the body is first mapped
# (bytes.translate, in C) so that every digit reads 0, every character that can end a number
# reads "," and a "+" is gone; a number with a large exponent then contains "0e000", found with
# `in`, and only then is the regex run, which also wants the number to end there (so the hex
# digits of a UUID, "3e456-", are not taken for one). A number can also be too large without a
# large exponent: written out (1 followed by 400 zeros, with or without ".0"), or with many
# digits and a two-digit exponent. Beyond a double takes at least 309 digits before the point,
# or 210 with an exponent of at most 99: a run of 200 digits (an "in" again) sends the body
# through the exact check, which also refuses integers beyond a double. Each search over a
# body costs about 0.7 ns per byte; the order above took an array of 100 GPS readings (31 kB)
# from 115 to about 45 µs.
_NUMBERS = bytes.maketrans(b"0123456789E\t\n\r }]", b"0000000000e,,,,,,")
_SIGN = b"+"
_LARGE_EXPONENT = re.compile(rb"0e000+,")
_LONG_DIGITS = b"0" * 200
_MAX_DOUBLE = sys.float_info.max


def require_finite_numbers(body: bytes) -> None:
    """Refuse (400) a body with NaN, Infinity, or a number too large for a double, however written."""
    if (b"N" not in body or b"NaN" not in body) and (b"I" not in body or b"Infinity" not in body):
        numbers = body.translate(_NUMBERS, _SIGN)
        if _LONG_DIGITS not in numbers and (
            b"0e000" not in numbers or _LARGE_EXPONENT.search(numbers + b",") is None
        ):
            return
    try:
        document = pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as error:
        raise MalformedBody(f"the body is not valid JSON: {error}") from None
    pointer = _non_finite(document, "")
    if pointer is not None:
        raise MalformedBody(f"the number at {pointer or '/'} is too large for a double")


def _non_finite(value: object, pointer: str) -> str | None:
    if isinstance(value, float):
        return None if math.isfinite(value) else pointer
    if isinstance(value, int):  # JSON's integers are parsed exactly, however long (bool: never this large)
        return None if -_MAX_DOUBLE <= value <= _MAX_DOUBLE else pointer
    if isinstance(value, dict):
        items: Iterable[tuple[object, object]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, f"{pointer}/{_escape(str(key))}")
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class Batch:
    """The readings of one request: a lone object, or each item of a JSON array."""

    is_array: bool
    items: Sequence[BaseModel | Struct | InvalidReading]
    """A reading is its model's, or its mirror's when the mirror took the whole body."""


def parse_body(data_type: DataType, body: bytes, mirror: StructMirror | None = None) -> Batch:
    """Validate a body strictly, as the schema says (Litestar's own parsing is lax).

    Always in JSON mode: strict validation of already-parsed Python objects would refuse
    an enum's string value, which JSON cannot send any other way. ``mirror``: the data type's
    model as msgspec Structs, tried first; what it does not take, the model decides.
    """
    require_finite_numbers(body)
    if body.lstrip()[:1] != b"[":
        if mirror is not None and (mirrored := mirror.one(body)) is not None:
            return Batch(is_array=False, items=(mirrored,))
        try:
            reading = data_type.model.model_validate_json(body, strict=True)
        except ValidationError as error:
            _raise_if_not_json(error)
            raise _invalid(data_type, error, prefix="") from None
        return Batch(is_array=False, items=(reading,))
    # The common case, every reading valid: one pass over the bytes, nothing parsed twice.
    readings: Sequence[BaseModel | Struct] | None = None if mirror is None else mirror.array(body)
    if readings is None:
        readings = validate_all(data_type, body)
    if readings is not None:
        check_batch_size(data_type, len(readings))
        return Batch(is_array=True, items=readings)
    items = parse_array(data_type, body)
    return Batch(
        is_array=True, items=[validate_item(data_type, item, f"/{index}") for index, item in enumerate(items)]
    )


def validate_all(data_type: DataType, array: bytes) -> list[BaseModel] | None:
    """Every item of a JSON array, each a valid ``data_type`` reading, in one pass over the bytes
    (strict, JSON mode); None when the array is not that, so that the caller validates item by
    item to say which is wrong and why. No batch limit: the caller's to enforce."""
    try:
        return _list_adapter(data_type.model).validate_json(array, strict=True)
    except ValidationError:
        return None


def check_batch_size(data_type: DataType, count: int) -> None:
    """Refuse (413) more readings in one request than the data type takes."""
    if count > data_type.max_batch_items:
        raise _too_many(data_type, count)


def parse_array(data_type: DataType, body: bytes) -> list[object]:
    """The items of a JSON-array body, within the data type's batch limit."""
    require_finite_numbers(body)
    try:
        items = pydantic_core.from_json(body)
    except ValueError as error:
        raise MalformedBody(f"the body is not valid JSON: {error}") from None
    if not isinstance(items, list):
        raise MalformedBody("the body must be a JSON array of readings")
    check_batch_size(data_type, len(items))
    return items


def _too_many(data_type: DataType, count: int) -> BatchTooLarge:
    return BatchTooLarge(f"{count} readings in one request; at most {data_type.max_batch_items}")


@cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[BaseModel]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_item(
    data_type: DataType, item: object, prefix: str, *, relocate: Callable[[str], str] | None = None
) -> BaseModel | InvalidReading:
    """One parsed item, validated in JSON mode; ``relocate`` maps an error's top-level field to
    the pointer prefix where the client sent it (``prefix`` otherwise)."""
    try:
        return data_type.model.model_validate_json(pydantic_core.to_json(item), strict=True)
    except ValidationError as error:
        return _invalid(data_type, error, prefix=prefix, relocate=relocate)


def _raise_if_not_json(error: ValidationError) -> None:
    for problem in error.errors(include_url=False):
        if problem["type"] == "json_invalid":
            raise MalformedBody(f"the body is not valid JSON: {problem['msg']}") from None


def _invalid(
    data_type: DataType, error: ValidationError, prefix: str, relocate: Callable[[str], str] | None = None
) -> InvalidReading:
    errors = field_errors(error, prefix, relocate)
    fields = ", ".join(sorted({e.pointer or "/" for e in errors}))
    return InvalidReading(f"{data_type.title} is invalid at {fields}", errors, data_type.schema_id)


def field_errors(
    error: ValidationError, prefix: str = "", relocate: Callable[[str], str] | None = None
) -> list[FieldError]:
    found = []
    for problem in error.errors(include_url=False, include_input=False):
        location = problem["loc"]
        base = relocate(str(location[0])) if relocate is not None and location else prefix
        found.append(
            FieldError(
                pointer=base + "".join(f"/{_escape(part)}" for part in location),
                rule=_rule(problem["type"]),
                message=problem["msg"],
            )
        )
    return found


def _rule(error_type: str) -> str:
    if error_type in _RULES:
        return _RULES[error_type]
    if error_type.endswith("_type") or error_type.endswith("_parsing") or error_type == "int_from_float":
        return "type"
    return error_type


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")
