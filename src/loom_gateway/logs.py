"""Log configuration: one line per event, to stderr, kept off the request hot path."""

from __future__ import annotations

import logging

__all__ = ["configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format=_FORMAT, force=True)
    # librdkafka's own chatter reaches us as exceptions and delivery reports; keep HTTP access logs off.
    logging.getLogger("granian.access").setLevel(logging.WARNING)
