"""What ``serve`` says at start-up when retries and rate limits hold per worker only."""

from __future__ import annotations

import logging

from loom_gateway.settings import Settings

__all__ = ["warn_if_decided_per_worker"]

logger = logging.getLogger("loom_gateway.state")


def warn_if_decided_per_worker(settings: Settings) -> None:
    """Once, before the workers start: several workers and no shared store (LOOM_STATE_URL)."""
    if settings.workers > 1 and settings.state_url is None:
        logger.warning(
            "LOOM_WORKERS=%d and no LOOM_STATE_URL: each worker remembers retries and counts device rates "
            "on its own, so a retry reaching another worker (or replica) is published again and a device "
            "may send LOOM_DEVICE_RATE_LIMIT to every worker; set LOOM_STATE_URL (Redis or Valkey) for "
            "the whole fleet to agree",
            settings.workers,
        )
