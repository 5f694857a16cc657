"""Retries and rate limits decided for the whole fleet, in the shared state store, with this worker's
memory as the fallback while the store does not answer.

The policy when the store is away (down, unreachable, slower than LOOM_STATE_TIMEOUT_MS): ingestion goes
on, and nothing acknowledged is lost; each worker decides from its own memory, as it does without a store
(a retry reaching another worker may then be published again, and a device's rate is per worker), counts
``loom_state_errors_total`` and warns at most once a minute. After a failure the store is left alone for
a second, then asked again: the first answer ends the fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence
from typing import NamedTuple

from loom_gateway.errors import BrokerUnavailable, LoomError, RateLimited, StateUnavailable
from loom_gateway.ingest.admission import DeviceRateLimiter
from loom_gateway.ingest.dedupe import DedupeKey, RecentMessages
from loom_gateway.metrics import Metrics
from loom_gateway.settings import Settings
from loom_gateway.state._scripts import ACKNOWLEDGED
from loom_gateway.state.store import StateStore

__all__ = ["IN_FLIGHT_GRACE_MS", "Admission", "FleetAdmission"]

logger = logging.getLogger(__name__)

IN_FLIGHT_GRACE_MS = 6_000
"""Added to the delivery timeout for a claim's lifetime: the producer's 5 s grace for a delivery report,
and a second to spare."""
_WARN_EVERY_S = 60.0
_RETRY_STORE_AFTER_S = 1.0
_FIRST_POLL_S = 0.005
_LONGEST_POLL_S = 0.25

Finish = Callable[[list[tuple[DedupeKey | None, LoomError | None]]], None]


class Admission(NamedTuple):
    """What the fleet decided for one request's readings, by index."""

    refused: dict[int, LoomError]
    """Readings not to publish at all (over their device's rate)."""
    retries: dict[int, Awaitable[LoomError | None] | None]
    """Readings published before: the first attempt's outcome (None: acknowledged already)."""
    finish: Finish | None
    """To be told what Kafka said about the others (their claims), whatever happened."""


class FleetAdmission:
    """One call per request: its readings' rate-limit steps and idempotency claims, for every worker."""

    def __init__(
        self,
        url: str,
        metrics: Metrics,
        *,
        timeout_s: float,
        key_prefix: str,
        rate: float,
        burst: int,
        in_flight_ttl_ms: int,
        window_ms: int,
        recent: RecentMessages | None,
        rate_limiter: DeviceRateLimiter | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``recent``/``rate_limiter``: this worker's memory, used while the store does not answer (None:
        idempotency, or the rate limit, is off); see StateStore for the rest."""
        self.store = StateStore(
            url,
            timeout_s=timeout_s,
            rate=rate if rate_limiter is not None else 0.0,
            burst=burst,
            in_flight_ttl_ms=in_flight_ttl_ms,
            window_ms=window_ms,
            on_error=self.failed,
        )
        self._metrics = metrics
        self._rate_prefix = f"{key_prefix}rate:"
        self._claim_prefix = f"{key_prefix}msg:"
        # A request's group: this process's token and a number it never uses twice.
        self._group_prefix = f"{key_prefix}req:{self.store.token}:"
        self._groups = itertools.count()
        self._rate = rate
        self._recent = recent
        self._rate_limiter = rate_limiter
        self._clock = clock
        self._store_again_at = 0.0
        self._warned_at = -math.inf
        self._failing = False

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        metrics: Metrics,
        recent: RecentMessages | None,
        rate_limiter: DeviceRateLimiter | None,
    ) -> FleetAdmission | None:
        """When LOOM_STATE_URL names a store and there is something to decide (idempotency, a rate)."""
        if settings.state_url is None or (recent is None and rate_limiter is None):
            return None
        return cls(
            settings.state_url.get_secret_value(),
            metrics,
            timeout_s=settings.state_timeout_ms / 1000,
            key_prefix=settings.state_key_prefix,
            rate=settings.device_rate_limit,
            burst=settings.device_rate_burst,
            # As long as a first attempt can take (the delivery timeout, then the producer's grace for
            # a report that never comes); past it, a crashed claimant's message id is free again.
            in_flight_ttl_ms=settings.kafka_delivery_timeout_ms + IN_FLIGHT_GRACE_MS,
            window_ms=max(1, round(settings.idempotency_window_s * 1000)),
            recent=recent,
            rate_limiter=rate_limiter,
        )

    @contextlib.asynccontextmanager
    async def lifespan(self, _: object) -> AsyncIterator[None]:
        """The app lifespan's part: the store connected (asked once, so a store that is away is said
        at start-up) and, at shutdown, sent what is still to be settled."""
        await self.store.open()
        try:
            await self.store.ping()
        except StateUnavailable as error:
            self.failed("open", error)
        try:
            yield
        finally:
            await self.store.close()

    async def admit(self, devices: Sequence[str | None], keys: Sequence[DedupeKey | None]) -> Admission:
        """``devices``: each reading's device (None: not a reading to admit, e.g. already refused);
        ``keys``: its idempotency key (None: an id the gateway made, or not to check)."""
        if self._clock() >= self._store_again_at:
            rate_keys = [
                None if device is None or self._rate_limiter is None else self._rate_prefix + device
                for device in devices
            ]
            claim_keys = [
                None if key is None or self._recent is None else self._claim_key(key) for key in keys
            ]
            claims = len(claim_keys) - claim_keys.count(None)
            if not claims and not any(rate_keys):
                return Admission({}, {}, None)  # nothing to decide (ids the gateway made, no limit)
            # Several claims settle as one group: one write for Kafka's answer, not one per reading.
            group = f"{self._group_prefix}{next(self._groups)}" if claims > 1 else None
            try:
                answers = await self.store.admit(rate_keys, claim_keys, group)
            except StateUnavailable as error:
                self.failed("admit", error)
                self._store_again_at = self._clock() + _RETRY_STORE_AFTER_S
            else:
                if self._failing:
                    self._failing = False
                    logger.warning(
                        "the state store answers again: retries and rate limits hold for the fleet"
                    )
                return self._decided(devices, claim_keys, answers, group)
        return self._from_memory(devices, keys)

    def failed(self, operation: str, error: Exception) -> None:
        """A call to the store failed: counted, and said at most once a minute."""
        self._metrics.state_errors.labels(operation).inc()
        self._failing = True
        now = self._clock()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            logger.warning(
                "the state store did not answer (%s: %s): this worker decides retries and rate limits "
                "from its own memory until it does (said at most once a minute; "
                "loom_state_errors_total counts each failure)",
                operation,
                error,
            )

    def _claim_key(self, key: DedupeKey) -> str:
        return self._claim_prefix + key

    def _decided(
        self,
        devices: Sequence[str | None],
        claim_keys: Sequence[str | None],
        answers: Sequence[int],
        group: str | None,
    ) -> Admission:
        refused: dict[int, LoomError] = {}
        retries: dict[int, Awaitable[LoomError | None] | None] = {}
        for index, answer in enumerate(answers):
            if answer == 0:
                continue
            if answer < 0:
                refused[index] = RateLimited(
                    f"device {devices[index]!r} is over its rate of {self._rate:g} readings/s",
                    math.ceil(-answer / 1000),
                )
            elif answer == 1:
                retries[index] = None
            else:
                key = claim_keys[index]
                assert key is not None  # only claims are in flight
                retries[index] = _FirstAttempt(self, key)
        finish: Finish | None = None
        if group is not None:
            finish = functools.partial(self._finish_group, group)
        elif any(key is not None for key in claim_keys):
            finish = self._finish
        return Admission(refused, retries, finish)

    def _finish(self, outcomes: list[tuple[DedupeKey | None, LoomError | None]]) -> None:
        settled = [(self._claim_key(key), error is None) for key, error in outcomes if key is not None]
        if settled:
            self.store.settle(settled)

    def _finish_group(self, group: str, outcomes: list[tuple[DedupeKey | None, LoomError | None]]) -> None:
        """All acknowledged (the common case) or all failed: the group alone. Otherwise the acknowledged
        claims each on their own and the group released, which frees the failed ones."""
        claimed = [(key, error is None) for key, error in outcomes if key is not None]
        if not claimed:  # every id was a retry: the group holds no claim (it was never written)
            return
        acknowledged = sum(ok for _, ok in claimed)
        if acknowledged == len(claimed):
            self.store.settle([(group, True)])
        elif not acknowledged:
            self.store.settle([(group, False)])
        else:
            self.store.settle([*((self._claim_key(key), True) for key, ok in claimed if ok), (group, False)])

    def _from_memory(self, devices: Sequence[str | None], keys: Sequence[DedupeKey | None]) -> Admission:
        """As a worker without a store decides: its own buckets, its own recent message ids."""
        refused: dict[int, LoomError] = {}
        if self._rate_limiter is not None:
            for index, device in enumerate(devices):
                if device is None:
                    continue
                try:
                    self._rate_limiter.take(device)
                except RateLimited as error:
                    refused[index] = error
        if self._recent is None:
            return Admission(refused, {}, None)
        self._recent.expire()
        claims = [None if index in refused else key for index, key in enumerate(keys)]
        retries: dict[int, Awaitable[LoomError | None] | None] = dict(self._recent.claim(claims))
        return Admission(refused, retries, self._recent.finish_all)

    async def first_attempt(self, key: str) -> LoomError | None:
        """Wait for the outcome of a claim held elsewhere (polling, with backoff), at most as long as
        the claim itself can hold: None once it is acknowledged, an error to retry on otherwise."""
        deadline = self._clock() + self.store.in_flight_ttl_s
        delay = _FIRST_POLL_S
        while True:
            await asyncio.sleep(delay)
            try:
                value = await self.store.outcome(key)
            except StateUnavailable as error:
                self.failed("wait", error)
                return BrokerUnavailable("the first attempt with this message_id has an unknown outcome")
            if value == ACKNOWLEDGED:
                return None
            if value is None:
                return BrokerUnavailable("the first attempt with this message_id was not acknowledged")
            if self._clock() >= deadline:
                return BrokerUnavailable("the first attempt with this message_id is still not acknowledged")
            delay = min(delay * 2, _LONGEST_POLL_S)


class _FirstAttempt:
    """Awaitable once: polling starts only when awaited (a request that ends before never polls)."""

    __slots__ = ("_fleet", "_key")

    def __init__(self, fleet: FleetAdmission, key: str) -> None:
        self._fleet = fleet
        self._key = key

    def __await__(self) -> Generator[object, None, LoomError | None]:
        return self._fleet.first_attempt(self._key).__await__()
