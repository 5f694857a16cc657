"""loom_gateway.devices._document: registration, merge patches, deletion, strict validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from loom_catalog.catalog import DEVICE_REGISTRY_DEVICES_V1, DEVICE_SENSOR_GPS_V1
from loom_gateway.devices._document import SERVER_FIELDS, DeviceRules, is_active, merge_patch
from loom_gateway.errors import ConfigurationError, DeviceDeleted, InvalidDevice, MalformedBody
from tests.support.mobile_bodies import device_registration

EARLIER = "2025-07-08T14:53:08.123456Z"
NOW = "2025-07-09T10:00:00.000000Z"
LATER = "2025-07-10T10:00:00.000000Z"
DEFAULTS = {
    "platform": None,
    "model": None,
    "manufacturer": None,
    "os_version": None,
    "app_version": None,
    "service_name": None,
    "service_config": None,
    "tags": [],
    "metadata": {},
}

rules = DeviceRules(DEVICE_REGISTRY_DEVICES_V1)


def mobile_device(**changes: Any) -> dict[str, Any]:
    return device_registration(**changes)


def encode(value: object) -> bytes:
    return json.dumps(value).encode()


def registered(**changes: Any) -> dict[str, Any]:
    return rules.register(None, rules.parse(encode(mobile_device(**changes))), EARLIER)


def pointers(error: InvalidDevice) -> set[tuple[str, str]]:
    return {(e.pointer, e.rule) for e in error.errors}


# RFC 7396, appendix A.
@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7396(
    target: dict[str, Any], patch: dict[str, Any], result: dict[str, Any]
) -> None:
    assert merge_patch(target, patch) == result


def test_merge_patch_leaves_the_target_alone() -> None:
    target = {"a": {"b": 1}}

    merge_patch(target, {"a": {"b": 2}})

    assert target == {"a": {"b": 1}}


def test_the_registry_schema_must_have_the_server_fields() -> None:
    with pytest.raises(ConfigurationError, match="lacks the field"):
        DeviceRules(DEVICE_SENSOR_GPS_V1)


def test_a_mobile_registration_parses_and_server_fields_are_dropped() -> None:
    body = mobile_device(first_seen_at="2000-01-01T00:00:00Z", is_active=False, deleted_at=None)

    assert rules.parse(encode(body)) == mobile_device()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": 5}, {("/name", "type")}),
        ({"device_type": "phone"}, {("/device_type", "enum")}),
        ({"tags": "personal"}, {("/tags", "type")}),
        ({"tags": ["x" * 101]}, {("/tags/0", "maxLength")}),
        ({"colour": "red"}, {("/colour", "additionalProperties")}),
        ({"metadata": None}, {("/metadata", "type")}),
        ({"device_id": "has space"}, {("/device_id", "pattern")}),
        ({"first_seen_at": "yesterday"}, {("/first_seen_at", "pattern")}),
    ],
)
def test_registrations_off_the_schema_are_refused_by_pointer(
    changes: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidDevice) as caught:
        rules.parse(encode(mobile_device(**changes)))

    assert pointers(caught.value) == expected
    assert caught.value.schema_id == DEVICE_REGISTRY_DEVICES_V1.schema_id


def test_required_fields_are_required() -> None:
    with pytest.raises(InvalidDevice) as caught:
        rules.parse(b"{}")

    assert pointers(caught.value) == {
        ("/device_id", "required"),
        ("/name", "required"),
        ("/device_type", "required"),
    }


@pytest.mark.parametrize("body", [b"{not json", b"\xff"])
def test_bodies_that_are_not_json_are_malformed(body: bytes) -> None:
    with pytest.raises(MalformedBody):
        rules.parse(body)


def test_a_new_device_gets_every_server_field_and_defaults() -> None:
    device = rules.register(None, {"device_id": "d1", "name": "Laptop", "device_type": "desktop_linux"}, NOW)

    assert device == {
        "device_id": "d1",
        "name": "Laptop",
        "device_type": "desktop_linux",
        **DEFAULTS,
        "first_seen_at": NOW,
        "last_seen_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
        "is_active": True,
        "deleted_at": None,
    }


def test_re_registering_takes_the_posted_fields_and_keeps_the_rest() -> None:
    current = registered(metadata={"screen": "1080x2400"})

    device = rules.register(
        current, {"device_id": current["device_id"], "name": "New", "device_type": "tablet"}, NOW
    )

    assert (device["name"], device["device_type"]) == ("New", "tablet")
    assert device["metadata"] == {"screen": "1080x2400"}
    assert device["tags"] == ["personal"]
    assert (device["first_seen_at"], device["created_at"]) == (EARLIER, EARLIER)
    assert (device["last_seen_at"], device["updated_at"]) == (NOW, NOW)
    assert device["is_active"] is True


def test_re_registering_a_deleted_device_is_refused() -> None:
    deleted = rules.delete(registered(), NOW)

    with pytest.raises(DeviceDeleted) as caught:
        rules.register(deleted, rules.parse(encode(mobile_device())), LATER)

    assert caught.value.status == 403
    assert caught.value.device_id == deleted["device_id"]
    assert NOW in caught.value.detail
    assert "restore" in caught.value.detail


def test_a_patch_merges_client_fields_and_touches_the_timestamps() -> None:
    current = registered(metadata={"a": 1, "b": 2})

    device = rules.patch(
        current, encode({"name": "Work", "metadata": {"b": None, "c": 3}, "model": None}), NOW
    )

    assert device["name"] == "Work"
    assert device["metadata"] == {"a": 1, "c": 3}
    assert device["model"] is None  # removed, so back to its default
    assert (device["created_at"], device["updated_at"], device["last_seen_at"]) == (EARLIER, NOW, NOW)
    assert rules.encode(device)[1] == device


def test_removing_an_array_or_object_restores_its_empty_default() -> None:
    device = rules.patch(registered(metadata={"a": 1}), encode({"tags": None, "metadata": None}), NOW)

    assert (device["tags"], device["metadata"]) == ([], {})


def test_a_patch_may_repeat_the_device_id_but_not_change_it_or_server_fields() -> None:
    current = registered()

    assert rules.patch(current, encode({"device_id": current["device_id"]}), NOW)["name"] == "Pixel 8"
    with pytest.raises(InvalidDevice) as caught:
        rules.patch(current, encode({"device_id": "other", **dict.fromkeys(SERVER_FIELDS, None)}), NOW)

    assert pointers(caught.value) == {("/device_id", "const")} | {
        (f"/{name}", "readOnly") for name in SERVER_FIELDS
    }


@pytest.mark.parametrize("body", [b"[]", b'"name"', b"{oops"])
def test_a_patch_must_be_a_json_object(body: bytes) -> None:
    with pytest.raises(MalformedBody):
        rules.patch(registered(), body, NOW)


def test_a_patch_breaking_the_schema_is_refused_when_encoded() -> None:
    device = rules.patch(registered(), encode({"name": None, "device_type": "toaster", "tags": [1]}), NOW)

    with pytest.raises(InvalidDevice) as caught:
        rules.encode(device)

    assert pointers(caught.value) == {("/name", "required"), ("/device_type", "enum"), ("/tags/0", "type")}


def test_delete_and_restore() -> None:
    deleted = rules.delete(registered(), NOW)

    assert (deleted["is_active"], deleted["deleted_at"], deleted["updated_at"]) == (False, NOW, NOW)
    assert not is_active(deleted)
    restored = rules.restore(deleted, LATER)
    assert (restored["is_active"], restored["deleted_at"], restored["updated_at"]) == (True, None, LATER)
    assert restored["created_at"] == EARLIER


def test_a_record_an_older_writer_left_short_gets_the_missing_fields() -> None:
    short = {"device_id": "d1", "name": "Old", "device_type": "other"}

    assert is_active(short)
    device = rules.delete(short, NOW)
    assert (device["created_at"], device["tags"], device["is_active"]) == (NOW, [], False)


def test_encode_gives_the_record_value_in_the_schemas_field_order() -> None:
    device = {**registered(), "name": "Reordered"}
    shuffled = dict(reversed(list(device.items())))

    value, stored = rules.encode(shuffled)

    assert list(stored) == list(DEVICE_REGISTRY_DEVICES_V1.model.model_fields)
    assert json.loads(value) == stored == device
    assert rules.decode(value) == device
