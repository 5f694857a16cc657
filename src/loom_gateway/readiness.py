"""Whether the gateway may accept readings, and if not, why."""

from __future__ import annotations

__all__ = ["Readiness"]


class Readiness:
    """Not ready until the topic bootstrap has finished; ``reason`` says what is missing."""

    def __init__(self) -> None:
        self._reason: str | None = "topics are not ensured yet"

    @property
    def ready(self) -> bool:
        return self._reason is None

    @property
    def reason(self) -> str | None:
        return self._reason

    def mark_ready(self) -> None:
        self._reason = None

    def mark_not_ready(self, reason: str) -> None:
        self._reason = reason
