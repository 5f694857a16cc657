"""loom_gateway.readiness: ready when no holder holds it back, and why not otherwise."""

from __future__ import annotations

from loom_gateway.readiness import Readiness


def test_without_holders_it_is_ready_with_no_reason() -> None:
    readiness = Readiness()

    assert readiness.ready is True
    assert readiness.reason is None


def test_each_holder_starts_out_holding_it_back() -> None:
    readiness = Readiness("topics")

    assert readiness.ready is False
    assert readiness.reason == "topics not started yet"


def test_the_reasons_of_every_holder_are_joined_in_order() -> None:
    readiness = Readiness("topics", "device registry")

    assert readiness.reason == "topics not started yet; device registry not started yet"


def test_hold_replaces_a_holders_reason_in_place_and_adds_a_new_holder_last() -> None:
    readiness = Readiness("topics", "device registry")

    readiness.hold("topics", "cannot reach Kafka")
    readiness.hold("shutdown", "shutting down")

    assert readiness.ready is False
    assert readiness.reason == "cannot reach Kafka; device registry not started yet; shutting down"


def test_it_is_ready_once_every_holder_has_released_it() -> None:
    readiness = Readiness("topics", "device registry")

    readiness.release("topics")

    assert readiness.ready is False
    assert readiness.reason == "device registry not started yet"

    readiness.release("device registry")

    assert readiness.ready is True
    assert readiness.reason is None


def test_releasing_twice_or_an_unknown_holder_changes_nothing() -> None:
    readiness = Readiness("topics")

    readiness.release("topics")
    readiness.release("topics")
    readiness.release("never held")

    assert readiness.ready is True


def test_a_released_holder_may_hold_it_back_again() -> None:
    readiness = Readiness("topics")
    readiness.release("topics")

    readiness.hold("shutdown", "shutting down")

    assert readiness.ready is False
    assert readiness.reason == "shutting down"


def test_the_phrase_for_anyone_is_generic_whatever_the_reason_says() -> None:
    readiness = Readiness()
    readiness.hold(
        "kafka", "Kafka unavailable: 127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed"
    )
    readiness.hold("topics", "missing topics: secret.topic.name")

    assert readiness.phrase == "Kafka unavailable"
    readiness.release("kafka")
    assert readiness.phrase == "waiting for Kafka"
    readiness.hold("something-new", "details")
    readiness.release("topics")
    assert readiness.phrase == "not ready"
    readiness.release("something-new")
    assert readiness.phrase is None
