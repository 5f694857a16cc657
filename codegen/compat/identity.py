"""The ``x-loom`` annotation: a data type's identity (topic, key, kind) and its door (routes, limits).

The identity is what consumers subscribe to and partition by: any change to it is breaking. A
route or stream removed turns older clients away (breaking); one added is an addition. Limits
lowered refuse requests older clients send (revision); raised, nothing they do changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from codegen import naming
from codegen.compat.findings import Change, Delta, child, show

__all__ = ["compare_annotation"]

_ABSENT: Any = object()

Rule = Callable[[str, Any, Any, str], Iterator[Delta]]


def compare_annotation(old: Any, new: Any, pointer: str) -> Iterator[Delta]:
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        if old != new:
            message = "x-loom annotation added or removed: the file is now a data type, or no longer one"
            yield Delta(pointer, Change.BREAKING, f"{message}.")
        return
    yield from _compare_keys(old, new, pointer, _ANNOTATION_RULES)


def _compare_keys(
    old: Mapping[str, Any], new: Mapping[str, Any], pointer: str, rules: Mapping[str, Rule]
) -> Iterator[Delta]:
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, _ABSENT), new.get(key, _ABSENT)
        if before != after:
            yield from rules.get(key, _unclassified)(key, before, after, child(pointer, key))


def _identity(reason: str) -> Rule:
    def rule(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
        yield Delta(at, Change.BREAKING, f"{key} changed from {_shown(before)} to {_shown(after)}: {reason}.")

    return rule


def _paths(noun: str, lost: str) -> Rule:
    def rule(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
        old, new = _strings(before), _strings(after)
        for path in sorted(old - new):
            yield Delta(at, Change.BREAKING, f"{noun} {path!r} removed: {lost}.")
        for path in sorted(new - old):
            message = f"older clients keep the {noun}s they know"
            yield Delta(at, Change.ADDITION, f"{noun} {path!r} added: {message}.")

    return rule


def _limit(refused: str) -> Rule:
    def rule(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
        if not (isinstance(before, int) and isinstance(after, int)):
            yield from _unclassified(key, before, after, at)
        elif after < before:
            yield Delta(at, Change.REVISION, f"{key} lowered from {before} to {after}: {refused}.")
        else:
            message = "what was accepted still is"
            yield Delta(at, Change.ADDITION, f"{key} raised from {before} to {after}: {message}.")

    return rule


def _partitions(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    message = "keys move to other partitions: one device's readings are not kept in order across the change"
    counts = ["the default" if count is _ABSENT else show(count) for count in (before, after)]
    yield Delta(at, Change.REVISION, f"{key} changed from {counts[0]} to {counts[1]}: {message}.")


def _retention(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    try:
        shorter = naming.retention_ms(after) < naming.retention_ms(before)
    except (TypeError, ValueError):
        yield from _unclassified(key, before, after, at)
        return
    if shorter:
        message = "consumers that replay the topic find less history"
        yield Delta(at, Change.REVISION, f"{key} shortened from {show(before)} to {show(after)}: {message}.")
    else:
        message = "consumers find at least the history they found before"
        yield Delta(at, Change.ADDITION, f"{key} lengthened from {show(before)} to {show(after)}: {message}.")


def _compression(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    message = "consumers decompress records transparently"
    yield Delta(at, Change.ADDITION, f"{key} changed from {_shown(before)} to {_shown(after)}: {message}.")


def _dispatch(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    if before is _ABSENT and isinstance(after, Mapping):
        yield Delta(at, Change.ADDITION, f"dispatch route {_shown(after.get('route'))} added.")
    elif not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        message = "dispatch removed: older clients that post batches to its route get 404"
        yield Delta(at, Change.BREAKING, f"{message}.")
    else:
        yield from _compare_keys(before, after, at, _DISPATCH_RULES)


def _targets(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        yield from _unclassified(key, before, after, at)
        return
    for value in sorted(before.keys() | after.keys()):
        old, new = before.get(value, _ABSENT), after.get(value, _ABSENT)
        where = child(at, value)
        if old is _ABSENT:
            message = f"items naming {value!r} were readings of this data type and now go to {new}"
            yield Delta(where, Change.REVISION, f"{message}: consumers of this topic stop receiving them.")
        elif new is _ABSENT:
            message = f"items naming {value!r} went to {old} and are now readings of this data type"
            yield Delta(where, Change.BREAKING, f"{message}: consumers of {old}'s topic stop receiving them.")
        elif old != new:
            message = f"items naming {value!r} went to {old} and now go to {new}"
            yield Delta(where, Change.BREAKING, f"{message}: consumers of {old}'s topic stop receiving them.")


def _topic(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        yield from _unclassified(key, before, after, at)
    else:
        yield from _compare_keys(before, after, at, _TOPIC_RULES)


def _unclassified(key: str, before: Any, after: Any, at: str) -> Iterator[Delta]:
    message = f"{key} changed from {_shown(before)} to {_shown(after)}: the gate cannot classify this change"
    yield Delta(at, Change.BREAKING, f"{message}, so it counts as breaking.")


def _shown(value: Any) -> str:
    return "absent" if value is _ABSENT else show(value)


def _strings(value: Any) -> set[str]:
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()


_REFUSED_413 = "requests older clients send may now be refused (413)"
_ANNOTATION_RULES: Mapping[str, Rule] = {
    "kind": _identity("the gateway now handles the data type in another way"),
    "key": _identity("one device's readings no longer share a partition, and consumers keyed on it break"),
    "routes": _paths("route", "older clients that post to it get 404"),
    "streams": _paths("stream", "older clients that connect to it are turned away"),
    "dispatch": _dispatch,
    "max_body_bytes": _limit(_REFUSED_413),
    "max_batch_items": _limit(_REFUSED_413),
    "topic": _topic,
}
_TOPIC_RULES: Mapping[str, Rule] = {
    "name": _identity("consumers of the released topic stop receiving readings"),
    "cleanup_policy": _identity("what consumers can rely on the topic to keep changes"),
    "partitions": _partitions,
    "retention": _retention,
    "compression": _compression,
    "max_message_bytes": _limit("readings older clients send may now be refused (413)"),
}
_DISPATCH_RULES: Mapping[str, Rule] = {
    "route": _identity("older clients that post batches to the released route get 404"),
    "discriminator": _identity("items older clients send are dispatched differently"),
    "payload": _identity("items older clients send are dispatched differently"),
    "targets": _targets,
}
