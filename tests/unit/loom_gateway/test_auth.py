"""API keys: parsing, authentication, device binding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loom_gateway.auth import Authenticator, parse_keys, read_keys_file
from loom_gateway.errors import ConfigurationError, DeviceNotAllowed, Unauthenticated
from loom_gateway.settings import load_settings

ANY_KEY = "any-device-key-0123456789"
PHONE_KEY = "phone-only-key-0123456789"
_LIST_CHARACTERS = (
    "characters a key of the list form may not have (letters, digits and -._~+/ only, = at the end)"
)
AUTHENTICATOR = Authenticator({ANY_KEY: None, PHONE_KEY: frozenset({"phone-1"})})


@pytest.mark.parametrize(
    "headers",
    [{"x-api-key": ANY_KEY}, {"authorization": f"Bearer {ANY_KEY}"}, {"authorization": f"bearer  {ANY_KEY}"}],
    ids=["x-api-key", "bearer", "bearer-lower-case"],
)
def test_a_known_key_in_either_header_authenticates(headers: dict[str, str]) -> None:
    principal = AUTHENTICATOR.authenticate(headers)

    assert principal.devices is None
    assert len(principal.key_id) == 8
    assert ANY_KEY not in principal.key_id


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "send an API key in X-API-Key or Authorization: Bearer"),
        ({"authorization": f"Basic {ANY_KEY}"}, "send an API key in X-API-Key or Authorization: Bearer"),
        ({"x-api-key": "not-a-key-of-ours-at-all"}, "the API key is not valid"),
    ],
)
def test_a_missing_or_unknown_key_is_unauthenticated(headers: dict[str, str], detail: str) -> None:
    with pytest.raises(Unauthenticated) as caught:
        AUTHENTICATOR.authenticate(headers)

    assert caught.value.detail == detail
    assert caught.value.status == 401


def test_a_bound_key_writes_only_as_its_devices() -> None:
    principal = AUTHENTICATOR.authenticate({"x-api-key": PHONE_KEY})

    principal.check_device("phone-1")
    with pytest.raises(DeviceNotAllowed) as caught:
        principal.check_device("laptop-7")
    assert caught.value.status == 403
    assert PHONE_KEY not in caught.value.detail


def test_keys_parse_from_json_with_any_or_listed_devices() -> None:
    keys = parse_keys(json.dumps({ANY_KEY: "*", PHONE_KEY: ["phone-1", "phone-2"]}), "LOOM_API_KEYS")

    assert keys == {ANY_KEY: None, PHONE_KEY: frozenset({"phone-1", "phone-2"})}


@pytest.mark.parametrize(
    "text",
    [
        f"{ANY_KEY},{PHONE_KEY}",
        f" {ANY_KEY} , {PHONE_KEY}\n",
        f"{ANY_KEY},{PHONE_KEY},{ANY_KEY}",
        f"{ANY_KEY}\n{PHONE_KEY}\n",
        f"{ANY_KEY},\r\n{PHONE_KEY}",
        f"{ANY_KEY}\n\n{PHONE_KEY}",
    ],
    ids=[
        "plain",
        "spaces-and-a-final-newline",
        "a-repeated-key",
        "one-per-line",
        "comma-and-line-break",
        "a-blank-line",
    ],
)
def test_keys_parse_from_a_comma_separated_list_each_for_any_device(text: str) -> None:
    assert parse_keys(text, "LOOM_API_KEYS") == {ANY_KEY: None, PHONE_KEY: None}


def test_a_list_key_may_be_base64_or_a_bearer_token() -> None:
    key = "dGhlLWtleS1vZi1hLWRldmljZQ/+_~.-=="

    assert parse_keys(f"{key},{ANY_KEY}", "LOOM_API_KEYS") == {key: None, ANY_KEY: None}


FORMS = (
    "a comma-separated list of keys (or one per line), each for any device (key1,key2), or a JSON object"
    ' {"<key>": "*" or ["<device id>", ...]}'
)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("key=*", f"LOOM_API_KEYS: key #1 has {_LIST_CHARACTERS}; the accepted forms: {FORMS}"),
        (f"{ANY_KEY}:*", f"LOOM_API_KEYS: key #1 has {_LIST_CHARACTERS}; the accepted forms: {FORMS}"),
        (
            f"{ANY_KEY} {PHONE_KEY}",
            f"LOOM_API_KEYS: key #1 has {_LIST_CHARACTERS}; the accepted forms: {FORMS}",
        ),
        (f"{ANY_KEY},,{PHONE_KEY}", f"LOOM_API_KEYS: key #2 is empty; the accepted forms: {FORMS}"),
        ("", f"LOOM_API_KEYS: key #1 is empty; the accepted forms: {FORMS}"),
        ('["a"]', f"LOOM_API_KEYS is neither of the accepted forms: {FORMS}"),
        (json.dumps(ANY_KEY), f"LOOM_API_KEYS is neither of the accepted forms: {FORMS}"),
        (
            "{" + ANY_KEY + ": *}",
            "LOOM_API_KEYS is not a valid JSON object (Expecting property name enclosed in double quotes);"
            f" the accepted forms: {FORMS}",
        ),
        ('{" ": "*"}', "LOOM_API_KEYS: key #1 is empty"),
        (json.dumps({ANY_KEY: []}), 'LOOM_API_KEYS: key #1 must map to "*" or a list of device ids'),
        (json.dumps({ANY_KEY: "phone-1"}), 'LOOM_API_KEYS: key #1 must map to "*" or a list of device ids'),
    ],
)
def test_bad_key_configuration_is_a_sentence_that_never_quotes_a_key(text: str, detail: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_keys(text, "LOOM_API_KEYS")

    assert caught.value.detail == detail
    assert ANY_KEY not in caught.value.detail


def test_a_bad_key_list_stops_the_settings_with_both_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_API_KEYS", "mykey=*")

    with pytest.raises(ConfigurationError) as caught:
        load_settings().authenticator()

    assert caught.value.detail.startswith("LOOM_API_KEYS: key #1 has ")
    assert caught.value.detail.endswith(FORMS)


def test_a_key_list_from_the_environment_authenticates_each_key_for_any_device(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOOM_API_KEYS", f"{ANY_KEY},{PHONE_KEY}")

    authenticator = load_settings().authenticator()

    assert authenticator is not None
    assert authenticator.authenticate({"x-api-key": ANY_KEY}).devices is None
    assert authenticator.authenticate({"authorization": f"Bearer {PHONE_KEY}"}).devices is None


def test_a_keys_file_may_hold_a_list(tmp_path: Path) -> None:
    path = tmp_path / "api-keys"
    path.write_text(f"{ANY_KEY},{PHONE_KEY}\n", "utf-8")

    assert read_keys_file(path) == {ANY_KEY: None, PHONE_KEY: None}


def test_keys_file_adds_to_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({PHONE_KEY: ["phone-1"]}), "utf-8")
    settings = load_settings(api_keys=json.dumps({ANY_KEY: "*"}), api_keys_file=path)

    authenticator = settings.authenticator()

    assert authenticator is not None
    assert authenticator.authenticate({"x-api-key": PHONE_KEY}).devices == frozenset({"phone-1"})
    assert authenticator.authenticate({"x-api-key": ANY_KEY}).devices is None
    assert read_keys_file(path) == {PHONE_KEY: frozenset({"phone-1"})}


def test_no_keys_is_a_configuration_error_unless_auth_is_disabled() -> None:
    with pytest.raises(ConfigurationError, match="no API keys"):
        load_settings().authenticator()

    assert load_settings(auth_disabled=True).authenticator() is None


def test_the_settings_never_show_the_keys() -> None:
    settings = load_settings(api_keys=json.dumps({ANY_KEY: "*"}))

    assert ANY_KEY not in repr(settings)
    assert ANY_KEY not in str(settings.model_dump())
