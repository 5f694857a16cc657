"""A data type's model mirrored as msgspec Structs: the common case decoded and re-encoded in C.

Validating a reading with its pydantic model builds a model (about 3 µs for a GPS reading), and
serialising it for Kafka walks it again (about 1 µs); for an array of 100 readings those two were
the largest share of the event loop's time that the acknowledged-minimal app does not spend. A
msgspec Struct that mirrors the model decodes, validates and re-encodes the same reading in
about a third of that.

The mirror is built from the model's own core schema, so it says what the model says and no more:
strings (length, pattern), integers and floats (bounds), booleans, enums and literals of strings,
lists, objects with string keys, nested models, ``None``, "left out" (``MISSING``), defaults of
plain values, and the format checks (``function-after`` validators) of top-level fields. Those
checks and top-level patterns run after decoding, one field at a time over every reading of the
body (``_Checks``). A schema using anything else (an alias, a union of types, a model validator, a
float's ``multipleOf``, a check inside a list) has no mirror, and its readings go through the model
alone. A pattern is used only when Python's ``re`` reads it as the model's Rust engine does: plain
characters, classes, groups and quantifiers, ``^`` and a final ``$`` (made ``\\Z``, since ``$``
in ``re`` also matches before a trailing newline).

The mirror only ever *accepts*: a body it refuses (or that a check refuses) returns None and the
model decides, which also says what is wrong and where. What it accepts, the model accepts too,
and the record it encodes is the same JSON document the model's serialiser writes (the spelling
of a float's exponent aside: ``1e22`` for ``1e+22``). ``tests/unit/loom_gateway/ingest/
test_mirror.py`` holds every catalog data type to that with hypothesis, and the corner cases
(duplicate keys, a trailing newline, lone surrogates, a value the check refuses) one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from operator import attrgetter
from typing import Annotated, Any, Literal, get_args, get_origin

import msgspec
from pydantic import MISSING, BaseModel

__all__ = ["StructMirror"]

_Check = Callable[[Any], object]

# Keys of a core schema that do not change what it accepts or how it serialises.
_INERT = frozenset({"type", "metadata", "ref", "strict"})
_BOUNDS = ("ge", "le", "gt", "lt")
# Characters whose meaning is the same in Python's re and Rust's regex, as the catalog writes
# patterns: ASCII literals, classes, groups, alternation and quantifiers; an escape only of
# punctuation (a letter after a backslash, \d or \w, is a Unicode class whose tables may differ).
_PORTABLE_PATTERN = re.compile(r"\^?(?:[A-Za-z0-9 _\-.,:;/=+*?|(){}\[\]@#%&'\"<>!~]|\\[^A-Za-z0-9])*\$?")
# "(?" but for a plain group "(?:": inline flags, lookaround (which pydantic leaves to Python's re,
# with its own anchoring), named groups.
_EXTENSION = re.compile(r"(?<!\\)\(\?(?!:)")
_PLAIN_DEFAULTS = (str, int, float, bool, type(None))


class _Unmirrorable(Exception):
    """The model says something the mirror cannot say the same way."""


class StructMirror:
    """Decodes a data type's readings as its model would accept them, or says None (see the module)."""

    def __init__(self, struct: type[msgspec.Struct], checks: _Checks) -> None:
        self.struct = struct
        """The Struct a reading decodes to."""
        self._one = msgspec.json.Decoder(struct).decode
        self._array = msgspec.json.Decoder(list[struct]).decode  # type: ignore[valid-type]
        self._checks = checks
        self.encode: Callable[[msgspec.Struct], bytes] = msgspec.json.Encoder().encode
        """The reading as JSON, as the model's serialiser writes it."""

    @classmethod
    def of(
        cls, model: type[BaseModel], omit: Collection[str] = (), key: str | None = None
    ) -> StructMirror | None:
        """The mirror of ``model`` without the fields ``omit`` names (a reading holding one is left
        to the model), or None when it has none. ``key``: a field the record key is made of, which
        must be a plain required string so that ``str()`` of it is the same in both."""
        try:
            schema = model.__pydantic_core_schema__
            definitions = _definitions(schema)
            checks = _Checks()
            struct = _Translator(definitions).model(_resolved(schema, definitions), omit, checks)
        except _Unmirrorable:
            return None
        if key is not None and not _is_required_string(struct, key):
            return None
        return cls(struct, checks)

    def one(self, body: bytes) -> msgspec.Struct | None:
        """The reading a JSON object holds, when the model would accept it; None otherwise."""
        try:
            reading = self._one(body)
        except (msgspec.DecodeError, RecursionError):  # a ValidationError too; JSON nested too deep
            return None
        return reading if self._checks.passed_one(reading) else None

    def array(self, body: bytes) -> list[msgspec.Struct] | None:
        """Every reading of a JSON array, when the model would accept each one; None otherwise."""
        try:
            readings = self._array(body)
        except (msgspec.DecodeError, RecursionError):
            return None
        return readings if self._checks.passed(readings) else None


class _Checks:
    """What top-level fields' values must also pass, checked after decoding one field at a time
    over all the readings of a body: patterns, and format checks (``function-after`` validators).

    A pattern is checked here rather than by msgspec (about 0.4 µs a value there, 0.2 for a search
    from here), and when it is anchored at both ends and cannot match a newline, once for all the
    values of an array joined by newlines (0.1 µs a value).
    """

    def __init__(self) -> None:
        self._patterns: list[tuple[Callable[[Any], Any], _Check, _Check | None]] = []
        self._functions: list[tuple[Callable[[Any], Any], _Check]] = []

    def add_pattern(self, name: str, pattern: str) -> None:
        """``pattern``: as the model has it (Unmirrorable unless ``_portable``)."""
        search = re.compile(_portable(pattern)).search
        joined = _joined(pattern)
        self._patterns.append(
            (attrgetter(name), search, None if joined is None else re.compile(joined).fullmatch)
        )

    def add_function(self, name: str, check: _Check) -> None:
        self._functions.append((attrgetter(name), check))

    def passed_one(self, reading: msgspec.Struct) -> bool:
        """``passed`` for a lone reading, without the lists (a sixth of the single path's validation)."""
        for value_of, search, _ in self._patterns:
            value = value_of(reading)
            if value.__class__ is str and search(value) is None:
                return False
        return all(_passes(check, value_of(reading)) for value_of, check in self._functions)

    def passed(self, readings: list[msgspec.Struct]) -> bool:
        for value_of, search, search_joined in self._patterns:
            values = [value for value in map(value_of, readings) if value.__class__ is str]
            if search_joined is not None and len(values) > 1:
                joined = "\n".join(values)
                # A value holding a newline of its own would be refused by the pattern, but would
                # also shift the joined string's boundaries: counted, not trusted.
                if joined.count("\n") != len(values) - 1 or search_joined(joined) is None:
                    return False
            elif not all(map(search, values)):
                return False
        for value_of, check in self._functions:
            for value in map(value_of, readings):
                if not _passes(check, value):
                    return False
        return True


def _passes(check: _Check, value: object) -> bool:
    if value is None or value is msgspec.UNSET:
        return True
    try:
        # A check that would change the value (none of the catalog's does) is the model's to apply.
        return bool(check(value) == value)
    except (ValueError, AssertionError):  # what pydantic makes a validation error of
        return False


class _Translator:
    """Core schema → msgspec type, or ``_Unmirrorable``."""

    def __init__(self, definitions: Mapping[str, Mapping[str, Any]]) -> None:
        self._definitions = definitions
        self._open: set[str] = set()

    def model(
        self, schema: Mapping[str, Any], omit: Collection[str], checks: _Checks | None
    ) -> type[msgspec.Struct]:
        """A Struct for a ``model`` schema: ``checks`` collects its fields' format checks (None: a
        nested model, where a check is not mirrored)."""
        _only(schema, {"type", "cls", "schema", "config", "ref", "metadata", "custom_init", "root_model"})
        config = schema.get("config", {})
        _only(config, {"title", "extra_fields_behavior"})
        extra = config.get("extra_fields_behavior", "ignore")
        if schema.get("custom_init") or schema.get("root_model") or extra not in ("forbid", "ignore"):
            raise _Unmirrorable
        if omit and extra != "forbid":
            raise _Unmirrorable  # an omitted field would be ignored, not validated: only refused is safe
        fields = _resolved(schema["schema"], self._definitions)
        if fields["type"] != "model-fields":
            raise _Unmirrorable
        _only(fields, {"type", "fields", "model_name", "computed_fields"})
        if fields.get("computed_fields"):
            raise _Unmirrorable
        return msgspec.defstruct(
            f"{schema['cls'].__name__}Mirror",
            [
                self._field(name, field, checks)
                for name, field in fields["fields"].items()
                if name not in omit
            ],
            kw_only=True,  # declaration order, required fields or not: the serialiser's order
            forbid_unknown_fields=extra == "forbid",
        )

    def _field(self, name: str, field: Mapping[str, Any], checks: _Checks | None) -> tuple[str, Any, object]:
        """The Struct's field: name, type, default."""
        if field["type"] != "model-field":
            raise _Unmirrorable
        _only(field, {"type", "schema", "metadata"})
        schema = _resolved(field["schema"], self._definitions)
        default: object = msgspec.NODEFAULT
        if schema["type"] == "default":
            _only(schema, {"type", "schema", "default", "metadata", "ref"})
            default = schema["default"]
            schema = _resolved(schema["schema"], self._definitions)
            if default is MISSING:
                default = msgspec.UNSET
            elif not isinstance(default, _PLAIN_DEFAULTS):
                raise _Unmirrorable
        annotation = self.type(schema, top=(name, checks) if checks is not None else None)
        if default is msgspec.UNSET and not _may_be_unset(annotation):
            raise _Unmirrorable
        return name, annotation, default

    def type(self, schema: Mapping[str, Any], top: tuple[str, _Checks] | None = None) -> Any:
        """``top``: the top-level field this is (through wrappers only), whose checks may be mirrored."""
        schema = _resolved(schema, self._definitions)
        kind = schema["type"]
        if kind == "missing-sentinel":
            _only(schema, {"type", "schema", "metadata", "ref"})
            return self.type(schema["schema"], top) | msgspec.UnsetType
        if kind == "nullable":
            _only(schema, {"type", "schema", "metadata", "ref"})
            return self.type(schema["schema"], top) | None
        if kind == "function-after":
            _only(schema, {"type", "schema", "function", "metadata", "ref"})
            function = schema["function"]
            if top is None or function.get("type") != "no-info":
                raise _Unmirrorable
            name, checks = top
            checks.add_function(name, function["function"])
            return self.type(schema["schema"], top)
        ref = schema.get("ref")
        if ref is not None:
            if ref in self._open:
                raise _Unmirrorable  # recursive
            self._open.add(ref)
        try:
            if kind == "str" and top is not None and "pattern" in schema:
                name, checks = top
                checks.add_pattern(name, schema["pattern"])
                schema = {key: value for key, value in schema.items() if key != "pattern"}
            return self._leaf(kind, schema)
        finally:
            if ref is not None:
                self._open.discard(ref)

    def _leaf(self, kind: str, schema: Mapping[str, Any]) -> Any:
        if kind in _SCALARS:
            return _SCALARS[kind](schema)
        if kind == "list":
            _only(schema, {"items_schema", "min_length", "max_length"})
            items: Any = self.type(schema["items_schema"]) if "items_schema" in schema else Any
            return _sized(list[items], schema)
        if kind == "dict":
            _only(schema, {"keys_schema", "values_schema", "min_length", "max_length"})
            keys = schema.get("keys_schema")
            if keys is not None and self.type(keys) is not str:
                raise _Unmirrorable
            values: Any = self.type(schema["values_schema"]) if "values_schema" in schema else Any
            return _sized(dict[str, values], schema)
        if kind == "model":
            return self.model(schema, (), None)
        raise _Unmirrorable


def _string(schema: Mapping[str, Any]) -> Any:
    _only(schema, {"pattern", "max_length", "min_length"})
    pattern = schema.get("pattern")
    return _sized(str, schema, pattern=None if pattern is None else _portable(pattern))


def _integer(schema: Mapping[str, Any]) -> Any:
    _only(schema, {*_BOUNDS, "multiple_of"})
    return _constrained(int, multiple_of=schema.get("multiple_of"), **_bounds(schema))


def _float(schema: Mapping[str, Any]) -> Any:
    # NaN and infinities never reach either: the body is refused before (require_finite_numbers).
    _only(schema, {*_BOUNDS, "allow_inf_nan"})
    return _constrained(float, **_bounds(schema))


def _plain(annotation: Any) -> Callable[[Mapping[str, Any]], Any]:
    def plain(schema: Mapping[str, Any]) -> Any:
        _only(schema, ())
        return annotation

    return plain


def _choice(schema: Mapping[str, Any]) -> Any:
    """An enum's or a literal's values, when they are strings (and None: JSON's null, as both publish it)."""
    _only(schema, {"cls", "members", "sub_type", "expected"})
    values = (
        [member.value for member in schema["members"]] if "members" in schema else list(schema["expected"])
    )
    strings = tuple(value for value in values if value is not None)
    if not strings or not all(type(value) is str for value in strings):
        raise _Unmirrorable
    return Literal[strings] if len(strings) == len(values) else Literal[strings] | None


_SCALARS: Mapping[str, Callable[[Mapping[str, Any]], Any]] = {
    "str": _string,
    "int": _integer,
    "float": _float,
    "bool": _plain(bool),
    "any": _plain(Any),
    "enum": _choice,
    "literal": _choice,
}


def _only(schema: Mapping[str, Any], allowed: Collection[str]) -> None:
    if not schema.keys() <= _INERT | set(allowed):
        raise _Unmirrorable


def _bounds(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {bound: schema[bound] for bound in _BOUNDS if bound in schema}


def _sized(annotation: Any, schema: Mapping[str, Any], **constraints: Any) -> Any:
    return _constrained(
        annotation, min_length=schema.get("min_length"), max_length=schema.get("max_length"), **constraints
    )


def _constrained(annotation: Any, **constraints: Any) -> Any:
    given = {name: value for name, value in constraints.items() if value is not None}
    return Annotated[annotation, msgspec.Meta(**given)] if given else annotation


def _portable(pattern: str) -> str:
    """The pattern as Python's ``re.search`` must read it to match what Rust's regex matches."""
    if not _PORTABLE_PATTERN.fullmatch(pattern) or pattern.endswith("\\$") or _EXTENSION.search(pattern):
        raise _Unmirrorable
    return pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern


def _joined(pattern: str) -> str | None:
    """A pattern that matches values joined by newlines when each matches ``pattern`` (portable, as
    the model has it: so no negated class, nothing that matches a newline), which must be anchored
    at both ends and hold no top-level alternative; None otherwise."""
    if not (pattern.startswith("^") and pattern.endswith("$")) or "[]" in pattern:
        return None
    body = pattern[1:-1]
    depth, in_class, escaped = 0, False, False
    for char in body:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return None
    return f"(?:(?:{body})\n)*(?:{body})"


def _may_be_unset(annotation: Any) -> bool:
    return msgspec.UnsetType in getattr(annotation, "__args__", ())


def _definitions(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    if schema["type"] != "definitions":
        return {}
    return {definition["ref"]: definition for definition in schema["definitions"]}


def _resolved(schema: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    while schema["type"] in ("definitions", "definition-ref"):
        if schema["type"] == "definitions":
            schema = schema["schema"]
        else:
            _only(schema, {"schema_ref"})
            if schema["schema_ref"] not in definitions:
                raise _Unmirrorable
            schema = definitions[schema["schema_ref"]]
    return schema


def _is_required_string(struct: type[msgspec.Struct], name: str) -> bool:
    """The Struct's field ``name`` is a string (constrained or not) it cannot do without."""
    field = next((field for field in msgspec.structs.fields(struct) if field.name == name), None)
    if field is None or not field.required:
        return False
    annotation = get_args(field.type)[0] if get_origin(field.type) is Annotated else field.type
    return annotation is str
