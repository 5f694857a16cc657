from __future__ import annotations

from loom_gateway.consumer.dedupe import SeenMessages


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_ids_are_remembered_for_the_window_only() -> None:
    clock = Clock()
    seen = SeenMessages(window_s=10, max_entries=100, clock=clock)
    seen.remember(("t", "a"))
    assert seen.seen(("t", "a"))
    assert not seen.seen(("other", "a"))
    clock.now = 10.0
    assert not seen.seen(("t", "a"))
    assert len(seen) == 0


def test_the_oldest_ids_are_forgotten_beyond_the_limit() -> None:
    seen = SeenMessages(window_s=10, max_entries=2, clock=Clock())
    for message_id in "abc":
        seen.remember(("t", message_id))
    assert [seen.seen(("t", message_id)) for message_id in "abc"] == [False, True, True]
