"""Kafka outages under sustained concurrent load, against ``loom-gateway serve`` with two workers:
the broker stalls (SIGSTOP, then SIGCONT), and later is killed (SIGSTOP, then stop()) and
restarted empty on the same port, while client threads keep posting readings with unique
message_ids.

Proves, by consuming what the broker holds: every answer is 2xx, 503 or 429, none other, each
within the bound; every 503/429 says Retry-After; nothing started during an outage is
acknowledged before the broker is back; the gateway recovers by itself both times (measured);
and no acknowledged reading is missing from Kafka (readings acknowledged before the restart are
read back before the broker is killed, those acknowledged after it from the restarted broker).
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
import time

import pytest

from loom_gateway.embedded_broker import EmbeddedBroker
from loom_gateway.kafka.topics import TopicAdmin
from loom_gateway.settings import load_settings
from tests.support.kafka import read_topic
from tests.support.load import HEARTRATE_TOPIC, Answer, Load, by_status
from tests.support.serve_server import running_serve

pytestmark = pytest.mark.kafka

DELIVERY_TIMEOUT_MS = 1500
REPORT_GRACE_S = 5.0
"""How long the producer waits for a delivery report beyond the delivery timeout
(``_REPORT_GRACE_S`` in loom_gateway/kafka/producer.py)."""
ANSWER_BOUND_S = DELIVERY_TIMEOUT_MS / 1000 + REPORT_GRACE_S + 3.0
"""The longest any answer may take: the delivery timeout, the report grace, and 3 s for a
shared 2-core machine. The client gives up later than this, so a hang shows as a breach."""
PARTITIONS = 2
THREADS = 6
INTERVAL_S = 0.05
"""Each client posts every 50 ms: up to 120 readings/s in all; a few hundred in the test."""


def started_within(answers: list[Answer], since: float, until: float = float("inf")) -> list[Answer]:
    return [answer for answer in answers if since <= answer.started < until]


def acknowledged(answers: list[Answer]) -> list[Answer]:
    return [answer for answer in answers if answer.acknowledged]


def first_recovery(answers: list[Answer], since: float) -> float:
    """Seconds from ``since`` until the first acknowledgement of a request started after it."""
    return min(answer.finished for answer in acknowledged(started_within(answers, since))) - since


def consumed_ids(bootstrap_servers: str, topic: str, expected: int) -> set[str]:
    records = read_topic(bootstrap_servers, topic, expected=expected, timeout_s=30)
    return {json.loads(record.value)["message_id"] for record in records}


def test_a_stall_and_an_empty_restart_under_load_lose_no_acknowledged_reading(
    broker: EmbeddedBroker,
) -> None:
    prefix = f"load{time.monotonic_ns() % 10**9}."
    topic = prefix + HEARTRATE_TOPIC
    with (
        running_serve(
            broker.bootstrap_servers,
            workers=2,
            kafka_topic_prefix=prefix,
            kafka_default_partitions=PARTITIONS,
            kafka_delivery_timeout_ms=DELIVERY_TIMEOUT_MS,
            kafka_bootstrap_timeout_s=2.0,
        ) as server,
        Load(
            server.base_url,
            threads=THREADS,
            interval_s=INTERVAL_S,
            timeout_s=ANSWER_BOUND_S + 10,
            headers=server.headers,
        ) as load,
    ):
        load.wait_for("20 readings acknowledged", lambda answers: len(acknowledged(answers)) >= 20)

        # A stalled broker: connections stay open, nothing is answered.
        broker.pause()
        paused = time.monotonic()  # after: nothing started from now on can be acknowledged
        load.wait_for(
            "the stall answered with 503s",
            lambda answers: sum(a.status == 503 for a in started_within(answers, paused)) >= 40,
        )
        resumed = time.monotonic()
        broker.resume()
        load.wait_for(
            "20 acknowledgements after the stall",
            lambda answers: len(acknowledged(started_within(answers, resumed))) >= 20,
        )

        # Everything acknowledged so far must be on the broker before it is killed.
        cut = time.monotonic()
        before_cut = [a for a in acknowledged(load.answers) if a.finished <= cut]
        before_restart = consumed_ids(broker.bootstrap_servers, topic, expected=len(before_cut))

        # Killed: stopped first, so that it acknowledges nothing more while it is terminated.
        broker.pause()
        stopped = time.monotonic()
        broker.stop()
        load.wait_for(
            "the dead broker answered with 503s",
            lambda answers: sum(a.status == 503 for a in started_within(answers, stopped)) >= 40,
        )
        restarted = time.monotonic()
        broker.start()  # same port, nothing kept
        load.wait_for(
            "20 acknowledgements after the restart",
            lambda answers: len(acknowledged(started_within(answers, restarted))) >= 20,
        )
        load.stop()
        answers = load.answers
        topics = TopicAdmin(
            load_settings(auth_disabled=True, kafka_bootstrap_servers=broker.bootstrap_servers)
        ).existing([topic])

    after_restart = [a for a in acknowledged(answers) if a.finished >= restarted]
    on_restarted_broker = consumed_ids(broker.bootstrap_servers, topic, expected=len(after_restart))
    # Acknowledged after the last read and before the kill: gone with the broker, unverifiable.
    window = [a for a in acknowledged(answers) if cut < a.finished < restarted]
    unverifiable = {a.message_id for a in window} - before_restart - on_restarted_broker
    stall = started_within(answers, paused, paused + first_recovery(answers, paused))
    restart = started_within(answers, stopped, restarted + first_recovery(answers, restarted))
    print(
        f"\noutage under load ({THREADS} clients, 2 workers, delivery timeout {DELIVERY_TIMEOUT_MS} ms):"
        f" {len(answers)} requests, {by_status(answers)}"
        f"\n  stall: {len(stall)} requests until recovered, {by_status(stall)};"
        f" stalled {resumed - paused:.2f}s, recovered {first_recovery(answers, resumed):.2f}s after SIGCONT"
        f"\n  restart: {len(restart)} requests until recovered, {by_status(restart)};"
        f" down {restarted - stopped:.2f}s, recovered {first_recovery(answers, restarted):.2f}s after start"
        f"\n  slowest answer {max(a.elapsed for a in answers):.2f}s (bound {ANSWER_BOUND_S:.1f}s)"
        f"\n  acknowledged: {len(before_cut)} read back before the kill, {len(after_restart)} after the"
        f" restart, {len(window)} in between ({len(unverifiable)} unverifiable: acknowledged by the"
        " broker that was killed)"
    )

    assert [a.outcome for a in answers if a.status not in {200, 202, 207, 429, 503}] == []
    assert [a for a in answers if a.status in {429, 503} and not a.retry_after] == []
    assert [round(a.elapsed, 2) for a in answers if a.elapsed > ANSWER_BOUND_S] == []
    # Nothing that reached the gateway while the broker was away was acknowledged then.
    assert acknowledged([a for a in started_within(answers, paused) if a.finished < resumed]) == []
    assert acknowledged([a for a in started_within(answers, stopped) if a.finished < restarted]) == []
    # Acknowledged means in Kafka: before the kill, and on the broker that came back.
    assert {a.message_id for a in before_cut} - before_restart == set()
    assert {a.message_id for a in after_restart} - on_restarted_broker == set()
    # The restarted broker got the catalog's topic back, not one auto-created by a stray produce.
    assert topics[topic].partitions == PARTITIONS
