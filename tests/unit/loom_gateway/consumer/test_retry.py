from __future__ import annotations

import pytest

from loom_gateway.consumer import RetryPolicy


def test_backoff_doubles_up_to_the_maximum() -> None:
    policy = RetryPolicy(retries=5, initial_backoff_s=0.1, max_backoff_s=0.5)
    assert policy.attempts == 6
    assert [policy.backoff_s(retry) for retry in range(1, 6)] == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])
    assert policy.worst_case_s() == pytest.approx(1.7)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid retry policy"):
        RetryPolicy(retries=-1)
    with pytest.raises(ValueError, match="invalid retry policy"):
        RetryPolicy(multiplier=0.5)
