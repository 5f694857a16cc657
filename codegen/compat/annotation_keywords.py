"""Keywords that do not constrain a value but still matter to someone.

``title`` names the generated model and the OpenAPI component clients are generated from;
``$id`` is the schema's identity; ``contentEncoding``/``contentMediaType`` say how to decode a
value; ``readOnly``/``writeOnly`` say who sets it; ``default`` what an absent value means;
``deprecated`` is advice only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from codegen.compat.findings import Change, Delta, child, show

__all__ = ["KEYWORDS", "compare_annotations"]

_BREAKING = {
    "title": "it names the generated model and the OpenAPI component, so code generated from the "
    "released schema no longer matches",
    "$id": "the schema's identity changed: references to the released URL no longer reach it",
    "contentEncoding": "old readers would decode the value wrongly",
    "contentMediaType": "old readers would interpret the value wrongly",
}
_REVISION = {
    "readOnly": "who sets the value changes: values older clients send may be replaced or refused",
    "writeOnly": "who sees the value changes: old readers may miss it or meet it",
}
KEYWORDS = frozenset({*_BREAKING, *_REVISION, "default", "deprecated"})

_ABSENT = object()


def compare_annotations(old: Mapping[str, Any], new: Mapping[str, Any], pointer: str) -> Iterator[Delta]:
    for keyword in sorted(KEYWORDS):
        before, after = old.get(keyword, _ABSENT), new.get(keyword, _ABSENT)
        if before == after:
            continue
        at = child(pointer, keyword)
        what = _what_changed(keyword, before, after)
        if keyword in _BREAKING:
            yield Delta(at, Change.BREAKING, f"{what}: {_BREAKING[keyword]}.")
        elif keyword in _REVISION:
            yield Delta(at, Change.REVISION, f"{what}: {_REVISION[keyword]}.")
        elif keyword == "deprecated":
            yield Delta(at, Change.ADDITION, f"{what}: advice only, validation is unchanged.")
        elif before is _ABSENT:
            yield Delta(at, Change.ADDITION, f"{what}: old readers never relied on one.")
        else:
            message = "readers that fill in absent values now read some readings differently"
            yield Delta(at, Change.REVISION, f"{what}: {message}.")


def _what_changed(keyword: str, before: Any, after: Any) -> str:
    if before is _ABSENT:
        return f"{keyword} {show(after)} added"
    if after is _ABSENT:
        return f"{keyword} {show(before)} removed"
    return f"{keyword} changed from {show(before)} to {show(after)}"
