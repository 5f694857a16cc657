# Generated from schemas/ by `python -m codegen generate`; do not edit.
"""The string types of the checked formats (``format_checks``), one per format and the string
bounds it appears with in the schemas: pydantic-core checks the bounds, then the format's check
runs. The models refer to them; the value stays the string the client sent."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from loom_catalog.format_checks import (
    check_date_time,
    check_email,
    check_loom_date_time,
    check_uri,
)

__all__ = [
    "DateTimeFormat",
    "EmailFormat",
    "LoomDateTimeFormat",
    "UriFormat",
    "UriFormat2",
    "UriFormat3",
]

DateTimeFormat = Annotated[
    str,
    Field(
        pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
    ),
    AfterValidator(check_date_time),
]
"""Format ``date-time``, with pattern."""

EmailFormat = Annotated[
    str,
    Field(
        min_length=1,
        max_length=320,
    ),
    AfterValidator(check_email),
]
"""Format ``email``, with min_length, max_length."""

LoomDateTimeFormat = Annotated[
    str,
    Field(
        pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
    ),
    AfterValidator(check_loom_date_time),
]
"""Format ``loom-date-time``, with pattern."""

UriFormat = Annotated[
    str,
    Field(
        min_length=1,
        max_length=8192,
    ),
    AfterValidator(check_uri),
]
"""Format ``uri``, with min_length, max_length."""

UriFormat2 = Annotated[
    str,
    Field(
        pattern="^https?://",
        max_length=2048,
    ),
    AfterValidator(check_uri),
]
"""Format ``uri``, with pattern, max_length."""

UriFormat3 = Annotated[
    str,
    Field(
        pattern="^https?://",
        max_length=8192,
    ),
    AfterValidator(check_uri),
]
"""Format ``uri``, with pattern, max_length."""
