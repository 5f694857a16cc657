"""loom_gateway.tracing: W3C traceparent / tracestate, checked and turned into record headers."""

from __future__ import annotations

import pytest

from loom_gateway.tracing import (
    trace_headers,
    trace_id,
    traceparent_to_propagate,
    tracestate_to_propagate,
    valid_traceparent,
    valid_tracestate,
)

VALID = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.mark.parametrize(
    "value",
    [
        VALID,
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",  # not sampled: still a trace
        b" " + VALID + b"\t",  # optional whitespace around the value
        b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next",  # a later version
        b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # a later version, no more fields
    ],
)
def test_valid_traceparents(value: bytes) -> None:
    assert valid_traceparent(value)


def test_a_later_version_is_carried_as_its_first_55_bytes_in_version_00() -> None:
    later = b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-" + b"x" * 20_000

    assert traceparent_to_propagate(later) == VALID
    assert trace_headers(later, None) == [("traceparent", VALID)]


@pytest.mark.parametrize(
    "value",
    [
        b"",
        b"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",  # uppercase hex
        b"00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero parent id
        b"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # the forbidden version
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  # version 00 has 4 fields
        b"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # short trace id
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  # no flags
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n",  # a newline is not whitespace here
        b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  # a later version: "-" must follow
        b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",  # shorter than 55 bytes
    ],
)
def test_invalid_traceparents(value: bytes) -> None:
    assert not valid_traceparent(value)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (b"congo=t61rcWkgMzE", True),
        (b"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", True),
        (b"tenant@vendor=value, other=x", True),
        (b"rojo=1,,congo=2", True),  # empty members are allowed
        (b"Upper=1", False),
        (b"a=1,a=2", False),  # a key at most once
        (b"novalue", False),
        (b"a=" + b"x" * 600, False),  # longer than we carry
        (b",".join(b"k%d=v" % index for index in range(33)), False),  # more than 32 members
    ],
)
def test_tracestate(value: bytes, valid: bool) -> None:
    assert valid_tracestate(value) is valid


def test_a_tracestate_is_carried_as_its_members_without_blanks_or_empty_ones() -> None:
    assert tracestate_to_propagate(b" rojo=1 ,, congo=2\t") == b"rojo=1,congo=2"
    assert tracestate_to_propagate(b" , ") is None


def test_headers_carry_a_valid_trace_and_drop_the_rest() -> None:
    assert trace_headers(VALID, b"congo=t61") == [("traceparent", VALID), ("tracestate", b"congo=t61")]
    assert trace_headers(VALID, None) == [("traceparent", VALID)]
    assert trace_headers(VALID, b"BAD STATE") == [("traceparent", VALID)]
    assert trace_headers(b"00-bad", b"congo=t61") is None
    assert trace_headers(None, b"congo=t61") is None
    assert trace_id(VALID) == "4bf92f3577b34da6a3ce929d0e0e4736"
