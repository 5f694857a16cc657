"""SIGTERM to ``loom-gateway serve`` while readings wait for Kafka: the server stops accepting
connections, answers every request it had already read, flushes the producer and exits 0;
every reading it acknowledged is in Kafka, and none it could not deliver is acknowledged.

One worker, so that its /metrics tells exactly how many readings are waiting when the signal
is sent (with several workers, each scrape reaches only one of them). Run with ``-s`` to see
the figures.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from loom_gateway.embedded_broker import EmbeddedBroker
from tests.support.kafka import read_topic
from tests.support.load import HEARTRATE_TOPIC, Answer, Load, by_status, post_reading
from tests.support.serve_server import ServeServer, running_serve

pytestmark = pytest.mark.kafka

IN_FLIGHT = 24
REPORT_GRACE_S = 5.0
"""How long the producer waits for a delivery report beyond the delivery timeout
(``_REPORT_GRACE_S`` in loom_gateway/kafka/producer.py)."""
SLACK_S = 5.0
"""For a shared 2-core machine."""


def queued_records(server: ServeServer) -> float:
    """The worker's ``loom_producer_queued_records``: readings waiting for Kafka's acknowledgement."""
    metrics = httpx.get(f"{server.base_url}/metrics", timeout=5).text
    found = re.search(r"^loom_producer_queued_records (\S+)$", metrics, re.MULTILINE)
    assert found is not None, metrics
    return float(found.group(1))


def wait_until(what: str, condition: Callable[[], bool], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, f"not within {within_s}s: {what}"
        time.sleep(0.02)


def refuses_connections(server: ServeServer) -> bool:
    try:
        httpx.get(f"{server.base_url}/healthz", timeout=2)
    except httpx.ConnectError:
        return True
    except httpx.TransportError:
        return False
    return False


def readings_in_flight(
    server: ServeServer, pool: ThreadPoolExecutor, within_s: float
) -> list[Future[Answer]]:
    """``IN_FLIGHT`` readings, each on its own connection, once the worker holds them all
    (``within_s``: before the first of them could time out)."""

    def post_one() -> Answer:
        with httpx.Client(base_url=server.base_url, headers=server.headers, timeout=60) as client:
            return post_reading(client)

    futures = [pool.submit(post_one) for _ in range(IN_FLIGHT)]
    wait_until(
        f"{IN_FLIGHT} readings waiting for Kafka", lambda: queued_records(server) == IN_FLIGHT, within_s
    )
    return futures


def test_sigterm_finishes_the_requests_in_flight_and_kafka_has_every_acknowledged_one(
    broker: EmbeddedBroker,
) -> None:
    delivery_timeout_s = 8.0
    prefix = f"drain{time.monotonic_ns() % 10**9}."
    with (
        running_serve(
            broker.bootstrap_servers,
            workers=1,
            kafka_topic_prefix=prefix,
            kafka_delivery_timeout_ms=int(delivery_timeout_s * 1000),
        ) as server,
        ThreadPoolExecutor(IN_FLIGHT) as pool,
    ):
        broker.pause()  # every reading now waits for the broker
        futures = readings_in_flight(server, pool, within_s=delivery_timeout_s / 2)
        signalled = time.monotonic()
        server.process.terminate()
        wait_until("new connections refused after SIGTERM", lambda: refuses_connections(server), 5.0)
        listener_closed_s = time.monotonic() - signalled
        broker.resume()
        answers = [future.result() for future in futures]
        exit_code = server.process.wait(timeout=2 * delivery_timeout_s + SLACK_S)
        exited_s = time.monotonic() - signalled

    print(
        f"\nSIGTERM with {IN_FLIGHT} readings waiting on a stalled broker, which then came back:"
        f" answers {by_status(answers)}, listener closed {listener_closed_s:.2f}s after the signal,"
        f" last answer {max(a.finished for a in answers) - signalled:.2f}s, exit {exit_code}"
        f" {exited_s:.2f}s after it"
    )
    assert [a.outcome for a in answers] == ["202"] * IN_FLIGHT
    assert exit_code == 0, server.log()[-3000:]
    consumed = read_topic(broker.bootstrap_servers, prefix + HEARTRATE_TOPIC, expected=IN_FLIGHT)
    assert {a.message_id for a in answers} - {json.loads(r.value)["message_id"] for r in consumed} == set()


def test_sigterm_with_the_broker_stalled_answers_503_and_exits_within_the_bound(
    broker: EmbeddedBroker,
) -> None:
    delivery_timeout_s = 2.0
    answer_bound_s = delivery_timeout_s + REPORT_GRACE_S + SLACK_S
    # Draining waits for the answers; shutdown then gives the device registry and the producer
    # the delivery timeout each.
    exit_bound_s = answer_bound_s + 2 * delivery_timeout_s
    prefix = f"drain{time.monotonic_ns() % 10**9}."
    with (
        running_serve(
            broker.bootstrap_servers,
            workers=1,
            kafka_topic_prefix=prefix,
            kafka_delivery_timeout_ms=int(delivery_timeout_s * 1000),
        ) as server,
        ThreadPoolExecutor(IN_FLIGHT) as pool,
    ):
        broker.pause()  # and it stays stalled
        futures = readings_in_flight(server, pool, within_s=delivery_timeout_s / 2)
        exit_code, exited_s = server.terminate(within_s=exit_bound_s + 10)
        answers = [future.result() for future in futures]

    print(
        f"\nSIGTERM with {IN_FLIGHT} readings waiting on a broker that stays stalled: answers"
        f" {by_status(answers)}, slowest {max(a.elapsed for a in answers):.2f}s, exit {exit_code}"
        f" {exited_s:.2f}s after the signal (bound {exit_bound_s:.1f}s)"
    )
    assert [a.status for a in answers] == [503] * IN_FLIGHT, by_status(answers)
    assert all(a.retry_after for a in answers)
    assert max(a.elapsed for a in answers) < answer_bound_s
    assert exit_code == 0, server.log()[-3000:]
    assert exited_s < exit_bound_s


def test_sigterm_under_load_on_two_workers_loses_no_acknowledged_reading(broker: EmbeddedBroker) -> None:
    prefix = f"drain{time.monotonic_ns() % 10**9}."
    with (
        running_serve(broker.bootstrap_servers, workers=2, kafka_topic_prefix=prefix) as server,
        Load(server.base_url, threads=6, interval_s=0.01, timeout_s=30, headers=server.headers) as load,
    ):
        load.wait_for("50 readings acknowledged", lambda answers: sum(a.acknowledged for a in answers) >= 50)
        exit_code, exited_s = server.terminate(within_s=30)
        exited = time.monotonic()
        load.stop()
    signalled = exited - exited_s
    # Requests sent once the server is gone are refused, as they should be: not counted.
    answers = [a for a in load.answers if a.started < exited]
    unanswered = [a for a in answers if a.status is None]
    acknowledged = {a.message_id for a in answers if a.acknowledged}
    consumed = read_topic(broker.bootstrap_servers, prefix + HEARTRATE_TOPIC, expected=len(acknowledged))
    in_kafka = {json.loads(r.value)["message_id"] for r in consumed}

    print(
        f"\nSIGTERM under load on two workers: {len(answers)} requests until it exited, {by_status(answers)};"
        f" answered after the signal: {by_status(a for a in answers if a.finished >= signalled)};"
        f" exit {exit_code} {exited_s:.2f}s after it"
    )
    assert exit_code == 0, server.log()[-3000:]
    assert acknowledged - in_kafka == set()
    # A request that was published but got no answer was dropped in the middle of its work.
    assert [a.outcome for a in unanswered if a.message_id in in_kafka] == []
