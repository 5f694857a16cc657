"""W3C Trace Context (https://www.w3.org/TR/trace-context/) without an OpenTelemetry SDK.

The gateway does not start spans of its own: it checks the ``traceparent`` (and ``tracestate``) a
device sent and copies them into the headers of every Kafka record of the request, so that a
consumer continues the device's trace. A malformed header is dropped (the spec's "restart the
trace"), never a reason to refuse a reading.
"""

from __future__ import annotations

import re

__all__ = ["TRACEPARENT", "TRACESTATE", "trace_headers", "trace_id"]

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"

# version "-" trace-id "-" parent-id "-" trace-flags, lowercase hex. Version 00 is exactly this
# long; a later version may append fields after another "-".
_TRACEPARENT = re.compile(rb"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\Z", re.DOTALL)
_ZERO_TRACE = b"0" * 32
_ZERO_PARENT = b"0" * 16
# list-member = key "=" value; key: simple-key or tenant@system; value: printable ASCII without , and =,
# not ending in a space.
_TRACESTATE_MEMBER = re.compile(
    rb"(?:[a-z][a-z0-9_*/-]{0,255}|[a-z0-9][a-z0-9_*/-]{0,240}@[a-z][a-z0-9_*/-]{0,13})"
    rb"=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]\Z"
)
_TRACESTATE_MAX_MEMBERS = 32
_TRACESTATE_MAX_BYTES = 512
"""Longer tracestate values are not propagated (the spec lets a vendor drop what it cannot carry)."""


def valid_traceparent(value: bytes) -> bool:
    match = _TRACEPARENT.match(value.strip(b" \t"))
    if match is None:
        return False
    version, trace, parent, _flags, rest = match.groups()
    if version == b"ff" or trace == _ZERO_TRACE or parent == _ZERO_PARENT:
        return False
    # Version 00 has no further fields; a later version may have some.
    return not (version == b"00" and rest is not None)


def valid_tracestate(value: bytes) -> bool:
    if len(value) > _TRACESTATE_MAX_BYTES:
        return False
    members = [member.strip(b" \t") for member in value.split(b",")]
    members = [member for member in members if member]  # empty members are allowed, and ignored
    if len(members) > _TRACESTATE_MAX_MEMBERS:
        return False
    keys = [member.partition(b"=")[0] for member in members]
    return len(set(keys)) == len(keys) and all(_TRACESTATE_MEMBER.match(member) for member in members)


def trace_headers(
    traceparent: bytes | None, tracestate: bytes | None
) -> list[tuple[str, str | bytes | None]] | None:
    """The Kafka record headers carrying a device's trace, or None when it sent no valid traceparent.

    ``tracestate`` only travels with a valid traceparent, and only when it is valid itself.
    """
    if traceparent is None or not valid_traceparent(traceparent):
        return None
    headers: list[tuple[str, str | bytes | None]] = [(TRACEPARENT, traceparent.strip(b" \t"))]
    if tracestate is not None and tracestate.strip(b" \t,") and valid_tracestate(tracestate):
        headers.append((TRACESTATE, tracestate.strip(b" \t")))
    return headers


def trace_id(traceparent: bytes) -> str:
    """The trace id of a valid ``traceparent``, for log lines."""
    return traceparent.strip(b" \t")[3:35].decode()
