"""A service downstream of the gateway: GPS and heart-rate readings in, a per-device summary out.

    python -m examples.device_summary [--every 5] [--demo 20]

Reads the topics of ``device.sensor.gps`` v1 and ``device.health.heartrate`` v1 in the consumer
group ``device-summary`` (``--group-id``) from the Kafka in ``LOOM_KAFKA_BOOTSTRAP_SERVERS`` (default
127.0.0.1:9092, where ``loom-gateway dev`` runs its broker), prints the summary every few seconds
and once more on Ctrl-C / SIGTERM (after committing and leaving the group). ``--demo N`` first
posts N GPS and N heart-rate readings for three devices to the gateway at ``--gateway``.
Settings: ``LOOM_KAFKA_*`` as for the gateway, ``LOOM_CONSUMER_*`` for the consumer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import urllib.request
import uuid
from datetime import UTC, datetime

from examples.device_summary.summary import Summaries
from loom_catalog import CATALOG
from loom_catalog.models.device.health.heartrate.v1 import HeartRateReading
from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.consumer import (
    Consumed,
    Handlers,
    ReadingConsumer,
    load_consumer_settings,
    run_until_signalled,
)
from loom_gateway.errors import LoomError
from loom_gateway.settings import load_settings


def build(summaries: Summaries) -> Handlers:
    handlers = Handlers()

    @handlers.on("device.sensor.gps", 1)
    async def on_gps(reading: Consumed[GPSReading]) -> None:
        summaries.of(reading.value.device_id).add_fix(reading.value)

    @handlers.on("device.health.heartrate", 1)
    async def on_heart_rate(reading: Consumed[HeartRateReading]) -> None:
        summaries.of(reading.value.device_id).add_heart_rate(reading.value)

    return handlers


async def print_every(summaries: Summaries, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        print(f"\n{datetime.now(UTC):%H:%M:%S}\n{summaries.table()}", flush=True)


async def main(every_s: float, group_id: str) -> None:
    summaries = Summaries()
    consumer = ReadingConsumer(
        CATALOG,
        build(summaries),
        load_consumer_settings(group_id=group_id),
        load_settings(),
    )
    printer = asyncio.create_task(print_every(summaries, every_s))
    try:
        await run_until_signalled(consumer)
    finally:
        printer.cancel()
        print(f"\nfinal\n{summaries.table()}", flush=True)


def post_demo_readings(gateway: str, count: int) -> None:
    """``count`` GPS fixes (a short walk) and heart rates for each of three devices."""
    rng = random.Random(8)
    devices = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(3)]
    for index in range(count):
        for number, device in enumerate(devices):
            envelope = {
                "device_id": device,
                "recorded_at": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
                "message_id": str(uuid.uuid4()),
            }
            fix = {"latitude": 52.3676 + 0.0005 * index * (number + 1), "longitude": 4.9041 + 0.0003 * index}
            _post(f"{gateway}/sensor/gps", {**envelope, **fix, "message_id": str(uuid.uuid4())})
            _post(
                f"{gateway}/sensor/heartrate",
                {**envelope, "bpm": rng.randint(55 + 10 * number, 90 + 10 * number)},
            )
    print(f"posted {2 * count * len(devices)} readings for {len(devices)} devices to {gateway}", flush=True)


def _post(url: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    if key := os.environ.get("LOOM_EXAMPLE_API_KEY"):
        request.add_header("X-API-Key", key)
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 202:
            raise RuntimeError(f"{url} answered {response.status}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m examples.device_summary", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--every", type=float, default=5.0, help="seconds between summaries (default 5)")
    parser.add_argument(
        "--group-id",
        default=os.environ.get("LOOM_CONSUMER_GROUP_ID", "device-summary"),
        help="consumer group (default: LOOM_CONSUMER_GROUP_ID, else device-summary)",
    )
    parser.add_argument(
        "--demo", type=int, default=0, metavar="N", help="first post N readings per device and type"
    )
    parser.add_argument("--gateway", default="http://127.0.0.1:8000", help="gateway URL for --demo")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("loom_gateway.consumer").setLevel(os.environ.get("LOOM_LOG_LEVEL", "INFO"))
    try:
        if arguments.demo:
            post_demo_readings(arguments.gateway.rstrip("/"), arguments.demo)
        asyncio.run(main(arguments.every, arguments.group_id))
    except LoomError as error:
        sys.exit(f"device_summary: {error.detail}")
