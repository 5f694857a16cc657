"""Structured log lines: the event, then ``key=value`` fields, which are also the record's
``extra`` attributes (under ``consumer``) for formatters that render them as JSON fields."""

from __future__ import annotations

import logging

__all__ = ["log"]


def log(logger: logging.Logger, level: int, event: str, **fields: object) -> None:
    if not logger.isEnabledFor(level):
        return
    text = " ".join(f"{name}={value}" for name, value in fields.items())
    logger.log(level, "%s%s%s", event, " " if text else "", text, extra={"consumer": fields})
