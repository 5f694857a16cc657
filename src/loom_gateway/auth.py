"""Who is calling: API keys (``X-API-Key``, as the Loom mobile client sends, or
``Authorization: Bearer``), each optionally bound to the device ids it may write as.

Keys are kept only as SHA-256 digests, compared by digest, and never logged: a key is named
in logs by the first 8 hex digits of its digest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from loom_gateway.errors import ConfigurationError, DeviceNotAllowed, Unauthenticated

__all__ = ["ANY_DEVICE", "FORMS", "Authenticator", "Principal", "parse_keys", "read_keys_file"]

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
    """Keys and the devices each may write as, from either accepted form (``FORMS``): a comma-separated
    list of keys, each for any device (``key1,key2``), or a JSON object
    ``{"<key>": "*" | ["<device id>", ...], ...}``. Surrounding white space (a file's last newline) is
    ignored."""
    text = text.strip()
    if text.startswith("{"):
        return _parse_object(text, source)
    if text.startswith(("[", '"')):
        raise ConfigurationError(f"{source} is neither of the accepted forms: {FORMS}")
    return _parse_list(text, source)


FORMS = (
    "a comma-separated list of keys (or one per line), each for any device (key1,key2), or a JSON object"
    ' {"<key>": "*" or ["<device id>", ...]}'
)
"""The accepted forms of LOOM_API_KEYS and LOOM_API_KEYS_FILE, as error messages name them."""

# Commas, or one key per line as a mounted keys file often holds them (",\n" is one separator).
_LIST_SEPARATOR = re.compile(r"\s*(?:,|\n)\s*")
# RFC 7235 token68, what `Authorization: Bearer` carries: a list key must be sendable in either header.
_LIST_KEY = re.compile(r"[A-Za-z0-9._~+/-]+=*")


def _parse_list(text: str, source: str) -> dict[str, frozenset[str] | None]:
    keys: dict[str, frozenset[str] | None] = {}
    for index, key in enumerate(_LIST_SEPARATOR.split(text)):
        if not key:
            raise ConfigurationError(f"{source}: key #{index + 1} is empty; the accepted forms: {FORMS}")
        if not _LIST_KEY.fullmatch(key):
            raise ConfigurationError(
                f"{source}: key #{index + 1} has characters a key of the list form may not have (letters,"
                f" digits and -._~+/ only, = at the end); the accepted forms: {FORMS}"
            )
        _warn_if_short(key, index, source)
        keys[key] = None
    return keys


def _parse_object(text: str, source: str) -> dict[str, frozenset[str] | None]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigurationError(
            f"{source} is not a valid JSON object ({error.msg}); the accepted forms: {FORMS}"
        ) from None
    if not isinstance(document, dict):
        raise ConfigurationError(f"{source} is neither of the accepted forms: {FORMS}")
    keys: dict[str, frozenset[str] | None] = {}
    for index, (key, devices) in enumerate(document.items()):
        if not key.strip():
            raise ConfigurationError(f"{source}: key #{index + 1} is empty")
        _warn_if_short(key, index, source)
        if devices == ANY_DEVICE:
            keys[key] = None
        elif isinstance(devices, list) and devices and all(isinstance(d, str) for d in devices):
            keys[key] = frozenset(devices)
        else:
            raise ConfigurationError(f'{source}: key #{index + 1} must map to "*" or a list of device ids')
    return keys


def _warn_if_short(key: str, index: int, source: str) -> None:
    if len(key) < _SHORT_KEY:
        # The Loom mobile client's default key is 10 characters: allowed, but said.
        logger.warning(
            "%s: key #%d is shorter than %d characters: easy to guess", source, index + 1, _SHORT_KEY
        )


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
