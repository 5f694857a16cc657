"""Ensuring the catalog's topics at start-up, retrying while the broker is not reachable yet."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from loom_gateway.errors import BrokerUnavailable, TopicBootstrapError
from loom_gateway.kafka.topics import Action, DesiredTopic, TopicAdmin
from loom_gateway.metrics import Metrics
from loom_gateway.readiness import Readiness

__all__ = ["TOPICS_HOLDER", "ensure_topics"]

logger = logging.getLogger(__name__)

TOPICS_HOLDER = "topics"
"""The readiness holder of the topic bootstrap: not ready until every catalog topic exists."""
_FIRST_DELAY_S = 0.2
_MAX_DELAY_S = 10.0


async def ensure_topics(
    admin: TopicAdmin,
    desired: Sequence[DesiredTopic],
    readiness: Readiness,
    *,
    auto_create: bool,
    metrics: Metrics | None = None,
) -> None:
    """Retry until every desired topic exists, then mark the gateway ready.

    Runs for as long as it takes (the lifespan cancels it on shutdown): a broker that is not
    up yet is the normal case at deploy time, not an error. ``metrics`` counts each attempt's topics
    as created, existing, drifted or failed (every topic when the broker could not be asked).
    """
    readiness.hold(TOPICS_HOLDER, "ensuring the catalog's topics")
    delay = _FIRST_DELAY_S
    while True:
        try:
            await _ensure_once(admin, desired, auto_create, metrics)
        except BrokerUnavailable as error:
            logger.warning(
                "topic bootstrap: broker not reachable (%s); retrying in %.1fs", error.detail, delay
            )
            readiness.hold(TOPICS_HOLDER, f"broker not reachable: {error.detail}")
        except TopicBootstrapError as error:
            logger.error("topic bootstrap failed: %s; retrying in %.1fs", error.detail, delay)
            readiness.hold(TOPICS_HOLDER, error.detail)
        else:
            readiness.release(TOPICS_HOLDER)
            logger.info("topic bootstrap: %d topic(s) ready", len(desired))
            return
        await asyncio.sleep(delay)
        delay = min(delay * 2, _MAX_DELAY_S)


async def _ensure_once(
    admin: TopicAdmin, desired: Sequence[DesiredTopic], auto_create: bool, metrics: Metrics | None
) -> None:
    try:
        plan = await asyncio.to_thread(admin.plan, desired)
    except (BrokerUnavailable, TopicBootstrapError):
        if metrics is not None:
            metrics.topics_bootstrapped("failed", len(desired))
        raise
    missing = [item.desired for item in plan if item.action is Action.CREATE]
    if metrics is not None:
        metrics.topics_bootstrapped("existing", sum(item.action is Action.OK for item in plan))
        metrics.topics_bootstrapped("drifted", sum(item.action is Action.DRIFT for item in plan))
    for item in plan:
        if item.action is Action.DRIFT:
            logger.warning("topic %s", item.describe())
        elif item.action is Action.OK:
            logger.info("topic %s", item.describe())
    if not missing:
        return
    names = ", ".join(topic.name for topic in missing)
    try:
        if not auto_create:
            raise TopicBootstrapError(f"missing topics and LOOM_KAFKA_AUTO_CREATE_TOPICS is off: {names}")
        await asyncio.to_thread(admin.create, missing)
    except (BrokerUnavailable, TopicBootstrapError):
        if metrics is not None:
            metrics.topics_bootstrapped("failed", len(missing))
        raise
    if metrics is not None:
        metrics.topics_bootstrapped("created", len(missing))
    for topic in missing:
        logger.info("topic %s: created (%d partitions, %s)", topic.name, topic.partitions, _configs(topic))


def _configs(topic: DesiredTopic) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(topic.configs.items()))
