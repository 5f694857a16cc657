"""The device record's rules: which fields the gateway owns, and how registration, merge patches,
deletion and restoring change a record. Pure: no I/O, the time is passed in.

A device is a JSON object (``Device``) shaped by the registry schema. Every stored record has
every client field present (defaults filled in: null, [] or {}), so clients see one shape.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, get_args, get_origin

import pydantic_core
from pydantic import ValidationError

from loom_gateway.catalog import DataType
from loom_gateway.errors import (
    ConfigurationError,
    DeviceDeleted,
    FieldError,
    InvalidDevice,
    MalformedBody,
)
from loom_gateway.ingest.validation import field_errors

__all__ = ["SERVER_FIELDS", "Device", "DeviceRules", "is_active", "merge_patch"]

Device = Mapping[str, Any]
"""A device record as JSON values; never mutated once built."""

SERVER_FIELDS = ("first_seen_at", "last_seen_at", "created_at", "updated_at", "is_active", "deleted_at")
"""Set by the gateway: values a client sends are replaced on registration and refused in a patch."""

_NO_DEFAULT = object()


def is_active(device: Device) -> bool:
    """Active unless deleted (a record without ``is_active`` counts as active)."""
    return device.get("is_active") is not False


def merge_patch(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7396 JSON merge patch: objects merge recursively, null removes, anything else replaces."""
    merged = dict(target)
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        elif isinstance(value, Mapping):
            current = merged.get(name)
            merged[name] = merge_patch(current if isinstance(current, Mapping) else {}, value)
        else:
            merged[name] = value
    return merged


class DeviceRules:
    """The device-registry data type's record, validated strictly with its generated model."""

    def __init__(self, data_type: DataType) -> None:
        fields = data_type.model.model_fields
        missing = [name for name in (data_type.key_field, *SERVER_FIELDS) if name not in fields]
        if missing:
            raise ConfigurationError(
                f"the device registry schema {data_type.schema_id} lacks the field(s) {', '.join(missing)}"
            )
        self.data_type = data_type
        self.key_field = data_type.key_field
        self._defaults = {
            field.alias or name: default
            for name, field in fields.items()
            if name not in SERVER_FIELDS
            and not field.is_required()
            and (default := _default_of(field.annotation)) is not _NO_DEFAULT
        }

    def parse(self, body: bytes) -> dict[str, Any]:
        """A posted device, validated as the schema says; server fields dropped (the gateway sets them)."""
        try:
            device = self.data_type.model.model_validate_json(body, strict=True)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                if problem["type"] == "json_invalid":
                    raise MalformedBody(f"the body is not valid JSON: {problem['msg']}") from None
            raise self._invalid(field_errors(error)) from None
        posted = device.model_dump(mode="json", by_alias=True)
        return {name: value for name, value in posted.items() if name not in SERVER_FIELDS}

    def encode(self, device: Device) -> tuple[bytes, Device]:
        """The record value for a device, and the device as stored (the schema's field order).

        Raises InvalidDevice when the device breaks the schema (e.g. a patch removed a required field).
        """
        try:
            model = self.data_type.model.model_validate_json(pydantic_core.to_json(device), strict=True)
        except ValidationError as error:
            raise self._invalid(field_errors(error)) from None
        value = model.model_dump_json(by_alias=True).encode()
        stored: dict[str, Any] = pydantic_core.from_json(value)
        return value, stored

    def decode(self, value: bytes) -> Device:
        """A device consumed from the registry topic; raises ValidationError when it is not one."""
        model = self.data_type.model.model_validate_json(value, strict=True)
        stored: dict[str, Any] = model.model_dump(mode="json", by_alias=True)
        return stored

    def register(self, current: Device | None, posted: Mapping[str, Any], now: str) -> dict[str, Any]:
        """Upsert: a new device gets every server field; a known one takes the posted fields (those it
        did not post keep their values) and keeps first_seen_at/created_at. A deleted device stays
        deleted: re-registering it is refused (restore reactivates it)."""
        device_id = str(posted[self.key_field])
        if current is None:
            return {
                **self._fresh_defaults(),
                **posted,
                "first_seen_at": now,
                "last_seen_at": now,
                "created_at": now,
                "updated_at": now,
                "is_active": True,
                "deleted_at": None,
            }
        if not is_active(current):
            raise DeviceDeleted(
                device_id,
                current.get("deleted_at"),
                f"registering it again is refused; POST /devices/{device_id}/restore reactivates it",
            )
        return {**self._touched(current, now), **posted}

    def patch(self, current: Device, body: bytes, now: str) -> dict[str, Any]:
        """A JSON merge patch (RFC 7396) of the client fields; server fields and the id cannot change."""
        try:
            patch = pydantic_core.from_json(body)
        except ValueError as error:
            raise MalformedBody(f"the body is not valid JSON: {error}") from None
        if not isinstance(patch, dict):
            raise MalformedBody("the body must be a JSON object (a merge patch of the device)")
        errors = [
            FieldError(f"/{name}", "readOnly", "is set by the gateway and cannot be patched")
            for name in patch
            if name in SERVER_FIELDS
        ]
        device_id = current[self.key_field]
        if self.key_field in patch and patch[self.key_field] != device_id:
            errors.append(
                FieldError(f"/{self.key_field}", "const", f"must be {device_id!r}, the device in the path")
            )
        if errors:
            raise self._invalid(errors)
        client = {name: value for name, value in current.items() if name not in SERVER_FIELDS}
        merged = merge_patch(client, patch)
        server = {name: value for name, value in self._touched(current, now).items() if name in SERVER_FIELDS}
        return {**self._fresh_defaults(), **merged, **server}

    def delete(self, current: Device, now: str) -> dict[str, Any]:
        """Soft delete: the record stays, marked inactive."""
        return {**self._touched(current, now), "is_active": False, "deleted_at": now}

    def restore(self, current: Device, now: str) -> dict[str, Any]:
        """Reactivate a deleted device (a no-op change of timestamps for an active one)."""
        return {**self._touched(current, now), "is_active": True, "deleted_at": None}

    def _touched(self, current: Device, now: str) -> dict[str, Any]:
        """``current`` updated now, with any field an older writer left out filled in."""
        return {
            **self._fresh_defaults(),
            "first_seen_at": now,
            "created_at": now,
            "is_active": True,
            "deleted_at": None,
            **current,
            "last_seen_at": now,
            "updated_at": now,
        }

    def _fresh_defaults(self) -> dict[str, Any]:
        return copy.deepcopy(self._defaults)

    def _invalid(self, errors: list[FieldError]) -> InvalidDevice:
        fields = ", ".join(sorted({error.pointer or "/" for error in errors}))
        return InvalidDevice(
            f"{self.data_type.title} is invalid at {fields}", errors, self.data_type.schema_id
        )


def _default_of(annotation: object) -> object:
    """null for a nullable field, [] for an array, {} for an object; otherwise no default."""
    options = get_args(annotation) or (annotation,)
    if type(None) in options:
        return None
    for option in options:
        origin = get_origin(option) or option
        if origin is list:
            return []
        if origin is dict:
            return {}
    return _NO_DEFAULT
