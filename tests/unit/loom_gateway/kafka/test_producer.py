"""loom_gateway.kafka.producer: the parts of the Publisher that need no broker."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import confluent_kafka
import pytest
from confluent_kafka import KafkaError

from loom_gateway.errors import BrokerUnavailable, LoomError, Overloaded, ReadingTooLarge
from loom_gateway.kafka import producer
from loom_gateway.kafka.producer import Publisher, _classify, _DeliveryGroup, _Finished, _settle_all
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


def test_the_group_settles_once_every_record_is_reported_or_refused() -> None:
    async def delivered() -> list[LoomError | None]:
        outcomes: list[LoomError | None] = [None, None, None]
        finished = _Finished()
        group = _DeliveryGroup(finished, outcomes, asyncio.get_running_loop().create_future(), 3)
        group.report(0, None, None)
        group.refused(1, Overloaded("the producer queue is full"))
        assert finished.take() == []
        assert not group.done.done()
        group.report(2, KafkaError(KafkaError._MSG_TIMED_OUT), None)
        handed_over = finished.take()
        assert handed_over == [group.done]
        _settle_all(handed_over)
        await group.done
        return outcomes

    outcomes = asyncio.run(delivered())

    assert outcomes[0] is None
    assert isinstance(outcomes[1], Overloaded)
    assert isinstance(outcomes[2], BrokerUnavailable)
    assert outcomes[2].detail == "Kafka did not acknowledge the record: Local: Message timed out"


def test_a_group_of_no_records_is_settled_at_once() -> None:
    async def empty() -> bool:
        return _DeliveryGroup(_Finished(), [], asyncio.get_running_loop().create_future(), 0).done.done()

    assert asyncio.run(empty()) is True


def test_abandoning_fails_only_the_records_without_a_report_and_ignores_late_ones() -> None:
    async def abandoned() -> list[LoomError | None]:
        outcomes: list[LoomError | None] = [None, None]
        finished = _Finished()
        group = _DeliveryGroup(finished, outcomes, asyncio.get_running_loop().create_future(), 2)
        group.report(0, None, None)
        group.abandon(BrokerUnavailable("no delivery report from Kafka in time"))
        assert group.done.done()  # the waiting request is released
        group.report(1, None, None)  # too late: stays failed, and hands nothing over
        assert finished.take() == []
        return outcomes

    outcomes = asyncio.run(abandoned())

    assert outcomes[0] is None
    assert isinstance(outcomes[1], BrokerUnavailable)
    assert outcomes[1].detail == "no delivery report from Kafka in time"


def test_classify_accepts_the_error_a_kafka_exception_carries() -> None:
    exception = confluent_kafka.KafkaException(KafkaError(KafkaError.MSG_SIZE_TOO_LARGE))

    assert isinstance(_classify(exception.args[0]), ReadingTooLarge)


def test_a_report_that_arrives_before_produce_returns_still_counts() -> None:
    """The poll thread can deliver a report while produce() is still returning: the group
    expects every record from the start, so no report is lost and the request never hangs;
    a refusal of the last record settles the request on the loop itself."""

    async def raced() -> bool:
        outcomes: list[LoomError | None] = [None, None]
        finished = _Finished()
        group = _DeliveryGroup(finished, outcomes, asyncio.get_running_loop().create_future(), 2)
        group.report(0, None, None)  # reported at once
        group.refused(1, BrokerUnavailable("refused by produce()"))
        assert finished.take() == []  # settled here, not handed to a poll thread
        return group.done.done()

    assert asyncio.run(raced()) is True


def test_a_request_whose_reports_never_come_is_failed_once_its_deadline_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No timer per request: the sweeper fails what is still waiting past the deadline, and
    forgets the requests that were settled."""
    monkeypatch.setattr(producer, "_REPORT_GRACE_S", 0.0)
    monkeypatch.setattr(producer, "_SWEEP_INTERVAL_S", 0.01)
    settings = load_settings().model_copy(update={"kafka_delivery_timeout_ms": 50})

    async def waited() -> tuple[list[LoomError | None], list[LoomError | None], int]:
        publishing = Publisher(settings, {}, 65_536)  # no topics: no producer to open
        await publishing.start()
        loop = asyncio.get_running_loop()
        settled: list[LoomError | None] = [None]
        quick = _DeliveryGroup(_Finished(), settled, loop.create_future(), 1)
        quick.report(0, None, None)
        _settle_all([quick.done])
        await publishing._settled(quick)
        stuck_outcomes: list[LoomError | None] = [None, None]
        stuck = _DeliveryGroup(_Finished(), stuck_outcomes, loop.create_future(), 2)
        stuck.report(0, None, None)
        await asyncio.wait_for(publishing._settled(stuck), timeout=5)
        await asyncio.sleep(0.05)
        left = len(publishing._waiting)
        await publishing.close()
        return settled, stuck_outcomes, left

    settled, stuck, left = asyncio.run(waited())

    assert settled == [None]
    assert stuck[0] is None
    assert isinstance(stuck[1], BrokerUnavailable)
    assert stuck[1].detail == "no delivery report from Kafka in time"
    assert left == 0


class _FakeProducer:
    """produce() as the Publisher calls it (positionally), refusing or acknowledging at once."""

    def __init__(self, refuse: KafkaError | None) -> None:
        self._refuse = refuse

    def produce(self, topic: str, value: bytes, key: bytes, *rest: object) -> None:
        partition, on_delivery, _alias, timestamp, headers = rest
        assert (partition, timestamp, isinstance(headers, list)) == (-1, 0, True)
        if self._refuse is not None:
            raise confluent_kafka.KafkaException(self._refuse)
        on_delivery(None, None)  # type: ignore[operator]


@pytest.mark.parametrize(
    "refusal", [None, KafkaError(KafkaError._TRANSPORT)], ids=["acknowledged", "refused"]
)
def test_a_record_kafka_could_not_take_is_remembered_as_trouble(refusal: KafkaError | None) -> None:
    async def published() -> tuple[list[LoomError | None], str | None]:
        publishing = Publisher(load_settings(), {}, 65_536)
        await publishing.start()
        publishing._codec_of = {"t": "zstd"}
        publishing._lanes = {"zstd": SimpleNamespace(producer=_FakeProducer(refusal))}  # type: ignore[dict-item]
        try:
            waiting = asyncio.ensure_future(
                publishing.publish([Record("t", b"k", b"v", []), Record("t", b"k", b"w", [])])
            )
            await asyncio.sleep(0)
            for future in publishing._finished.take():  # what a poll thread would hand over
                _settle_all([future])
            return await asyncio.wait_for(waiting, timeout=5), publishing.trouble
        finally:
            publishing._lanes = {}
            await publishing.close()

    outcomes, trouble = asyncio.run(published())

    if refusal is None:
        assert (outcomes, trouble) == ([None, None], None)
    else:
        assert all(isinstance(outcome, BrokerUnavailable) for outcome in outcomes)
        assert trouble is not None
        assert trouble.startswith("Kafka did not acknowledge the record")
