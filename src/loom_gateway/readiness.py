"""Whether the gateway may accept readings, and if not, why."""

from __future__ import annotations

__all__ = ["Readiness"]

# What anonymous callers (/readyz, a refused reading) are told, by holder (kafka.bootstrap's
# "topics", kafka.watch's "kafka", the device registry's "devices", the app's "shutdown"): the
# reasons themselves hold librdkafka's error text, broker addresses and topic names, which stay
# in the logs (every holder logs why it holds) and the metrics (loom_ready).
_PHRASES = {
    "topics": "waiting for Kafka",
    "kafka": "Kafka unavailable",
    "devices": "loading the device registry",
    "shutdown": "shutting down",
}
_OTHERWISE = "not ready"


class Readiness:
    """Ready when no component holds it back; each holder says why (topics, device registry…)."""

    def __init__(self, *holders: str) -> None:
        self._reasons: dict[str, str] = {holder: f"{holder} not started yet" for holder in holders}

    @property
    def ready(self) -> bool:
        return not self._reasons

    @property
    def reason(self) -> str | None:
        """Every holder's reason, in detail: for logs and operators, not for clients."""
        return "; ".join(self._reasons.values()) or None

    @property
    def phrase(self) -> str | None:
        """Why not ready, in one generic phrase safe to show anyone (the first holder's); None when ready."""
        for holder in self._reasons:
            return _PHRASES.get(holder, _OTHERWISE)
        return None

    def hold(self, holder: str, reason: str) -> None:
        self._reasons[holder] = reason

    def release(self, holder: str) -> None:
        self._reasons.pop(holder, None)
