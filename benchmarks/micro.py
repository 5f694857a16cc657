"""Per-reading costs of the array path's pieces, each the minimum of several repeats.

    python -m benchmarks.micro

For A/B decisions on a shared machine, where whole-request CPU moves by ±15% between identical
runs: the minimum of repeats of one piece at a time is steadier. Prints, per reading of an array
of 100 GPS readings (and of the same readings as generic items of a ``/sensor/batch`` array):

- the pieces of validation (the model's ``validation.validate_all``, its msgspec mirror's
  ``StructMirror.array``, which ingestion tries first, the finite-number check, and for
  ``/sensor/batch`` the one pass that turns the generic items into GPS readings);
- ``Ingestor.prepare_all`` (the records: value, key, headers) of the model's readings and of the
  mirror's, inside a request context with a trace;
- the whole array through ``Ingestor.ingest`` (and ``Dispatcher.ingest`` for ``/sensor/batch``)
  and its answer, publishing stubbed;
- ``Publisher.publish`` of 100 records against librdkafka's mock cluster (no broker process:
  ``test.mock.num.brokers``), CPU of the calling thread and of the whole process;
- the delivery reports: 100 records produced with a callback each, or one callback for the
  last of them (what one report per request and partition would save), against the same mock.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import threading
import time
import timeit
from collections.abc import Callable

import confluent_kafka

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType, Dispatch
from loom_gateway.context import REQUEST_CONTEXT, RequestContext
from loom_gateway.http.results import result_answer
from loom_gateway.ingest.dedupe import RecentMessages
from loom_gateway.ingest.dispatch import Dispatcher
from loom_gateway.ingest.one_pass import OnePassDispatch
from loom_gateway.ingest.service import Ingestor, Settler, received_now
from loom_gateway.ingest.validation import require_finite_numbers, validate_all
from loom_gateway.kafka.producer import Publisher
from loom_gateway.kafka.records import Record
from loom_gateway.metrics import Metrics
from loom_gateway.settings import Settings

_BATCH = 100
_ENVELOPE = (
    '"device_id":"bench-%d","recorded_at":"2025-07-08T16:53:08.123456","timestamp":null,'
    '"message_id":"0b8e6a52-0000-4000-8000-%012x","trace_id":null,'
    '"services_encountered":["mobile-client"],"content_hash":null'
)
_GPS = '"latitude":52.3676,"longitude":4.9041,"altitude":2.5,"accuracy":8.0,"heading":null,"speed":0.0'
_TYPED_ITEM = "{" + _ENVELOPE + "," + _GPS + "}"
# The same reading as a generic item of a /sensor/batch array.
_GENERIC_ITEM = "{" + _ENVELOPE + ',"sensor_type":"gps","value":{' + _GPS + "}}"
_TRACE = [("traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
_MOCK = {"test.mock.num.brokers": 1}


def main() -> None:
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)  # as the gateway runs (app.py)
    dispatch = next(dispatch for dispatch in CATALOG.dispatches if dispatch.path == "/sensor/batch")
    gps = dispatch.targets["gps"]
    typed = _array(_TYPED_ITEM)
    generic_body = _array(_GENERIC_ITEM)
    readings = validate_all(gps, typed) or []
    ingestor = Ingestor(gps, None)  # type: ignore[arg-type]  # prepare_all() needs no settler
    mirror = ingestor._mirror
    assert mirror is not None, "the GPS model has a mirror"
    mirrored = mirror.array(typed) or []

    print(f"per reading of an array of {_BATCH} GPS readings, minimum of repeats:")
    _time("finite-number check, typed array", lambda: require_finite_numbers(typed))
    _time("validate_all, typed array (GPS)", lambda: validate_all(gps, typed))
    _time("StructMirror.array, typed array (GPS)", lambda: mirror.array(typed))
    _time("finite-number check, /sensor/batch array", lambda: require_finite_numbers(generic_body))
    one_pass = OnePassDispatch(dispatch)
    _time("OnePassDispatch.readings, /sensor/batch array", lambda: one_pass.readings(generic_body))

    def prepare(batch: list[object]) -> Callable[[], object]:
        def prepare_all() -> object:
            REQUEST_CONTEXT.set(RequestContext("bench", list(_TRACE), "trace"))
            received_at = received_now()
            return ingestor.prepare_all(batch, received_at)  # type: ignore[arg-type]

        return prepare_all

    _time("Ingestor.prepare_all, the model's readings", prepare(list(readings)))
    _time("Ingestor.prepare_all, the mirror's readings", prepare(list(mirrored)))
    asyncio.run(_ingest_without_kafka(gps, dispatch))
    asyncio.run(_publish(gps.topic.name))
    _delivery_reports()


def _array(item: str, first: int = 0) -> bytes:
    numbers = range(first, first + _BATCH)
    return ("[" + ",".join(item % (number % 64, number) for number in numbers) + "]").encode()


def _time(label: str, piece: Callable[[], object], number: int = 100) -> None:
    best = min(timeit.repeat(piece, number=number, repeat=9)) / number / _BATCH
    print(f"  {label:55} {best * 1e6:6.2f} µs")


class _Acknowledged:
    """A publisher whose records are all acknowledged at once: what is left is the gateway's own."""

    async def publish(self, records: list[Record]) -> list[None]:
        return [None] * len(records)


async def _ingest_without_kafka(gps: DataType, dispatch: Dispatch) -> None:
    """A whole array through ``Ingestor.ingest`` (and the same readings through ``/sensor/batch``'s
    ``Dispatcher.ingest``) and its answer, publishing stubbed: validation, the records, admission,
    the idempotency window (fresh ids each time, as a window of 100,000 fills), the per-reading
    outcomes and the JSON answer."""
    for line, item, make_route in (
        (
            "Ingestor.ingest + result_answer, Kafka stubbed",
            _TYPED_ITEM,
            lambda settler: Ingestor(gps, settler),
        ),
        (
            "Dispatcher.ingest (/sensor/batch), the same, stubbed",
            _GENERIC_ITEM,
            lambda settler: Dispatcher(
                dispatch,
                {
                    data_type: Ingestor(data_type, settler)
                    for data_type in (dispatch.data_type, *dispatch.targets.values())
                },
                settler,
            ),
        ),
    ):
        recent = RecentMessages(600.0, 100_000)
        route = make_route(Settler(_Acknowledged(), Metrics(), recent=recent))  # type: ignore[arg-type]
        repeats, number = 9, 20
        bodies = iter([_array(item, first=body * _BATCH) for body in range(1100 + repeats * number)])
        for _ in range(1100):  # warm-up, and a window of 100,000 ids already full
            result_answer(await route.ingest(next(bodies)))
        best = float("inf")
        for _ in range(repeats):
            batch = [next(bodies) for _ in range(number)]
            started = time.process_time()
            for body in batch:
                result_answer(await route.ingest(body))
            best = min(best, time.process_time() - started)
        print(f"  {line:55} {best / number / _BATCH * 1e6:6.2f} µs")


async def _publish(topic: str) -> None:
    settings = Settings(kafka_bootstrap_servers="127.0.0.1:9", kafka_client_config=_MOCK)
    publisher = Publisher(settings, {topic: "zstd"}, 1_000_000)
    await publisher.start()
    try:
        value = (_TYPED_ITEM % (1, 1)).encode()
        records = [
            Record(topic, b"bench-%d" % (n % 64), value, [("loom.message_id", b"%d" % n), *_TRACE])
            for n in range(_BATCH)
        ]
        for _ in range(20):  # warm-up: connections, the idempotent producer's id
            await publisher.publish(records)
        loop_s = process_s = float("inf")
        for _ in range(9):
            loop, process = time.thread_time(), time.process_time()
            await asyncio.gather(*(publisher.publish(records) for _ in range(16)))
            loop_s = min(loop_s, time.thread_time() - loop)
            process_s = min(process_s, time.process_time() - process)
        records_sent = 16 * _BATCH
        print(
            f"  {'Publisher.publish (mock cluster), loop thread / process':55} "
            f"{loop_s / records_sent * 1e6:6.2f} / {process_s / records_sent * 1e6:.2f} µs"
        )
    finally:
        await publisher.close()


def _delivery_reports() -> None:
    producer = confluent_kafka.Producer(
        {**_MOCK, "enable.idempotence": True, "acks": "all", "linger.ms": 1, "compression.type": "zstd"}
    )
    stopping = threading.Event()

    def poll() -> None:  # as the gateway's lane: reports served on their own thread
        while not stopping.is_set():
            producer.poll(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()

    def report(_index: int, _error: object, _message: object) -> None:
        pass

    def last(_error: object, _message: object) -> None:
        pass

    value, headers = b"x" * 330, [("loom.message_id", b"0b8e6a52-3c1f-4d7e-9a2b-5f4c8d1e7a63"), *_TRACE]
    producer.produce("warm-up", value)
    producer.flush(10)
    requests = 20

    def every_record() -> None:
        for _ in range(requests):
            for index in range(_BATCH):
                callback = functools.partial(report, index)
                producer.produce("t", value, b"k%d" % index, -1, callback, None, 0, headers)
        producer.flush(10)

    def one_per_request() -> None:
        for _ in range(requests):
            for index in range(_BATCH):
                callback = last if index == _BATCH - 1 else None
                producer.produce("t", value, b"k%d" % index, -1, callback, None, 0, headers)
        producer.flush(10)

    try:
        for label, run in (("a callback per record", every_record), ("one per 100 records", one_per_request)):
            best = float("inf")
            for _ in range(9):
                started = time.process_time()
                run()
                best = min(best, time.process_time() - started)
            line = f"produce + delivery reports, {label}, process"
            print(f"  {line:55} {best / requests / _BATCH * 1e6:6.2f} µs")
    finally:
        stopping.set()
        poller.join()


if __name__ == "__main__":
    main()
