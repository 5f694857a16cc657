"""What the gateway knows about the request being served, for its records' headers and its log line.

The HTTP middleware (``loom_gateway.http.telemetry``) opens one context per request; ingestion
reads it (the device's trace headers) and notes what it learnt (device id, topic) without a
parameter threaded through every route kind. Each request runs in its own task, hence its own
``contextvars`` copy: a request never sees another's context.
"""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["REQUEST_CONTEXT", "RequestContext"]


class RequestContext:
    """One request's identity and trace, and the first device and topic it wrote to."""

    __slots__ = ("device_id", "request_id", "topic", "trace_headers", "trace_id")

    def __init__(
        self,
        request_id: str,
        trace_headers: list[tuple[str, str | bytes | None]] | None = None,
        trace_id: str | None = None,
    ) -> None:
        self.request_id = request_id
        self.trace_headers = trace_headers
        """``traceparent`` (and ``tracestate``) as Kafka record headers; None without a valid traceparent."""
        self.trace_id = trace_id
        self.device_id: str | None = None
        self.topic: str | None = None


REQUEST_CONTEXT: ContextVar[RequestContext | None] = ContextVar("loom_request_context", default=None)
"""The current request's context; None outside a request (tests calling ingestion directly, say)."""
