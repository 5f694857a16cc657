"""loom_gateway.logs: one JSON object per line (or a console line), for our loggers and foreign ones."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from loom_gateway.logs import configure_logging


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level
    structlog.reset_defaults()


def test_json_lines_from_stdlib_and_structlog_loggers(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")

    logging.getLogger("loom_gateway.kafka.bootstrap").warning("topic %s: drift", "a.b")
    structlog.stdlib.get_logger("loom_gateway.access").info("request", status=422, device_id="phone-1")
    logging.getLogger("loom_gateway.app").debug("below the level")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [{key: line[key] for key in line if key != "timestamp"} for line in lines] == [
        {"event": "topic a.b: drift", "level": "warning", "logger": "loom_gateway.kafka.bootstrap"},
        {
            "event": "request",
            "level": "info",
            "logger": "loom_gateway.access",
            "status": 422,
            "device_id": "phone-1",
        },
    ]
    assert all(line["timestamp"].endswith("Z") for line in lines)


def test_exceptions_are_one_json_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("loom_gateway").exception("unhandled")

    (line,) = capsys.readouterr().err.splitlines()
    assert "RuntimeError: boom" in json.loads(line)["exception"]


def test_console_format_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "console")

    structlog.stdlib.get_logger("loom_gateway.access").info("request", status=404)

    err = capsys.readouterr().err
    assert "request" in err
    assert "status=404" in err
    assert not err.startswith("{")
