"""loom_gateway.app: settings checked against the catalog when the app is built."""

from __future__ import annotations

import pytest

from loom_catalog import CATALOG
from loom_gateway.app import create_app
from loom_gateway.errors import ConfigurationError
from loom_gateway.settings import load_settings


def test_a_body_buffer_smaller_than_the_largest_body_a_route_takes_is_refused() -> None:
    largest = max(data_type.max_body_bytes for data_type in CATALOG.data_types)

    with pytest.raises(ConfigurationError, match="LOOM_MAX_BUFFERED_BODY_BYTES"):
        create_app(load_settings(auth_disabled=True, max_buffered_body_bytes=largest - 1), CATALOG)
    create_app(load_settings(auth_disabled=True, max_buffered_body_bytes=largest), CATALOG)
