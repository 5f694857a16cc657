"""What the compatibility gate finds: one change to one released schema, classified."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["NARROWER", "WIDER", "Change", "Delta", "Finding", "child", "show"]

NARROWER = "readings valid before may now be refused (from older clients, or in the topic's history)"
WIDER = "old readers may now receive values they were promised would not occur"


class Change(enum.Enum):
    """SchemaVer's classes, seen from the devices that write a data type and the consumers that read it.

    The rules, one per keyword, are tabulated in schemas/README.md ("Compatibility").
    """

    ADDITION = "addition"
    """Every reading valid before stays valid, and old readers can ignore what is new."""
    REVISION = "revision"
    """Some readings valid before are refused now, or old readers may meet values they were told
    could not occur."""
    BREAKING = "breaking"
    """No, or hardly any, reading stays compatible: a type, a required property, the identity."""

    @property
    def allowed_in_a_release(self) -> bool:
        """Released schemas are immutable except for additions."""
        return self is Change.ADDITION


@dataclass(frozen=True, slots=True)
class Delta:
    """One classified difference inside a schema, located by a JSON pointer."""

    pointer: str
    change: Change
    message: str

    def __str__(self) -> str:
        return f"#{self.pointer}: {self.change.value}: {self.message}"


@dataclass(frozen=True, slots=True)
class Finding:
    """A delta in a named schema file (relative to the schema root)."""

    path: str
    pointer: str
    change: Change
    message: str

    @classmethod
    def at(cls, path: str, delta: Delta) -> Finding:
        return cls(path, delta.pointer, delta.change, delta.message)

    def __str__(self) -> str:
        where = f"{self.path}#{self.pointer}" if self.pointer else self.path
        return f"{where}: {self.change.value}: {self.message}"


def show(value: Any) -> str:
    """A value as JSON, the way it is written in the schema."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def child(pointer: str, *tokens: str) -> str:
    """``pointer`` extended by ``tokens``, each escaped as RFC 6901 says."""
    return pointer + "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in tokens)
