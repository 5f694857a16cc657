"""What the ``format`` of a string means, checked: the values a pattern lets through that cannot exist.

This module is copied as it is into the generated package (``<package>/format_checks.py``), so the
models need nothing outside it and pydantic: it imports only the standard library and
pydantic-core. Each check takes the string a client sent and returns it unchanged (the published
value stays the reading as sent), or raises an error of type ``format``, the JSON Schema keyword,
which the gateway reports as the rule broken.

The checks run per field of every reading, so each costs one compiled regular expression that
already encodes the ranges (hours 00-23, minutes 00-59, offsets up to 23:59), plus arithmetic only
for the rare values a regex cannot decide: a day past the 28th, a leap second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError

__all__ = ["CHECKS", "check_date_time", "check_email", "check_loom_date_time", "check_uri"]

_DATE_TIME = re.compile(
    r"([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(?:\.[0-9]+)?"
    r"([Zz]|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?"
)
# Every case but 29 February and a leap second, decided by the regex alone (month lengths in it).
_PLAIN_DATE_TIME = re.compile(
    r"[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_PLAIN_LOCAL_DATE_TIME = re.compile(_PLAIN_DATE_TIME.pattern + "?")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAY = 24 * 60
_LAST_MINUTE = _DAY - 1
# Every UTC offset in use is a whole number of quarter hours.
_QUARTER_HOUR_OFFSETS = range(-(23 * 60 + 45), 23 * 60 + 46, 15)


def _refuse(format_name: str, value: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "format",
        "{value} is not a valid {format}: {reason}",
        {"format": format_name, "value": repr(value[:64]), "reason": reason},
    )


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _is_last_day(year: int, month: int, day: int, shift: int) -> bool:
    """Is the day ``shift`` (-1, 0 or 1) days after year-month-day the last of its month?"""
    if shift < 0:
        return day == 1
    return day + shift == _days_in(year, month)


def _leap_second_allowed(year: int, month: int, day: int, minute_of_day: int, offsets: range | int) -> bool:
    """RFC 3339 5.7: a leap second is 23:59:60 UTC on the last day of a month. With ``offsets`` a
    range, the local time has no offset and any of them may apply."""
    for offset in [offsets] if isinstance(offsets, int) else offsets:
        utc = minute_of_day - offset
        shift = -1 if utc < 0 else (1 if utc >= _DAY else 0)
        if utc - shift * _DAY == _LAST_MINUTE and _is_last_day(year, month, day, shift):
            return True
    return False


def _date_time(value: str, format_name: str, offset_required: bool) -> str:
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise _refuse(format_name, value, _out_of_range(value, offset_required))
    year, month, day, hour, minute, second, offset, sign, offset_hours, offset_minutes = match.groups()
    if offset is None and offset_required:
        raise _refuse(format_name, value, "it has no UTC offset (Z or +hh:mm)")
    if day > "28":
        days = _days_in(int(year), int(month))
        if int(day) > days:
            month_name = _MONTHS[int(month) - 1]
            raise _refuse(format_name, value, f"{month_name} {year} has {days} days")
    if second == "60":
        minute_of_day = int(hour) * 60 + int(minute)
        offsets: range | int
        if offset is None:
            offsets = _QUARTER_HOUR_OFFSETS
        elif sign is None:  # Z
            offsets = 0
        else:
            offsets = (int(offset_hours) * 60 + int(offset_minutes)) * (-1 if sign == "-" else 1)
        if not _leap_second_allowed(int(year), int(month), int(day), minute_of_day, offsets):
            raise _refuse(
                format_name, value, "second 60 (a leap second) is 23:59:60 UTC on a month's last day"
            )
    return value


_SHAPE = re.compile(
    r"[0-9]{4}-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))?"
)
_RANGES = (
    ("month", 1, 12),
    ("day", 1, 31),
    ("hour", 0, 23),
    ("minute", 0, 59),
    ("second", 0, 60),
    ("offset hours", 0, 23),
    ("offset minutes", 0, 59),
)


def _out_of_range(value: str, offset_required: bool) -> str:
    """Why a value failed ``_DATE_TIME`` (only ever called on refusal)."""
    shape = _SHAPE.fullmatch(value)
    if shape is not None:
        for (part, low, high), text in zip(_RANGES, shape.groups(), strict=True):
            if text is not None and not low <= int(text) <= high:
                return f"{part} {text} is not in {low:02d}-{high:02d}"
    offset = "(Z|+hh:mm|-hh:mm)" if offset_required else "[Z|+hh:mm|-hh:mm]"
    return f"expected YYYY-MM-DDThh:mm:ss[.fraction]{offset}"


def check_date_time(value: str, _plain: Callable[[str], object] = _PLAIN_DATE_TIME.fullmatch) -> str:
    """``date-time`` (RFC 3339 ``date-time``): a real instant, with its UTC offset."""
    if _plain(value) is not None:
        return value
    return _date_time(value, "date-time", offset_required=True)


def check_loom_date_time(
    value: str, _plain: Callable[[str], object] = _PLAIN_LOCAL_DATE_TIME.fullmatch
) -> str:
    """``loom-date-time``: an RFC 3339 date-time whose offset may be left out, when it is the
    device's local time (what the Loom mobile client sends); otherwise as ``date-time``."""
    if _plain(value) is not None:
        return value
    return _date_time(value, "loom-date-time", offset_required=False)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_FORBIDDEN_IN_URI = re.compile(r"[\x00-\x20\x7f\"<>\\]|%(?![0-9A-Fa-f]{2})")
_NEEDS_HOST = frozenset({"http", "https", "ws", "wss", "ftp"})
# Letters, digits, inner hyphens; underscores too, which browsers accept in host names.
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def _is_host_name(host: str) -> bool:
    labels = host.removesuffix(".").split(".")
    return len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def check_uri(value: str) -> str:
    """``uri``: an absolute URI as a browser serialises it: a scheme, no spaces or control
    characters, ``%`` only before two hex digits; web schemes (http, https, ws, wss, ftp) with
    a host name or an IP literal and a port, if any, of at most 65535."""
    scheme, colon, _ = value.partition(":")
    if not colon or not _SCHEME.fullmatch(scheme):
        raise _refuse("uri", value, "it has no scheme (such as https:)")
    bad = _FORBIDDEN_IN_URI.search(value)
    if bad is not None:
        raise _refuse("uri", value, f"{bad.group()!r} at {bad.start()} must be percent-encoded")
    if scheme.lower() not in _NEEDS_HOST:
        return value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise _refuse("uri", value, str(error)) from None
    host = parts.hostname or ""
    if not value[len(scheme) + 1 :].startswith("//") or not host:
        raise _refuse("uri", value, f"a {scheme.lower()} URI needs a host")
    if not (host.startswith("[") or ":" in host or _is_host_name(host)):
        raise _refuse("uri", value, f"{host!r} is not a host name")
    if port is not None and not 0 <= port <= 65535:
        raise _refuse("uri", value, "the port is beyond 65535")
    return value


_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LITERAL = re.compile(r"\[[^\[\]\\\s]+\]")


def check_email(value: str) -> str:
    """``email`` (RFC 5321 Mailbox, ASCII dot-atom form): local-part@domain, the local part at
    most 64 characters of atom text with single dots between them, the domain a host name or an
    address literal in brackets."""
    local, at, domain = value.rpartition("@")
    if not at:
        raise _refuse("email", value, "it has no @")
    if len(local) > 64 or not _LOCAL_PART.fullmatch(local):
        raise _refuse("email", value, "the part before @ is not a dot-atom of at most 64 characters")
    if not (_DOMAIN_LITERAL.fullmatch(domain) or (domain and _is_host_name(domain))):
        raise _refuse("email", value, "the part after @ is not a domain name")
    return value


CHECKS: Mapping[str, Callable[[str], str]] = {
    "date-time": check_date_time,
    "loom-date-time": check_loom_date_time,
    "uri": check_uri,
    "email": check_email,
}
"""Every format the generated models check, by its JSON Schema name."""
