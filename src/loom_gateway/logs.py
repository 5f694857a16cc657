"""Log configuration: structured lines to stderr, JSON for collectors or a console format for people.

Everything goes through one handler on the root logger: the gateway's ``logging`` loggers and
third-party ones are rendered by structlog's ``ProcessorFormatter`` like structlog's own loggers
(the access log in ``loom_gateway.http.telemetry``). A JSON line carries ``timestamp`` (UTC,
RFC 3339), ``level``, ``logger`` and ``event`` (the message), plus the fields a call adds.
Never log a body, a reading or a key.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog
from structlog.typing import Processor

__all__ = ["configure_logging"]


def configure_logging(level: str, log_format: Literal["json", "console"] = "json") -> None:
    shared: list[Processor] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
        tail: list[Processor] = [structlog.processors.format_exc_info]
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        tail = []
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # librdkafka's own chatter reaches us as exceptions and delivery reports; the server's access log
    # stays off (ours, LOOM_ACCESS_LOG, knows routes, request ids and devices).
    logging.getLogger("granian.access").setLevel(logging.WARNING)
