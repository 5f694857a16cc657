"""loom_gateway.kafka.producer: the parts of the Publisher that need no broker."""

from __future__ import annotations

import asyncio

import confluent_kafka
import pytest
from confluent_kafka import KafkaError

from loom_gateway.errors import BrokerUnavailable, ReadingTooLarge
from loom_gateway.kafka.producer import Publisher, _classify, _report, _settle
from loom_gateway.kafka.records import Record
from loom_gateway.settings import load_settings


def test_a_record_too_large_for_the_broker_is_reading_too_large() -> None:
    error = _classify(KafkaError(KafkaError.MSG_SIZE_TOO_LARGE))

    assert isinstance(error, ReadingTooLarge)
    assert error.status == 413
    assert error.detail == "Kafka refused the record as too large: Broker: Message size too large"


@pytest.mark.parametrize(
    "code",
    [
        KafkaError._MSG_TIMED_OUT,
        KafkaError._TRANSPORT,
        KafkaError._ALL_BROKERS_DOWN,
        KafkaError.NOT_ENOUGH_REPLICAS,
        KafkaError.TOPIC_AUTHORIZATION_FAILED,
        KafkaError.UNKNOWN_TOPIC_OR_PART,
    ],
)
def test_any_other_kafka_error_is_broker_unavailable(code: int) -> None:
    kafka_error = KafkaError(code)

    error = _classify(kafka_error)

    assert type(error) is BrokerUnavailable
    assert (error.status, error.retry_after) == (503, 5)
    assert error.detail == f"Kafka did not acknowledge the record: {kafka_error.str()}"


def publisher() -> Publisher:
    return Publisher(load_settings(), {"device.sensor.gps.raw": "zstd"}, 65_536)


def test_publish_before_start_is_a_programming_error() -> None:
    record = Record("device.sensor.gps.raw", b"k", b"{}", ())

    with pytest.raises(RuntimeError, match=r"^Publisher\.start\(\) was not awaited$"):
        asyncio.run(publisher().publish([record]))


def test_nothing_is_queued_before_start() -> None:
    assert publisher().queued() == 0


def test_a_delivery_report_settles_the_waiting_future() -> None:
    async def delivered() -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        _report(loop, future, None, None)  # type: ignore[arg-type]
        await future
        assert future.exception() is None

    asyncio.run(delivered())


def test_a_failed_delivery_report_fails_the_future_with_the_classified_error() -> None:
    async def failed() -> BaseException | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        _report(loop, future, KafkaError(KafkaError._MSG_TIMED_OUT), None)  # type: ignore[arg-type]
        await asyncio.wait([future])
        return future.exception()

    error = asyncio.run(failed())

    assert isinstance(error, BrokerUnavailable)
    assert error.detail == "Kafka did not acknowledge the record: Local: Message timed out"


def test_a_late_report_for_an_abandoned_future_is_ignored() -> None:
    async def late() -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.cancel()
        _settle(future, BrokerUnavailable("too late"))
        return future

    assert asyncio.run(late()).cancelled()


def test_classify_accepts_the_error_a_kafka_exception_carries() -> None:
    exception = confluent_kafka.KafkaException(KafkaError(KafkaError.MSG_SIZE_TOO_LARGE))

    assert isinstance(_classify(exception.args[0]), ReadingTooLarge)
