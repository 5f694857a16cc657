"""For every data type and every string whose format the gateway checks (date-times, URIs, e-mail
addresses, base64 payloads), over the real broker:

- a valid reading whose such strings are real values (leap days, leap seconds, the mobile
  client's local times among them) is acknowledged and published as sent;
- the same reading with one such string impossible (2025-02-30, hour 25, offset +25:00, a URI
  without a host, ...) is refused with 422, naming that field's JSON pointer and the rule
  (``format``; ``pattern`` for base64, whose grammar is its pattern), and publishes nothing;
- in a JSON array, the impossible item alone is refused (207), per item, and its neighbour lands.

Everything consumed from the topic is compared with what was acknowledged, so a refused reading
that was published anyway fails the test.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from loom_catalog import CATALOG
from loom_gateway.catalog import DataType
from loom_gateway.settings import Settings
from tests.contract.test_schema_contracts import FirstTime, _canonical, _route_of
from tests.support.formats import FormatField, format_fields, impossible_values, set_at, valid_values
from tests.support.gateway import running_gateway
from tests.support.kafka import read_topic
from tests.support.schemas import bundled_schema, valid_readings

pytestmark = pytest.mark.kafka

CHECKED = [
    (data_type, fields)
    for data_type in CATALOG.readings()
    if (fields := list(format_fields(bundled_schema(data_type))))
]


@st.composite
def with_format_values(
    draw: st.DrawFn, schema: dict[str, Any], fields: list[FormatField]
) -> tuple[dict[str, Any], list[str]]:
    """A valid reading whose checked strings (those it has) are drawn from the real values."""
    reading = draw(valid_readings(schema))
    written = []
    for field in fields:
        pointer = set_at(reading, field.path, draw(valid_values(field)))
        if pointer is not None:
            written.append(pointer)
    return reading, written


@st.composite
def with_one_impossible(
    draw: st.DrawFn, schema: dict[str, Any], fields: list[FormatField]
) -> tuple[dict[str, Any], str, FormatField, str]:
    reading, _ = draw(with_format_values(schema, fields))
    field = draw(st.sampled_from(fields))
    value = draw(impossible_values(field))
    pointer = set_at(reading, field.path, value)
    assume(pointer is not None)
    assert pointer is not None
    return reading, pointer, field, value


@pytest.mark.parametrize(
    ("data_type", "fields"), CHECKED, ids=[data_type.qualified_name for data_type, _ in CHECKED]
)
def test_impossible_values_are_refused_and_real_ones_published(
    data_type: DataType, fields: list[FormatField], gateway_settings: Settings, topic_prefix: str
) -> None:
    schema = bundled_schema(data_type)
    route = _route_of(data_type)
    expected: Counter[tuple[bytes, str]] = Counter()
    first_time = FirstTime(data_type.key_field)
    checked: Counter[str] = Counter()

    def published(reading: dict[str, Any], message_id: str) -> None:
        if first_time(reading):
            value = {**reading, "message_id": reading.get("message_id", message_id)}
            expected[(str(reading[data_type.key_field]).encode(), _canonical(value))] += 1

    with running_gateway(gateway_settings, CATALOG) as client:

        @settings(max_examples=30, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
        @given(drawn=with_format_values(schema, fields))
        def real_values_are_accepted(drawn: tuple[dict[str, Any], list[str]]) -> None:
            reading, pointers = drawn
            response = _post(client, route, reading)
            assert response.status_code == 202, (pointers, response.text[:2000])
            published(reading, response.json()["message_id"])
            checked.update(pointers)

        @settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
        @given(drawn=with_one_impossible(schema, fields))
        def impossible_values_are_refused(drawn: tuple[dict[str, Any], str, FormatField, str]) -> None:
            reading, pointer, field, value = drawn
            response = _post(client, route, reading)
            assert response.status_code == 422, (pointer, value, response.text[:2000])
            assert response.headers["content-type"] == "application/problem+json"
            errors = response.json()["errors"]
            assert {"pointer": pointer, "rule": field.rule} in [
                {"pointer": error["pointer"], "rule": error["rule"]} for error in errors
            ], (value, errors)

        @settings(max_examples=10, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
        @given(good=with_format_values(schema, fields), bad=with_one_impossible(schema, fields))
        def arrays_are_answered_per_item(
            good: tuple[dict[str, Any], list[str]], bad: tuple[dict[str, Any], str, FormatField, str]
        ) -> None:
            reading, _ = good
            impossible, pointer, field, value = bad
            response = _post(client, route, [reading, impossible])
            assert response.status_code == 207, (value, response.text[:2000])
            accepted, refused = response.json()["results"]
            assert accepted["status"] == "accepted", accepted
            assert refused["status"] == "refused", refused
            assert {"pointer": f"/1{pointer}", "rule": field.rule} in [
                {"pointer": error["pointer"], "rule": error["rule"]} for error in refused["errors"]
            ], (value, refused)
            published(reading, accepted["message_id"])

        real_values_are_accepted()
        impossible_values_are_refused()
        arrays_are_answered_per_item()

    # Every checked field was exercised with real values at least once.
    top_level = {field.where for field in fields if "*" not in field.path and len(field.path) == 1}
    assert top_level <= set(checked), (top_level - set(checked), checked)
    topic = topic_prefix + data_type.topic.name
    records = read_topic(gateway_settings.kafka_bootstrap_servers, topic, expected=sum(expected.values()))
    consumed = Counter((record.key or b"", _canonical(json.loads(record.value))) for record in records)
    assert consumed == expected


def _post(client: Any, route: str, body: Any) -> Any:
    return client.post(route, content=json.dumps(body), headers={"content-type": "application/json"})
