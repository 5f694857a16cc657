"""Running the real app in-process against the test broker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from litestar.testing import TestClient

from loom_gateway.app import create_app
from loom_gateway.catalog import Catalog
from loom_gateway.settings import Settings

__all__ = ["TEST_API_KEY", "running_gateway"]

TEST_API_KEY = "test-key-0123456789abcdef"
"""The key test settings accept for any device; the gateway clients below send it."""


@contextmanager
def running_gateway(
    settings: Settings, catalog: Catalog, *, ready_within_s: float = 30.0
) -> Iterator[TestClient]:
    """A client for the gateway, returned once /readyz says its topics exist."""
    with TestClient(create_app(settings, catalog)) as client:
        client.headers["X-API-Key"] = TEST_API_KEY
        deadline = time.monotonic() + ready_within_s
        while client.get("/readyz").status_code != 200:
            if time.monotonic() > deadline:
                raise AssertionError(f"gateway not ready: {client.get('/readyz').json()}")
            time.sleep(0.05)
        yield client
