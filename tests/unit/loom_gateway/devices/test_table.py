"""loom_gateway.devices._table: the latest record per key, read-your-writes, GET /devices queries."""

from __future__ import annotations

from typing import Any

import pytest

from loom_gateway.devices._table import DeviceQuery, DeviceTable
from loom_gateway.errors import InvalidQuery


def device(device_id: str, **fields: Any) -> dict[str, Any]:
    return {"device_id": device_id, "name": device_id, "device_type": "other", "is_active": True, **fields}


def test_the_latest_record_per_key_wins_and_a_tombstone_forgets() -> None:
    table = DeviceTable()

    table.consumed("a", device("a", name="first"), None)
    table.consumed("b", device("b"), None)
    table.consumed("a", device("a", name="second"), None)

    assert table.get("a") == device("a", name="second")
    assert len(table) == 2
    table.consumed("a", None, None)
    assert table.get("a") is None
    assert [d["device_id"] for d in table.devices()] == ["b"]


def test_an_acknowledged_write_is_read_before_the_consumer_reaches_it() -> None:
    table = DeviceTable()
    table.consumed("a", device("a", name="old"), None)

    table.written("a", device("a", name="mine"), "w1")

    assert table.get("a") == device("a", name="mine")
    assert table.devices() == [device("a", name="mine")]


def test_records_older_than_a_write_do_not_hide_it_and_newer_ones_replace_it() -> None:
    table = DeviceTable()
    table.written("a", device("a", name="mine"), "w1")

    table.consumed("a", device("a", name="another replica's, written before"), "x")
    assert table.get("a") == device("a", name="mine")

    table.consumed("a", device("a", name="mine"), "w1")  # the write itself comes back
    table.consumed("a", device("a", name="another replica's, written after"), "y")
    assert table.get("a") == device("a", name="another replica's, written after")
    assert len(table) == 1


def test_a_second_write_stays_until_its_own_record_arrives() -> None:
    table = DeviceTable()
    table.written("a", device("a", name="one"), "w1")
    table.written("a", device("a", name="two"), "w2")

    table.consumed("a", device("a", name="one"), "w1")

    assert table.get("a") == device("a", name="two")


def test_query_defaults() -> None:
    assert DeviceQuery.parse({}) == DeviceQuery(None, None, is_active=True, limit=100, offset=0)


def test_query_parameters() -> None:
    query = DeviceQuery.parse(
        {"device_type": "service", "service_name": "s", "is_active": "FALSE", "limit": "1000", "offset": "7"}
    )

    assert query == DeviceQuery("service", "s", is_active=False, limit=1000, offset=7)


@pytest.mark.parametrize(
    ("parameters", "bad"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "1" * 5000}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "1.5"}, "offset"),
        ({"offset": "٣"}, "offset"),  # a digit, but not an ASCII one
        ({"is_active": "yes"}, "is_active"),
        ({"is_active": ""}, "is_active"),
    ],
)
def test_bad_query_values_are_refused_by_name(parameters: dict[str, str], bad: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        DeviceQuery.parse(parameters)

    assert caught.value.parameter == bad
    assert caught.value.status == 400
    assert bad in caught.value.detail


DEVICES = [
    device("p2", device_type="mobile_android", created_at="2025-07-02T00:00:00.000000Z"),
    device("p1", device_type="mobile_android", created_at="2025-07-01T00:00:00.000000Z"),
    device("s1", device_type="service", service_name="ingest", created_at="2025-07-01T00:00:00.000000Z"),
    device("gone", device_type="mobile_android", is_active=False, created_at="2025-06-01T00:00:00.000000Z"),
    device("p3", device_type="mobile_android", created_at="2025-07-03T00:00:00.000000Z"),
]


def ids(query: DeviceQuery) -> list[str]:
    return [d["device_id"] for d in query.select(DEVICES, "device_id")]


def test_select_lists_active_devices_in_registration_order_then_by_id() -> None:
    assert ids(DeviceQuery()) == ["p1", "s1", "p2", "p3"]


def test_deleted_devices_are_listed_only_when_asked_for() -> None:
    assert ids(DeviceQuery(is_active=False)) == ["gone"]


def test_select_filters() -> None:
    assert ids(DeviceQuery(device_type="mobile_android")) == ["p1", "p2", "p3"]
    assert ids(DeviceQuery(service_name="ingest")) == ["s1"]
    assert ids(DeviceQuery(device_type="mobile_android", service_name="ingest")) == []
    assert ids(DeviceQuery(device_type="mobile_android", is_active=False)) == ["gone"]


def test_select_pages() -> None:
    assert ids(DeviceQuery(limit=2)) == ["p1", "s1"]
    assert ids(DeviceQuery(limit=2, offset=2)) == ["p2", "p3"]
    assert ids(DeviceQuery(limit=2, offset=3)) == ["p3"]
    assert ids(DeviceQuery(offset=4)) == []
