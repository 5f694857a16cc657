"""Who is calling: API keys (``X-API-Key``, as the Loom mobile client sends, or
``Authorization: Bearer``), each optionally bound to the device ids it may write as.

Keys are kept only as SHA-256 digests, compared by digest, and never logged: a key is named
in logs by the first 8 hex digits of its digest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from loom_gateway.errors import ConfigurationError, DeviceNotAllowed, Unauthenticated

__all__ = ["ANY_DEVICE", "Authenticator", "Principal", "parse_keys", "read_keys_file"]

ANY_DEVICE = "*"
_SHORT_KEY = 16

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller."""

    key_id: str
    """First 8 hex digits of the key's SHA-256: safe to log."""
    devices: frozenset[str] | None
    """The device ids this key may write as; None: any."""

    def check_device(self, device_id: str) -> None:
        if self.devices is not None and device_id not in self.devices:
            raise DeviceNotAllowed(f"key {self.key_id} may not write as device {device_id!r}")


class Authenticator:
    def __init__(self, keys: Mapping[str, frozenset[str] | None]) -> None:
        """``keys``: each API key, with the device ids it may write as (None: any)."""
        if not keys:
            raise ConfigurationError(
                "no API keys: set LOOM_API_KEYS or LOOM_API_KEYS_FILE"
                " (or LOOM_AUTH_DISABLED=true for development)"
            )
        self._principals = {
            _digest(key): Principal(_digest(key)[:8], devices) for key, devices in keys.items()
        }
        # Keys already seen valid, so a device's every request does not hash its key again;
        # bounded by the number of configured keys (unknown keys are never remembered).
        self._known: dict[str, Principal] = {}

    def authenticate(self, headers: Mapping[str, str]) -> Principal:
        """The caller's principal; 401 when no key, or an unknown one, was presented."""
        key = headers.get("x-api-key") or _bearer(headers.get("authorization", ""))
        if not key:
            raise Unauthenticated("send an API key in X-API-Key or Authorization: Bearer")
        principal = self._known.get(key) or self._principals.get(_digest(key))
        if principal is None:
            raise Unauthenticated("the API key is not valid")
        self._known[key] = principal
        return principal


def parse_keys(text: str, source: str) -> dict[str, frozenset[str] | None]:
    """``{"<key>": "*" | ["device-id", ...], ...}`` (a JSON object) into keys and their devices."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"{source} is not JSON: {error.msg}") from None
    if not isinstance(document, dict):
        raise ConfigurationError(f'{source} must be a JSON object: {{"<key>": "*" or ["<device id>", ...]}}')
    keys: dict[str, frozenset[str] | None] = {}
    for index, (key, devices) in enumerate(document.items()):
        if not key.strip():
            raise ConfigurationError(f"{source}: key #{index + 1} is empty")
        if len(key) < _SHORT_KEY:
            # The Loom mobile client's default key is 10 characters: allowed, but said.
            logger.warning(
                "%s: key #%d is shorter than %d characters: easy to guess", source, index + 1, _SHORT_KEY
            )
        if devices == ANY_DEVICE:
            keys[key] = None
        elif isinstance(devices, list) and devices and all(isinstance(d, str) for d in devices):
            keys[key] = frozenset(devices)
        else:
            raise ConfigurationError(f'{source}: key #{index + 1} must map to "*" or a list of device ids')
    return keys


def read_keys_file(path: Path) -> dict[str, frozenset[str] | None]:
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise ConfigurationError(f"cannot read LOOM_API_KEYS_FILE {path}: {error.strerror}") from None
    return parse_keys(text, f"LOOM_API_KEYS_FILE {path}")


def _bearer(authorization: str) -> str:
    scheme, _, credentials = authorization.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
