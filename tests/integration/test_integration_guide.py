"""The generated integration guide's curl lines, run against a live ``loom-gateway dev``."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from loom_catalog import CATALOG
from loom_gateway.kafka.topics import desired_topics
from loom_gateway.settings import load_settings
from tests.support.dev_server import DevServer, running_dev_server

pytestmark = pytest.mark.kafka

GUIDE = Path(__file__).resolve().parents[2] / "generated" / "INTEGRATION.md"
CURL_LINES = [line for line in GUIDE.read_text("utf-8").splitlines() if line.startswith("curl ")]


@pytest.fixture(scope="module")
def dev_server() -> Iterator[DevServer]:
    with running_dev_server() as server:
        yield server


def test_the_guide_has_a_curl_line_for_every_route() -> None:
    posted = {re.search(r"localhost:8000(/\S*)", line).group(1) for line in CURL_LINES}  # type: ignore[union-attr]
    served = {route.path for route in CATALOG.routes} | {dispatch.path for dispatch in CATALOG.dispatches}
    expected = {path for path in served if not re.match(r"/v[0-9]+/", path)}  # the same, per version
    assert expected <= posted


@pytest.mark.skipif(shutil.which("curl") is None, reason="the guide's commands need curl")
@pytest.mark.parametrize("line", CURL_LINES, ids=lambda line: line.split("localhost:8000", 1)[1].split()[0])
def test_each_curl_line_succeeds_against_loom_gateway_dev(dev_server: DevServer, line: str) -> None:
    command = shlex.split(line.replace("http://localhost:8000", dev_server.base_url))
    completed = subprocess.run(
        [*command, "-o", "/dev/stderr", "-w", "%{http_code}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("2"), f"{completed.stdout}: {completed.stderr}"


def test_every_catalog_topic_exists_after_dev_starts(dev_server: DevServer) -> None:
    metadata = AdminClient({"bootstrap.servers": dev_server.bootstrap_servers}).list_topics(timeout=10)

    # Every topic the catalog wants with dev's settings (the quarantine topic only when enabled).
    assert {topic.name for topic in desired_topics(CATALOG, load_settings())} <= set(metadata.topics)
