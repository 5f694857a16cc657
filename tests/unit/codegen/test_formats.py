"""codegen.formats and codegen/runtime/format_checks.py: what each checked format accepts, against
an independent reference (the standard library's calendar), and how schemas reach the models."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from codegen.formats import CHECKED_FORMATS, FORMAT_CHECKER, format_problems, format_types
from codegen.lint import lint
from codegen.runtime.format_checks import (
    CHECKS,
    check_date_time,
    check_email,
    check_loom_date_time,
    check_uri,
)
from codegen.tree import read_tree

REPO = Path(__file__).resolve().parents[3]


def refused(check: Any, value: str) -> str:
    with pytest.raises(PydanticCustomError) as caught:
        check(value)
    assert caught.value.type == "format"
    return caught.value.message()


# --- date-times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2025-07-08T16:53:08.123456",  # the mobile client: local, no offset
        "2025-07-08T16:53:08.123",
        "2025-07-08T16:53:08",
        "2024-02-29T00:00:00",  # leap day
        "2000-02-29T12:00:00Z",  # 2000 is a leap year (divisible by 400)
        "2025-07-08T16:53:08.123456789+02:00",
        "2025-07-08T16:53:08-23:59",
        "2016-12-31T23:59:60Z",  # the last leap second
        "2017-01-01T08:59:60+09:00",  # the same, in Tokyo
        "2016-12-31T23:59:60",  # local, some offset makes it 23:59:60 UTC
        "2015-06-30T23:59:60.5Z",
    ],
)
def test_real_local_or_offset_date_times_are_accepted(value: str) -> None:
    assert check_loom_date_time(value) is value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2025-13-01T00:00:00", "month 13 is not in 01-12"),
        ("2025-02-30T16:53:08", "February 2025 has 28 days"),
        ("2025-02-29T00:00:00", "February 2025 has 28 days"),
        ("1900-02-29T00:00:00", "February 1900 has 28 days"),
        ("2025-04-31T00:00:00Z", "April 2025 has 30 days"),
        ("2025-07-08T25:00:00", "hour 25 is not in 00-23"),
        ("2025-07-08T24:00:00", "hour 24 is not in 00-23"),
        ("2025-07-08T16:61:08", "minute 61 is not in 00-59"),
        ("2025-07-08T16:53:61", "second 61 is not in 00-60"),
        ("2025-07-08T16:53:08+25:00", "offset hours 25 is not in 00-23"),
        ("2025-07-08T16:53:08+05:60", "offset minutes 60 is not in 00-59"),
        ("2016-12-31T12:59:60Z", "a leap second"),
        ("2016-12-30T23:59:60Z", "a leap second"),
        ("2016-12-31T23:58:60", "a leap second"),
        ("yesterday", "expected YYYY-MM-DDThh:mm:ss"),
    ],
)
def test_date_times_that_cannot_exist_are_refused_saying_why(value: str, reason: str) -> None:
    assert reason in refused(check_loom_date_time, value)


def test_an_instant_needs_its_offset() -> None:
    assert check_date_time("2025-07-08T14:53:08.123456Z") == "2025-07-08T14:53:08.123456Z"
    assert "no UTC offset" in refused(check_date_time, "2025-07-08T14:53:08")


two_digits = st.integers(0, 99).map(lambda number: f"{number:02d}")


@given(
    year=st.integers(1, 9999),
    month=two_digits,
    day=two_digits,
    hour=two_digits,
    minute=two_digits,
    second=st.integers(0, 59).map(lambda number: f"{number:02d}"),
    offset=st.one_of(st.none(), st.just("Z"), st.tuples(st.sampled_from("+-"), two_digits, two_digits)),
)
def test_date_times_agree_with_the_standard_library(
    year: int, month: str, day: str, hour: str, minute: str, second: str, offset: Any
) -> None:
    zone = "" if offset is None else offset if offset == "Z" else f"{offset[0]}{offset[1]}:{offset[2]}"
    value = f"{year:04d}-{month}-{day}T{hour}:{minute}:{second}{zone}"
    try:
        datetime.datetime(year, int(month), int(day), int(hour), int(minute), int(second))
        exists = offset is None or offset == "Z" or (int(offset[1]) <= 23 and int(offset[2]) <= 59)
    except ValueError:
        exists = False
    if exists:
        assert check_loom_date_time(value) == value
        if offset is not None:
            assert check_date_time(value) == value
    else:
        refused(check_loom_date_time, value)


# --- URIs and e-mail addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://en.wikipedia.org/wiki/Apache_Kafka",
        "http://[::1]:8080/a?b=c|d#e",
        "about:blank",
        "file:///tmp/a%20b",
        "chrome://newtab/",
        "https://my_host.example.com/",
        "http://192.0.2.1/",
    ],
)
def test_real_uris_are_accepted(value: str) -> None:
    assert check_uri(value) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("https://", "needs a host"),
        ("https:///path", "needs a host"),
        ("https://exa mple.com/", "must be percent-encoded"),
        ("https://example.com/%zz", "must be percent-encoded"),
        ("http://example.com:99999/", "out of range"),
        ("https://exa!mple.com/", "not a host name"),
        ("no scheme", "no scheme"),
        ("1http://example.com", "no scheme"),
    ],
)
def test_impossible_uris_are_refused(value: str, reason: str) -> None:
    assert reason in refused(check_uri, value)


@pytest.mark.parametrize(
    "value", ["alice@example.com", "a.b+tag@sub.example.co.uk", "x@[192.0.2.1]", "me@localhost"]
)
def test_real_email_addresses_are_accepted(value: str) -> None:
    assert check_email(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "alice",
        "alice@",
        "@example.com",
        "a..b@example.com",
        ".a@example.com",
        "al ice@example.com",
        "alice@exa!mple.com",
        "alice@-example.com",
        "Alice <alice@example.com>",
    ],
)
def test_impossible_email_addresses_are_refused(value: str) -> None:
    refused(check_email, value)


@given(st.emails())
def test_every_address_hypothesis_thinks_valid_is_accepted(value: str) -> None:
    assert check_email(value) == value


# --- from schemas to models ----------------------------------------------------------------------


def test_every_checked_format_has_a_check_and_a_summary() -> None:
    assert set(CHECKED_FORMATS) == set(CHECKS)
    assert all(checked.summary for checked in CHECKED_FORMATS.values())


def test_the_format_checker_ignores_other_types_as_jsonschema_does() -> None:
    assert FORMAT_CHECKER.conforms(7, "loom-date-time")
    assert not FORMAT_CHECKER.conforms("2025-02-30T00:00:00", "loom-date-time")


def test_nodes_become_one_type_per_format_and_bounds() -> None:
    documents = {
        Path("a.json"): {
            "properties": {
                "t": {"type": "string", "format": "date-time", "pattern": "Z$"},
                "u": {"type": ["string", "null"], "format": "date-time", "pattern": "Z$", "description": "d"},
                "v": {"type": "string", "format": "uri", "maxLength": 9},
                "w": {"type": "string", "format": "uri"},
                "examples": [{"format": "not a schema"}],
            }
        }
    }
    typed = format_types(documents, "pkg")
    assert [(t.name, t.format, t.bounds) for t in typed.types] == [
        ("DateTimeFormat", "date-time", (("pattern", "Z$"),)),
        ("UriFormat", "uri", (("max_length", 9),)),
        ("UriFormat2", "uri", ()),
    ]
    properties = typed.documents[Path("a.json")]["properties"]
    assert properties["t"] == {"type": "string", "x-python-type": "pkg.formats.DateTimeFormat"}
    assert properties["u"]["x-python-type"] == "pkg.formats.DateTimeFormat | None"
    assert properties["u"]["description"] == "d"
    assert documents[Path("a.json")]["properties"]["t"]["format"] == "date-time"  # the input is kept


def test_lint_refuses_a_format_the_gateway_does_not_check_or_on_a_non_string(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(REPO / "tests" / "fixtures" / "schemas" / "golden", root)
    document = {
        "properties": {
            "a": {"type": "string", "format": "hostname"},
            "b": {"type": "integer", "format": "uri"},
        }
    }
    assert list(format_problems(document)) == [
        (
            "/properties/a/format",
            "format 'hostname' is not one the gateway checks (date-time, email, loom-date-time, uri)",
        ),
        ("/properties/b/format", 'a checked format needs "type": "string" (or ["string", "null"])'),
    ]
    common = root / "common" / "v1.json"
    common.write_text(common.read_text("utf-8").replace('"format": "date-time"', '"format": "ipv4"'), "utf-8")
    problems = [str(problem) for problem in lint(read_tree(root))]
    assert any("format 'ipv4' is not one the gateway checks" in problem for problem in problems), problems
