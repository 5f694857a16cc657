"""How often, and after how long, a failing handler is tried again."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``retries`` more attempts after the first, waiting ``initial_backoff_s`` before the first
    retry and ``multiplier`` times longer before each next one, at most ``max_backoff_s``."""

    retries: int = 3
    initial_backoff_s: float = 0.2
    max_backoff_s: float = 5.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.retries < 0 or self.initial_backoff_s < 0 or self.max_backoff_s < 0 or self.multiplier < 1:
            raise ValueError(f"invalid retry policy {self}")

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def backoff_s(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1 for the first retry)."""
        return min(self.max_backoff_s, self.initial_backoff_s * self.multiplier ** (retry - 1))

    def worst_case_s(self) -> float:
        """The longest a record can spend waiting between attempts (handler time not included)."""
        return sum(self.backoff_s(retry) for retry in range(1, self.retries + 1))
