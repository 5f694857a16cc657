"""W3C Trace Context (https://www.w3.org/TR/trace-context/) without an OpenTelemetry SDK.

The gateway does not start spans of its own: it checks the ``traceparent`` (and ``tracestate``) a
device sent and carries them in the headers of every Kafka record of the request, so that a
consumer continues the device's trace. What is carried is rebuilt from the checked fields and
bounded (55 bytes of traceparent, at most 512 of tracestate): a request of a thousand readings
cannot make its records carry a client's kilobytes each. A malformed header is dropped (the
spec's "restart the trace"), never a reason to refuse a reading.
"""

from __future__ import annotations

import re

__all__ = [
    "TRACEPARENT",
    "TRACESTATE",
    "trace_headers",
    "trace_id",
    "traceparent_to_propagate",
    "tracestate_to_propagate",
]

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"

# version "-" trace-id "-" parent-id "-" trace-flags, lowercase hex: exactly the 55 bytes of version
# 00. A later version may append fields after another "-"; of those, only these 55 bytes are read
# (W3C Trace Context, "Versioning of traceparent"), and the rest is never looked at, let alone copied.
_TRACEPARENT_LENGTH = 55
_TRACEPARENT = re.compile(rb"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
_VERSION_00 = b"00"
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


def traceparent_to_propagate(value: bytes) -> bytes | None:
    """The version-00 ``traceparent`` to carry on for a client's header, or None to restart the trace.

    Version 00: the value itself (without surrounding blanks) when it is exactly well-formed. A
    later version: its first 55 bytes when they parse and the next byte, if any, is "-"; carried as
    version 00, the only one this gateway speaks. Built from the parsed fields, so nothing the
    client sent beyond them reaches a record.
    """
    value = value.strip(b" \t")
    match = _TRACEPARENT.match(value)
    if match is None:
        return None
    version, trace, parent, flags = match.groups()
    if version == b"ff" or trace == _ZERO_TRACE or parent == _ZERO_PARENT:
        return None
    if len(value) > _TRACEPARENT_LENGTH and (version == _VERSION_00 or value[55:56] != b"-"):
        return None  # version 00 has exactly four fields; a later one separates more with "-"
    return b"00-%s-%s-%s" % (trace, parent, flags)


def valid_traceparent(value: bytes) -> bool:
    return traceparent_to_propagate(value) is not None


def tracestate_to_propagate(value: bytes) -> bytes | None:
    """The ``tracestate`` to carry on, or None: at most 512 bytes of at most 32 well-formed members,
    each key once (empty members dropped). The spec lets a vendor drop a state it cannot carry."""
    if len(value) > _TRACESTATE_MAX_BYTES:
        return None
    members = [member.strip(b" \t") for member in value.split(b",")]
    members = [member for member in members if member]  # empty members are allowed, and ignored
    if not members or len(members) > _TRACESTATE_MAX_MEMBERS:
        return None
    keys = [member.partition(b"=")[0] for member in members]
    if len(set(keys)) != len(keys) or not all(_TRACESTATE_MEMBER.match(member) for member in members):
        return None
    return b",".join(members)


def valid_tracestate(value: bytes) -> bool:
    return tracestate_to_propagate(value) is not None


def trace_headers(
    traceparent: bytes | None, tracestate: bytes | None
) -> list[tuple[str, str | bytes | None]] | None:
    """The Kafka record headers carrying a device's trace, or None when it sent no valid traceparent.

    ``tracestate`` only travels with a valid traceparent, and only when it is valid itself. Both
    values are rebuilt from what was checked, never the client's bytes as they came.
    """
    if traceparent is None:
        return None
    propagated = traceparent_to_propagate(traceparent)
    if propagated is None:
        return None
    headers: list[tuple[str, str | bytes | None]] = [(TRACEPARENT, propagated)]
    state = None if tracestate is None else tracestate_to_propagate(tracestate)
    if state is not None:
        headers.append((TRACESTATE, state))
    return headers


def trace_id(traceparent: bytes) -> str:
    """The trace id of a valid ``traceparent``, for log lines."""
    return traceparent.strip(b" \t")[3:35].decode()
