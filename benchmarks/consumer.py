"""Consumer throughput for GPS readings on one core.

    python -m benchmarks.consumer [--records 200000] [--partitions 3] [--cpu 0] [--dedupe] [--avro]

Starts an embedded broker (or uses ``LOOM_KAFKA_BOOTSTRAP_SERVERS``), writes N GPS records
straight to a fresh GPS topic with confluent-kafka, exactly as the gateway writes them (JSON
value with the server fields, key = device id, ``loom.message_id``/``loom.schema``/
``content-type`` headers, the topic's codec; ``--avro``: the Confluent wire format of
``LOOM_VALUE_FORMAT=avro``), then pins this process to one core and times:

1. **client ceiling**: librdkafka alone, ``consume()`` batches of 500 with partitions assigned
   (no group, no decoding);
2. **decode ceiling**: ``GPSReading.model_validate_json`` on every JSON value, in a loop;
3. **consumer**: ``ReadingConsumer`` in a consumer group, a no-op async handler, at-least-once
   commits every second (the defaults), from the first record handled to the last.

The broker runs unpinned on the machine's other cores. Benchmarks are not tests: nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import confluent_kafka

from loom_catalog import CATALOG
from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.consumer import AVRO_MEDIA_TYPE, Consumed, Handlers, ReadingConsumer, load_consumer_settings
from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from loom_gateway.ingest.avro import avro_values
from loom_gateway.kafka.topics import DesiredTopic, TopicAdmin
from loom_gateway.settings import Settings, load_settings

GPS = next(
    data_type for data_type in CATALOG.readings() if data_type.qualified_name == "device.sensor.gps.v1"
)


@contextmanager
def broker() -> Iterator[str]:
    configured = os.environ.get("LOOM_KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    with EmbeddedBroker(free_port()) as embedded:
        yield embedded.bootstrap_servers


def gps_value(device: str, index: int) -> tuple[bytes, str]:
    message_id = str(uuid.uuid4())
    reading = {
        "device_id": device,
        "recorded_at": "2025-07-08T16:53:08.123456",
        "timestamp": None,
        "message_id": message_id,
        "trace_id": None,
        "services_encountered": ["mobile-client"],
        "content_hash": "9c1d2e7a5b8c0d13",
        "latitude": 52.3676 + index * 1e-6,
        "longitude": 4.9041,
        "altitude": None,
        "accuracy": 8.0,
        "heading": None,
        "speed": None,
        "received_at": "2025-07-08T16:53:09.123456Z",
    }
    return json.dumps(reading, separators=(",", ":")).encode(), message_id


def produce(servers: str, topic: str, records: int, avro: bool) -> list[bytes]:
    producer = confluent_kafka.Producer(
        {
            "bootstrap.servers": servers,
            "linger.ms": 20,
            "compression.type": GPS.topic.compression,
            "queue.buffering.max.messages": 1_000_000,
        }
    )
    schema = GPS.schema_id.encode()
    encode = avro_values(CATALOG, GPS).encode if avro else None
    content_type = AVRO_MEDIA_TYPE.encode() if avro else b"application/json"
    devices = [str(uuid.uuid4()) for _ in range(100)]
    values = []
    for index in range(records):
        value, message_id = gps_value(devices[index % len(devices)], index)
        values.append(value)
        while True:
            try:
                producer.produce(
                    topic,
                    key=devices[index % len(devices)].encode(),
                    value=value if encode is None else encode(value),
                    headers=[
                        ("loom.message_id", message_id.encode()),
                        ("loom.schema", schema),
                        ("content-type", content_type),
                    ],
                )
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    left = producer.flush(60)
    if left:
        raise SystemExit(f"{left} records not delivered")
    return values


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def client_ceiling(servers: str, topic: str, partitions: int, records: int) -> tuple[float, float]:
    consumer = confluent_kafka.Consumer(
        {"bootstrap.servers": servers, "group.id": f"bench-raw-{uuid.uuid4()}", "enable.auto.commit": False}
    )
    consumer.assign(
        [
            confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
            for p in range(partitions)
        ]
    )
    seen, started, cpu = 0, 0.0, 0.0
    try:
        while seen < records:
            messages = consumer.consume(500, 1.0)
            if messages and not seen:
                started, cpu = time.perf_counter(), cpu_s()
            seen += sum(1 for message in messages if message.error() is None)
        return time.perf_counter() - started, cpu_s() - cpu
    finally:
        consumer.close()


def decode_ceiling(values: list[bytes]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), cpu_s()
    for value in values:
        GPSReading.model_validate_json(value)
    return time.perf_counter() - started, cpu_s() - cpu


async def consume(settings: Settings, records: int, dedupe: bool) -> tuple[float, float]:
    handled = 0
    first = cpu_first = 0.0
    consumer: ReadingConsumer

    async def nothing(_reading: Consumed[GPSReading]) -> None:
        nonlocal handled, first, cpu_first
        handled += 1
        if handled == 1:
            first, cpu_first = time.perf_counter(), cpu_s()
        elif handled == records:
            consumer.stop()

    handlers = Handlers()
    handlers.add(GPS.name, GPS.version, nothing)
    own: dict[str, Any] = {
        "group_id": f"bench-{uuid.uuid4().hex[:8]}",
        "session_timeout_ms": 6000,
        "heartbeat_interval_ms": 1000,
    }
    if dedupe:
        own["dedupe_window_s"] = 600
    consumer = ReadingConsumer(CATALOG, handlers, load_consumer_settings(**own), settings)
    await consumer.run()
    if handled != records:
        raise SystemExit(f"handled {handled} of {records}")
    return time.perf_counter() - first, cpu_s() - cpu_first


def report(name: str, records: int, wall_s: float, cpu: float) -> None:
    print(
        f"{name:<40} {records / wall_s:>10,.0f} records/s   {wall_s:6.2f} s wall   "
        f"{cpu / records * 1e6:6.1f} µs CPU/record",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.consumer")
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=0, help="the core this process is pinned to")
    parser.add_argument("--dedupe", action="store_true", help="with a dedupe window on loom.message_id")
    parser.add_argument("--avro", action="store_true", help="Avro values (LOOM_VALUE_FORMAT=avro), not JSON")
    arguments = parser.parse_args()
    with broker() as servers:
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        settings = load_settings(kafka_bootstrap_servers=servers, kafka_topic_prefix=prefix)
        topic = settings.topic_name(GPS.topic.name)
        TopicAdmin(settings).create([DesiredTopic(topic, arguments.partitions, 1, {})])
        started = time.perf_counter()
        values = produce(servers, topic, arguments.records, arguments.avro)
        print(
            f"produced {arguments.records:,} GPS records in {time.perf_counter() - started:.1f} s", flush=True
        )
        os.sched_setaffinity(0, {arguments.cpu})  # threads started from now on inherit it
        print(f"pinned to core {arguments.cpu}; broker unpinned", flush=True)
        report(
            "client ceiling (librdkafka only)",
            arguments.records,
            *client_ceiling(servers, topic, arguments.partitions, arguments.records),
        )
        report("decode ceiling (pydantic only)", arguments.records, *decode_ceiling(values))
        report(
            "ReadingConsumer, no-op handler"
            + (" +dedupe" if arguments.dedupe else "")
            + (" (Avro)" if arguments.avro else " (JSON)"),
            arguments.records,
            *asyncio.run(consume(settings, arguments.records, arguments.dedupe)),
        )


if __name__ == "__main__":
    main()
