"""loom_gateway.http.telemetry: the middleware around every request, over a fake ASGI app."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from structlog.testing import capture_logs

from loom_catalog.catalog import DEVICE_SENSOR_GPS_V1
from loom_gateway.context import REQUEST_CONTEXT, RequestContext
from loom_gateway.errors import LoomError
from loom_gateway.http.telemetry import Telemetry
from loom_gateway.ingest.service import Ingestor, Settler
from loom_gateway.metrics import Metrics
from tests.support.mobile_bodies import gps

TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class FakeApp:
    """Answers with ``status`` after "routing" to ``template``; keeps the request context it saw."""

    def __init__(self, status: int = 202, template: str | None = "/sensor/gps", device: str | None = None):
        self.status = status
        self.template = template
        self.device = device
        self.seen: RequestContext | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.template is not None:
            scope["path_template"] = self.template
        self.seen = REQUEST_CONTEXT.get()
        if self.seen is not None and self.device is not None:
            self.seen.device_id, self.seen.topic = self.device, "device.sensor.gps.raw"
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def call(
    middleware: Telemetry, *headers: tuple[bytes, bytes], path: str = "/sensor/gps", method: str = "POST"
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"x-api-key", b"secret-key-never-logged"), *headers],
        "client": ("10.0.0.1", 5000),
    }
    asyncio.run(middleware(scope, receive, send))
    return sent


def response_headers(sent: list[dict[str, Any]]) -> dict[bytes, bytes]:
    return dict(sent[0]["headers"])


def test_counts_by_route_template_and_status_and_nothing_stays_in_flight() -> None:
    metrics = Metrics()
    telemetry = Telemetry(FakeApp(202), metrics)

    call(telemetry, path="/sensor/gps")
    call(Telemetry(FakeApp(404, template=None), metrics), path="/devices/abc/unknown")

    assert (
        metrics.registry.get_sample_value(
            "loom_http_requests_total", {"method": "POST", "route": "/sensor/gps", "status": "202"}
        )
        == 1
    )
    assert (
        metrics.registry.get_sample_value(
            "loom_http_requests_total", {"method": "POST", "route": "unmatched", "status": "404"}
        )
        == 1
    )
    assert metrics.requests_in_flight == 0


def test_request_ids_are_the_clients_when_sensible_else_generated() -> None:
    telemetry = Telemetry(FakeApp(), Metrics())

    echoed = response_headers(call(telemetry, (b"x-request-id", b"abc-123")))
    generated = [response_headers(call(telemetry))[b"x-request-id"] for _ in range(2)]
    replaced = response_headers(call(telemetry, (b"x-request-id", b"has spaces\nand a newline")))

    assert echoed[b"x-request-id"] == b"abc-123"
    assert generated[0] != generated[1]
    assert replaced[b"x-request-id"] != b"has spaces\nand a newline"


def test_the_trace_is_in_the_request_context_only_when_valid() -> None:
    app = FakeApp()
    telemetry = Telemetry(app, Metrics())

    call(telemetry, (b"traceparent", TRACEPARENT), (b"tracestate", b"a=1"), (b"tracestate", b"b=2"))
    traced = app.seen
    call(telemetry, (b"traceparent", b"00-garbage"))
    untraced = app.seen

    assert traced is not None
    assert traced.trace_headers == [("traceparent", TRACEPARENT), ("tracestate", b"a=1,b=2")]
    assert traced.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert untraced is not None
    assert untraced.trace_headers is None
    assert REQUEST_CONTEXT.get() is None  # reset after the request


@pytest.mark.parametrize(
    ("access_log", "status", "lines"),
    [("errors", 202, 0), ("errors", 422, 1), ("errors", 503, 1), ("off", 503, 0), ("all", 202, 1)],
)
def test_at_most_one_access_line_per_request(access_log: Any, status: int, lines: int) -> None:
    telemetry = Telemetry(FakeApp(status), Metrics(), access_log)

    with capture_logs() as logs:
        call(telemetry)

    assert len(logs) == lines


def test_an_access_line_names_request_device_topic_and_trace_but_no_key() -> None:
    telemetry = Telemetry(FakeApp(503, device="phone-1"), Metrics())

    with capture_logs() as logs:
        call(telemetry, (b"x-request-id", b"req-1"), (b"traceparent", TRACEPARENT), path="/sensor/gps")

    (line,) = logs
    assert line["log_level"] == "warning"
    assert {key: line[key] for key in line if key != "duration_ms"} == {
        "event": "request",
        "log_level": "warning",
        "request_id": "req-1",
        "method": "POST",
        "route": "/sensor/gps",
        "path": "/sensor/gps",
        "status": 503,
        "client": "10.0.0.1",
        "device_id": "phone-1",
        "topic": "device.sensor.gps.raw",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    }
    assert "secret-key-never-logged" not in repr(line)


def test_other_scopes_pass_through_with_their_trace() -> None:
    app = FakeApp()
    seen: list[RequestContext | None] = []

    async def websocket_app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(REQUEST_CONTEXT.get())

    async def nothing(*_: Any) -> Any:
        return None

    scope = {"type": "websocket", "path": "/stream", "headers": [(b"traceparent", TRACEPARENT)]}
    asyncio.run(Telemetry(websocket_app, Metrics())(scope, nothing, nothing))  # type: ignore[arg-type]

    assert app.seen is None
    assert seen[0] is not None
    assert seen[0].trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"


HEADER_BYTES = st.binary(max_size=700) | st.builds(
    lambda version, tail: version + TRACEPARENT[2:] + tail,
    st.sampled_from([b"00", b"01", b"fe", b"ff", b"0A"]),
    st.binary(max_size=600),
)
"""Arbitrary bytes, and traceparents of any version with arbitrary tails."""
TRACESTATE_BYTES = st.binary(max_size=700) | st.lists(st.from_regex(rb"\A[ -~]{0,40}\Z"), max_size=40).map(
    b",".join
)
STRICT_TRACEPARENT = re.compile(rb"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
STRICT_TRACESTATE_MEMBER = re.compile(
    rb"(?:[a-z][a-z0-9_*/-]{0,255}|[a-z0-9][a-z0-9_*/-]{0,240}@[a-z][a-z0-9_*/-]{0,13})"
    rb"=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]"
)
GPS_INGESTOR = Ingestor(DEVICE_SENSOR_GPS_V1, cast("Settler", None))  # prepare() needs no settler
GPS_READING = DEVICE_SENSOR_GPS_V1.model.model_validate_json(json.dumps(gps()))


@given(traceparent=HEADER_BYTES, tracestates=st.lists(TRACESTATE_BYTES, max_size=3))
def test_random_trace_headers_never_reach_a_record_header_unvalidated(
    traceparent: bytes, tracestates: list[bytes]
) -> None:
    # What a request's headers become in its records: the middleware's context, then a record.
    headers = [(b"traceparent", traceparent), *((b"tracestate", state) for state in tracestates)]
    context = Telemetry(FakeApp(), Metrics())._context(headers)
    token = REQUEST_CONTEXT.set(context)
    try:
        prepared = GPS_INGESTOR.prepare(GPS_READING, "2025-07-08T14:53:08.123456Z")
    finally:
        REQUEST_CONTEXT.reset(token)
    assert not isinstance(prepared, LoomError)

    record_headers = dict(prepared.record.headers)
    assert set(record_headers) <= {
        "loom.message_id",
        "loom.schema",
        "loom.schema_version",
        "content-type",
        "traceparent",
        "tracestate",
    }
    carried = record_headers.get("traceparent")
    if carried is None:
        assert "tracestate" not in record_headers
        return
    assert isinstance(carried, bytes)
    assert STRICT_TRACEPARENT.fullmatch(carried)
    # The trace it names is the client's: the ids came from what it sent, nothing else did.
    assert carried[3:] == traceparent.strip(b" \t")[3:55]
    state = record_headers.get("tracestate")
    if state is not None:
        assert isinstance(state, bytes)
        assert len(state) <= 512
        members = state.split(b",")
        assert len(members) <= 32
        assert all(STRICT_TRACESTATE_MEMBER.fullmatch(member) for member in members)


def test_a_valid_trace_does_reach_the_records_header() -> None:
    """The control for the property above: it does not pass by never carrying anything."""
    later = b"01" + TRACEPARENT[2:] + b"-" + b"x" * 20_000
    context = Telemetry(FakeApp(), Metrics())._context([(b"traceparent", later), (b"tracestate", b"a=1")])
    token = REQUEST_CONTEXT.set(context)
    try:
        prepared = GPS_INGESTOR.prepare(GPS_READING, "2025-07-08T14:53:08.123456Z")
    finally:
        REQUEST_CONTEXT.reset(token)
    assert not isinstance(prepared, LoomError)
    headers = dict(prepared.record.headers)
    assert (headers["traceparent"], headers["tracestate"]) == (TRACEPARENT, b"a=1")
