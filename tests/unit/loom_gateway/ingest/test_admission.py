"""Load shedding: the in-flight bound and per-device token buckets."""

from __future__ import annotations

import pytest

from loom_gateway.errors import Overloaded, RateLimited
from loom_gateway.ingest.admission import DeviceRateLimiter, InFlightLimit


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_requests_beyond_the_bound_are_shed_and_room_comes_back() -> None:
    limit = InFlightLimit(2)

    with limit.admit(), limit.admit():
        with pytest.raises(Overloaded) as caught, limit.admit():
            pass
        assert caught.value.status == 503
        assert caught.value.retry_after == 1
    with limit.admit():
        pass


def test_a_request_that_fails_gives_its_room_back_and_its_error_goes_on() -> None:
    limit = InFlightLimit(1)

    with pytest.raises(ValueError, match="ingestion failed"), limit.admit():
        raise ValueError("ingestion failed")
    with limit.admit():  # the failed request no longer counts
        pass


def test_a_device_gets_its_burst_then_its_rate() -> None:
    clock = Clock()
    limiter = DeviceRateLimiter(rate=2, burst=3, clock=clock)

    for _ in range(3):
        limiter.take("watch-1")
    with pytest.raises(RateLimited) as caught:
        limiter.take("watch-1")
    limiter.take("phone-2")  # other devices have their own bucket
    clock.now += 0.5  # one token back at 2/s
    limiter.take("watch-1")

    assert caught.value.status == 429
    assert caught.value.retry_after == 1


def test_buckets_are_bounded_and_a_forgotten_device_starts_full() -> None:
    limiter = DeviceRateLimiter(rate=1, burst=1, max_devices=2, clock=Clock())
    limiter.take("a")
    limiter.take("b")
    limiter.take("c")  # "a" is forgotten

    limiter.take("a")
    with pytest.raises(RateLimited):
        limiter.take("c")
