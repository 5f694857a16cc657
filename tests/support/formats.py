"""Values for the string formats the gateway checks: real ones, and ones shaped right that cannot exist.

Every impossible value matches the shape the schema's pattern asks for (so the refusal is the
format's, not the pattern's); the independent reference for "impossible" is the construction
itself (a 13th month, 30 February, hour 24...), not the gateway's own check.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.provisional import urls

from codegen.ecma_regex import python_pattern

__all__ = [
    "LEAP_DAYS",
    "MOBILE_LOCAL_TIMES",
    "FormatField",
    "format_fields",
    "impossible_values",
    "set_at",
    "valid_values",
]

MOBILE_LOCAL_TIMES = ("2025-07-08T16:53:08.123456", "2025-07-08T16:53:08.123", "2025-12-31T23:59:59.999")
"""What the Loom mobile client sends (Dart ``toIso8601String()``: local, no offset, 3 or 6 digits)."""
LEAP_DAYS = ("2024-02-29T12:00:00", "2000-02-29T00:00:00Z", "2400-02-29T23:59:59.5+14:00")


@dataclass(frozen=True, slots=True)
class FormatField:
    """A string with a checked format (or, for base64, a pattern that is its grammar) in a reading."""

    path: tuple[str, ...]
    """Property names, ``*`` for any item of an array."""
    check: str
    """The format's name, or ``base64``."""
    rule: str
    """The rule a refusal names: ``format``, or ``pattern`` for base64."""
    schema: dict[str, Any]

    @property
    def where(self) -> str:
        return "/" + "/".join(self.path)


def format_fields(schema: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[FormatField]:
    """Every property of the (bundled) schema, at any depth, whose value a format checks."""
    for name, node in schema.get("properties", {}).items():
        if not isinstance(node, dict):
            continue
        here = (*path, name)
        if "format" in node:
            yield FormatField(here, node["format"], "format", node)
        elif node.get("contentEncoding") == "base64":
            yield FormatField(here, "base64", "pattern", node)
        if isinstance(node.get("items"), dict):
            item = node["items"]
            if "format" in item:
                yield FormatField((*here, "*"), item["format"], "format", item)
            yield from format_fields(item, (*here, "*"))
        yield from format_fields(node, here)


def set_at(reading: dict[str, Any], path: tuple[str, ...], value: str) -> str | None:
    """Put ``value`` at ``path`` (the first item for ``*``); the JSON pointer written, or None
    when the reading has nothing there (an absent object, an empty array)."""
    container: Any = reading
    pointer = ""
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if part == "*":
            if not isinstance(container, list) or not container:
                return None
            key: Any = 0
        else:
            if not isinstance(container, dict) or (not last and part not in container):
                return None
            key = part
        pointer += f"/{key}"
        if last:
            container[key] = value
            return pointer
        container = container[key]
    return None


def _two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda number: f"{number:02d}")


_OFFSETS = st.builds(lambda sign, hh, mm: f"{sign}{hh}:{mm}", st.sampled_from("+-"), _two(0, 23), _two(0, 59))
_FRACTIONS = st.integers(0, 9).flatmap(
    lambda digits: st.just("") if digits == 0 else st.from_regex(rf"\.[0-9]{{{digits}}}", fullmatch=True)
)


def _date_times(offset: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    moments = st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31))
    return st.builds(
        lambda moment, fraction, zone: f"{moment:%Y-%m-%dT%H:%M:%S}{fraction}{zone}",
        moments,
        _FRACTIONS,
        offset,
    )


def _matching(strategy: st.SearchStrategy[str], schema: dict[str, Any]) -> st.SearchStrategy[str]:
    pattern = schema.get("pattern")
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10**9)
    checked = strategy.filter(lambda value: low <= len(value) <= high)
    return checked if pattern is None else checked.filter(re.compile(python_pattern(pattern)).search)


def valid_values(field: FormatField) -> st.SearchStrategy[str]:
    """Values the field must accept (leap days, leap seconds and the mobile client's local times
    among them)."""
    if field.check in ("date-time", "loom-date-time"):
        zones = st.one_of(st.just("Z"), _OFFSETS)
        if field.check == "loom-date-time":
            zones = st.one_of(st.just(""), zones)
        specials = ("2016-12-31T23:59:60Z", "2017-01-01T00:59:60+01:00", "2016-12-31T23:59:60.5Z")
        if field.check == "loom-date-time":
            specials += (*MOBILE_LOCAL_TIMES, "2016-12-31T23:59:60")
        specials += LEAP_DAYS
        if field.schema.get("pattern", "").endswith("Z$"):
            zones = st.just("Z")
            specials = tuple(value for value in specials if value.endswith("Z"))
        return _matching(st.one_of(st.sampled_from(specials), _date_times(zones)), field.schema)
    if field.check == "uri":
        strategy = urls()
        if "pattern" not in field.schema:
            strategy = st.one_of(
                strategy, st.sampled_from(["about:blank", "file:///tmp/a%20b.html", "chrome://newtab/"])
            )
        return _matching(strategy, field.schema)
    if field.check == "email":
        return _matching(st.emails(), field.schema)
    if field.check == "base64":
        return _matching(st.binary(min_size=3, max_size=60).map(_base64), field.schema)
    raise AssertionError(f"no valid values for format {field.check!r}")


def _base64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


# Shaped as the patterns ask, impossible by construction.
_IMPOSSIBLE_LOCAL = (
    "2025-13-01T00:00:00",
    "2025-00-10T00:00:00",
    "2025-02-30T16:53:08",
    "2025-02-29T16:53:08.123456",  # 2025 is not a leap year
    "1900-02-29T00:00:00",  # nor is 1900
    "2025-04-31T00:00:00",
    "2025-07-00T00:00:00",
    "2025-07-32T00:00:00",
    "2025-07-08T25:00:00",
    "2025-07-08T24:00:00",
    "2025-07-08T16:61:08",
    "2025-07-08T16:53:61",
    "2025-07-08T16:53:60",  # not a minute at which a leap second can occur
)
_IMPOSSIBLE_OFFSETS = ("+25:00", "+24:00", "-24:30", "+05:60", "+99:99")


def impossible_values(field: FormatField) -> st.SearchStrategy[str]:
    if field.check in ("date-time", "loom-date-time"):
        zulu_only = field.schema.get("pattern", "").endswith("Z$")
        local = st.sampled_from(_IMPOSSIBLE_LOCAL)
        with_zone = st.builds(
            lambda time, zone: time + zone,
            local,
            st.sampled_from(["Z"] if zulu_only else ["Z", "+02:00", "-07:00"]),
        )
        bad_offset = st.builds(
            lambda zone: "2025-07-08T16:53:08" + zone, st.sampled_from(_IMPOSSIBLE_OFFSETS)
        )
        leap_second_elsewhere = st.sampled_from(["2016-12-31T12:59:60Z", "2016-06-15T23:59:60Z"])
        options = [with_zone, leap_second_elsewhere]
        if not zulu_only:
            options.append(bad_offset)
        if field.check == "loom-date-time":
            options.append(local)
        return st.one_of(options)
    if field.check == "uri":
        if "pattern" in field.schema:  # ^https?://
            return st.sampled_from(
                [
                    "https://",
                    "https:///path",
                    "https://exa mple.com/",
                    "http://example.com:99999/",
                    "https://exa!mple.com/",
                    "https://example.com/%zz",
                    'https://example.com/"quoted"',
                ]
            )
        return st.sampled_from(["no scheme", "1http://example.com", "https://", "about:bl ank", "://x"])
    if field.check == "email":
        return st.sampled_from(
            [
                "alice",
                "alice@",
                "@example.com",
                "a..b@example.com",
                ".a@example.com",
                "al ice@example.com",
                "alice@exa!mple.com",
                "alice@-example.com",
                "alice@example.com-",
            ]
        )
    if field.check == "base64":
        return st.sampled_from(["AAAAA", "AAA==", "AAAAA===", "AA=A", "AAAAAA=", "AAAAAAA"])
    raise AssertionError(f"no impossible values for format {field.check!r}")
