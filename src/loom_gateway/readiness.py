"""Whether the gateway may accept readings, and if not, why."""

from __future__ import annotations

__all__ = ["Readiness"]


class Readiness:
    """Ready when no component holds it back; each holder says why (topics, device registry…)."""

    def __init__(self, *holders: str) -> None:
        self._reasons: dict[str, str] = {holder: f"{holder} not started yet" for holder in holders}

    @property
    def ready(self) -> bool:
        return not self._reasons

    @property
    def reason(self) -> str | None:
        return "; ".join(self._reasons.values()) or None

    def hold(self, holder: str, reason: str) -> None:
        self._reasons[holder] = reason

    def release(self, holder: str) -> None:
        self._reasons.pop(holder, None)
