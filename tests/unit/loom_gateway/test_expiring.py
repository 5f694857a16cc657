"""ExpiringKeys: remembered for the window, bounded, oldest forgotten first."""

from __future__ import annotations

from collections import OrderedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from loom_gateway.expiring import ExpiringKeys


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_remembered_until_its_window_passes_and_expire_runs() -> None:
    clock = Clock()
    keys: ExpiringKeys[str] = ExpiringKeys(window_s=10, max_entries=5, clock=clock)
    keys.add("a")
    clock.now += 9
    keys.expire()
    assert "a" in keys
    clock.now += 2
    assert "a" in keys  # forgotten only by expire()
    keys.expire()
    assert "a" not in keys
    assert len(keys) == 0


def test_adding_again_restarts_the_window_and_the_oldest_go_first_beyond_the_bound() -> None:
    clock = Clock()
    keys: ExpiringKeys[str] = ExpiringKeys(window_s=10, max_entries=2, clock=clock)
    keys.add("a")
    clock.now += 5
    keys.add("b")
    keys.add("a")  # now the newest
    keys.add("c")  # over the bound: b, the oldest, goes
    assert ("a" in keys, "b" in keys, "c" in keys) == (True, False, True)
    clock.now += 9
    keys.expire()
    assert ("a" in keys, "c" in keys) == (True, True)  # a was re-added at +5


def test_adding_several_at_once_restarts_their_windows_and_keeps_the_bound() -> None:
    clock = Clock()
    keys: ExpiringKeys[str] = ExpiringKeys(window_s=10, max_entries=3, clock=clock)
    keys.add_all(["a", "b"])
    clock.now += 5
    keys.add_all(["a", "c", "d"])  # "a" again: now younger than "b"; four keys: "b" goes first
    assert ["b" in keys, "a" in keys, "c" in keys, "d" in keys] == [False, True, True, True]
    clock.now += 9
    keys.expire()
    assert len(keys) == 3  # all three were added 9 s ago
    clock.now += 2
    keys.expire()
    assert len(keys) == 0


def test_keys_added_within_a_second_share_a_batch_and_none_is_forgotten_early() -> None:
    clock = Clock()
    keys: ExpiringKeys[str] = ExpiringKeys(window_s=10, max_entries=100, clock=clock)
    keys.add("a")
    clock.now += 0.5
    keys.add_all(iter(["b", "a"]))  # any iterable; "a" again
    clock.now += 9.9  # 10.4 s after "a" was first added, 9.9 after it was added again
    keys.expire()
    assert ("a" in keys, "b" in keys) == (True, True)
    clock.now += 0.2
    keys.expire()
    assert len(keys) == 0


def test_the_bound_forgets_key_by_key_across_batches_and_skips_keys_added_again() -> None:
    clock = Clock()
    keys: ExpiringKeys[str] = ExpiringKeys(window_s=100, max_entries=4, clock=clock)
    keys.add_all(["a", "b", "c"])
    clock.now += 2
    keys.add_all(["a", "d", "e"])  # "b" goes; "a" is younger now, so "c" is the next oldest
    assert sorted(key for key in "abcde" if key in keys) == ["a", "c", "d", "e"]
    clock.now += 2
    keys.add("f")
    assert sorted(key for key in "abcdef" if key in keys) == ["a", "d", "e", "f"]
    clock.now += 97  # the first batch's window is over, the second's not
    keys.expire()
    assert sorted(key for key in "abcdef" if key in keys) == ["a", "d", "e", "f"]


_STEPS = st.lists(
    st.tuples(
        st.floats(min_value=1.0, max_value=8.0),  # seconds since the last step (no two in one batch)
        st.lists(st.sampled_from("abcdefgh"), max_size=5),  # keys added, repeats and all
        st.booleans(),  # expire() afterwards
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(steps=_STEPS)
def test_it_remembers_exactly_what_a_plain_ordered_model_remembers(
    steps: list[tuple[float, list[str], bool]],
) -> None:
    clock = Clock()
    keys: ExpiringKeys[str] = ExpiringKeys(window_s=10, max_entries=4, clock=clock)
    model: OrderedDict[str, float] = OrderedDict()  # key -> expiry, least recently added first
    for elapsed, added, expire in steps:
        clock.now += elapsed
        keys.add_all(added)
        for key in added:
            model.pop(key, None)
            model[key] = clock.now + 10
        while len(model) > 4:
            model.popitem(last=False)
        if expire:
            keys.expire()
            for key in [key for key, expires in model.items() if expires <= clock.now]:
                del model[key]
        assert sorted(key for key in "abcdefgh" if key in keys) == sorted(model)
        assert len(keys) == len(model)
