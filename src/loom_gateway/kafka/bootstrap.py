"""Ensuring the catalog's topics at start-up, retrying while the broker is not reachable yet."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from loom_gateway.errors import BrokerUnavailable, TopicBootstrapError
from loom_gateway.kafka.topics import Action, DesiredTopic, TopicAdmin
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
) -> None:
    """Retry until every desired topic exists, then mark the gateway ready.

    Runs for as long as it takes (the lifespan cancels it on shutdown): a broker that is not
    up yet is the normal case at deploy time, not an error.
    """
    readiness.hold(TOPICS_HOLDER, "ensuring the catalog's topics")
    delay = _FIRST_DELAY_S
    while True:
        try:
            await _ensure_once(admin, desired, auto_create)
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


async def _ensure_once(admin: TopicAdmin, desired: Sequence[DesiredTopic], auto_create: bool) -> None:
    plan = await asyncio.to_thread(admin.plan, desired)
    missing = [item.desired for item in plan if item.action is Action.CREATE]
    for item in plan:
        if item.action is Action.DRIFT:
            logger.warning("topic %s", item.describe())
        elif item.action is Action.OK:
            logger.info("topic %s", item.describe())
    if not missing:
        return
    names = ", ".join(topic.name for topic in missing)
    if not auto_create:
        raise TopicBootstrapError(f"missing topics and LOOM_KAFKA_AUTO_CREATE_TOPICS is off: {names}")
    await asyncio.to_thread(admin.create, missing)
    for topic in missing:
        logger.info("topic %s: created (%d partitions, %s)", topic.name, topic.partitions, _configs(topic))


def _configs(topic: DesiredTopic) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(topic.configs.items()))
