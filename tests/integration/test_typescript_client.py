"""What a browser or Node team does: generate TypeScript types from the served OpenAPI document
(openapi-typescript), type-check a small client program against them with ``tsc --strict`` (and a
fixture with a field of the wrong type, which must fail), run it (openapi-fetch) to post web-analytics
readings, and find them in Kafka. The gateway takes its keys as LOOM_API_KEYS' list form here.

The npm packages come from tests/clients/typescript/package-lock.json, installed with ``npm ci`` once per
lock into pytest's cache (.pytest_cache/d/typescript-client/<lock digest>/), never globally. Needs Node
20+ and npm on PATH."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from loom_catalog import CATALOG
from tests.support.gateway import TEST_API_KEY
from tests.support.kafka import read_topic
from tests.support.serve_server import running_serve

pytestmark = pytest.mark.kafka

CLIENT = Path(__file__).resolve().parents[1] / "clients" / "typescript"
LOCK_FILES = ("package.json", "package-lock.json")
SOURCES = ("package.json", "tsconfig.json", "tsconfig.negative.json", "src", "negative")
WEB_ANALYTICS_TOPIC = next(
    route.data_type.topic.name for route in CATALOG.routes if route.path == "/digital/web-analytics"
)
BROWSER_KEY = "browser-extension-key-0123456789"
"""The second key of the gateway's LOOM_API_KEYS list (``<TEST_API_KEY>,<BROWSER_KEY>``)."""
NEGATIVE = CLIENT / "negative" / "wrong_field_type.ts"


def run(command: list[str], cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "npm_config_update_notifier": "false", **environment},
    )


@pytest.fixture(scope="module")
def node_modules(request: pytest.FixtureRequest) -> Path:
    """The client's npm packages, exactly as locked; installed on the first run after the lock changed."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is not on PATH: this test needs Node 20+ and npm (e.g. apt-get install nodejs npm)"
            )
    digest = hashlib.sha256(b"".join((CLIENT / name).read_bytes() for name in LOCK_FILES)).hexdigest()[:16]
    cache = request.config.cache.mkdir("typescript-client")  # type: ignore[union-attr]
    installed = cache / digest
    if not (installed / "node_modules" / ".package-lock.json").is_file():
        staging = cache / f"{digest}.installing-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for name in LOCK_FILES:
            shutil.copy2(CLIENT / name, staging / name)
        npm = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", str(cache / "npm")]
        completed = run(npm, staging)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        shutil.rmtree(installed, ignore_errors=True)
        staging.rename(installed)
        for stale in cache.iterdir():  # installs of earlier locks
            if stale.name not in {digest, "npm"} and ".installing-" not in stale.name:
                shutil.rmtree(stale, ignore_errors=True)
    return installed / "node_modules"


def client_copy(node_modules: Path, into: Path) -> Path:
    """The committed client sources in a scratch directory, with the cached packages linked in."""
    work = into / "typescript-client"
    work.mkdir()
    for name in SOURCES:
        source = CLIENT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("loom-api.ts"))
        else:
            shutil.copy2(source, work / name)
    (work / "node_modules").symlink_to(node_modules, target_is_directory=True)
    return work


def negative_line() -> int:
    lines = NEGATIVE.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if "// wrong type" in line)


def test_a_generated_typescript_client_type_checks_and_posts_readings_that_land_in_kafka(
    kafka_bootstrap_servers: str, topic_prefix: str, tmp_path: Path, node_modules: Path
) -> None:
    work = client_copy(node_modules, tmp_path)
    device_id = f"browser-{uuid.uuid4().hex[:12]}"
    single_id, *batch_ids = (str(uuid.uuid4()) for _ in range(4))
    bin_dir = work / "node_modules" / ".bin"

    with running_serve(
        kafka_bootstrap_servers,
        workers=1,
        kafka_topic_prefix=topic_prefix,
        api_keys=f"{TEST_API_KEY},{BROWSER_KEY}",  # the list form: each key for any device
    ) as server:
        generated = run(
            [str(bin_dir / "openapi-typescript"), f"{server.base_url}/openapi.json", "-o", "src/loom-api.ts"],
            work,
        )
        checked = run([str(bin_dir / "tsc"), "-p", "tsconfig.json", "--strict", "--pretty", "false"], work)
        refused = run(
            [str(bin_dir / "tsc"), "-p", "tsconfig.negative.json", "--strict", "--pretty", "false"], work
        )
        posted = run(
            ["node", "out/post_readings.js", server.base_url, device_id, single_id, *batch_ids],
            work,
            LOOM_API_KEY=TEST_API_KEY,
            LOOM_BEARER_KEY=BROWSER_KEY,
        )

    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert not re.search(r"warn|error", generated.stdout + generated.stderr, re.IGNORECASE), generated.stderr
    assert "digital_web_analytics_v1: {" in (work / "src" / "loom-api.ts").read_text("utf-8")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The negative fixture: tsc refuses exactly the line with the string where the schema says number.
    assert refused.returncode != 0
    assert refused.stdout.splitlines() == [
        f"negative/wrong_field_type.ts({negative_line()},3): error TS2322:"
        " Type 'string' is not assignable to type 'number'."
    ], refused.stdout + refused.stderr

    assert posted.returncode == 0, posted.stdout + posted.stderr
    answers = json.loads(posted.stdout)
    assert answers["single"] == {
        "status": 202,
        "message_id": single_id,
        "topic": topic_prefix + WEB_ANALYTICS_TOPIC,
    }
    assert answers["batch"] == {"status": 202, "total": 3, "processed": 3, "failed": 0}
    assert answers["refused"]["status"] == 422
    assert answers["refused"]["problem"]["pointers"] == ["/visit_duration_seconds"]
    assert answers["unknown_key"]["status"] == 401

    records = read_topic(kafka_bootstrap_servers, topic_prefix + WEB_ANALYTICS_TOPIC, expected=4)
    landed = sorted((record.key, json.loads(record.value)["message_id"]) for record in records)
    assert landed == sorted((device_id.encode(), message_id) for message_id in [single_id, *batch_ids])
