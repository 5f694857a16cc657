"""Unit tests of the runtime: no broker, no network, and no ``LOOM_*`` variables leaking in."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_loom_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built in a test see only what the test sets (CI may export LOOM_KAFKA_BOOTSTRAP_SERVERS)."""
    for name in list(os.environ):
        if name.upper().startswith("LOOM_"):
            monkeypatch.delenv(name)
