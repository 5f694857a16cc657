"""loom_gateway.http.results: how an ingestion result is answered, status code and body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar import Response

from loom_gateway.errors import (
    BatchFailed,
    BrokerUnavailable,
    FieldError,
    InvalidReading,
    LoomError,
    Overloaded,
    ReadingTooLarge,
)
from loom_gateway.http.media import JSON_MEDIA_TYPE
from loom_gateway.http.results import accepted_reading, result_response
from loom_gateway.ingest.service import Outcome, Result

GPS_TOPIC = "device.sensor.gps.raw"
POWER_TOPIC = "device.state.power.raw"
SCHEMA = "https://schemas.loom-gateway.dev/device/sensor/gps/v1.json"

INVALID = InvalidReading(
    "GPS reading is invalid at /1/latitude",
    [FieldError("/1/latitude", "maximum", "Input should be less than or equal to 90")],
    SCHEMA,
)
TOO_LARGE = ReadingTooLarge(f"the reading is 70000 bytes; {GPS_TOPIC} takes at most 65536")


def accepted(message_id: str, topic: str = GPS_TOPIC) -> Outcome:
    return Outcome(message_id, None, topic, None)


def refused(error: LoomError) -> Outcome:
    return Outcome(None, None, None, error)


def body(response: Response[bytes]) -> dict[str, Any]:
    assert isinstance(response.content, bytes)
    value: dict[str, Any] = json.loads(response.content)
    return value


def accepted_item(index: int, message_id: str, topic: str = GPS_TOPIC) -> dict[str, Any]:
    return {"index": index, "status": "accepted", "message_id": message_id, "topic": topic}


INVALID_ITEM = {
    "status": "refused",
    "error": {"type": "invalid-reading", "status": 422, "detail": "GPS reading is invalid at /1/latitude"},
    "errors": [
        {"pointer": "/1/latitude", "rule": "maximum", "message": "Input should be less than or equal to 90"}
    ],
}


# One reading.


def test_a_lone_reading_is_answered_202_with_the_ids_the_mobile_client_logs() -> None:
    response = result_response(Result(False, [Outcome("m-1", "trace-1", GPS_TOPIC, None)]))

    assert response.status_code == 202
    assert response.media_type == JSON_MEDIA_TYPE == "application/json"
    assert body(response) == {
        "status": "success",
        "message_id": "m-1",
        "topic": GPS_TOPIC,
        "trace_id": "trace-1",
    }


def test_accepted_reading_is_the_lone_readings_body() -> None:
    assert accepted_reading(Outcome("m-1", None, GPS_TOPIC, None)) == {
        "status": "success",
        "message_id": "m-1",
        "topic": GPS_TOPIC,
        "trace_id": None,
    }


# Arrays.


def test_an_array_of_accepted_readings_is_answered_202_with_each_items_topic() -> None:
    response = result_response(Result(True, [accepted("m-0"), accepted("m-1", POWER_TOPIC)]))

    assert response.status_code == 202
    assert response.media_type == JSON_MEDIA_TYPE
    assert body(response) == {
        "status": "success",
        "total": 2,
        "processed": 2,
        "failed": 0,
        "errors": [],
        "trace_id": None,
        "results": [accepted_item(0, "m-0"), accepted_item(1, "m-1", POWER_TOPIC)],
    }


def test_an_empty_array_is_answered_202_with_nothing_processed() -> None:
    response = result_response(Result(True, []))

    assert response.status_code == 202
    assert body(response) == {
        "status": "success",
        "total": 0,
        "processed": 0,
        "failed": 0,
        "errors": [],
        "trace_id": None,
        "results": [],
    }


def test_an_array_with_some_refused_readings_is_answered_207_per_item() -> None:
    response = result_response(
        Result(True, [accepted("m-0"), refused(INVALID), accepted("m-2", POWER_TOPIC), refused(TOO_LARGE)])
    )

    assert response.status_code == 207
    assert response.media_type == JSON_MEDIA_TYPE
    assert body(response) == {
        "status": "partial",
        "total": 4,
        "processed": 2,
        "failed": 2,
        "errors": [f"item 1: {INVALID.detail}", f"item 3: {TOO_LARGE.detail}"],
        "trace_id": None,
        "results": [
            accepted_item(0, "m-0"),
            {"index": 1, **INVALID_ITEM},
            accepted_item(2, "m-2", POWER_TOPIC),
            {
                "index": 3,
                "status": "refused",
                "error": {"type": "reading-too-large", "status": 413, "detail": TOO_LARGE.detail},
            },
        ],
    }


def test_an_array_of_only_refused_readings_raises_422_with_the_summary() -> None:
    with pytest.raises(BatchFailed) as caught:
        result_response(Result(True, [refused(TOO_LARGE), refused(INVALID)]))

    error = caught.value
    assert (error.status, error.problem_type, error.title) == (
        422,
        "invalid-batch",
        "No reading in the batch was accepted",
    )
    assert error.detail == "2 of 2 readings refused"
    assert error.retry_after is None
    assert (
        error.extensions()
        == error.summary
        == {
            "total": 2,
            "processed": 0,
            "failed": 2,
            "errors": [f"item 0: {TOO_LARGE.detail}", f"item 1: {INVALID.detail}"],
            "trace_id": None,
            "results": [
                {
                    "index": 0,
                    "status": "refused",
                    "error": {"type": "reading-too-large", "status": 413, "detail": TOO_LARGE.detail},
                },
                {"index": 1, **INVALID_ITEM},
            ],
        }
    )


@pytest.mark.parametrize(
    "cause",
    [BrokerUnavailable("Kafka did not acknowledge the record"), Overloaded("the producer queue is full")],
    ids=["broker-unavailable", "overloaded"],
)
def test_an_array_with_a_reading_kafka_did_not_take_raises_the_causes_status_and_retry_after(
    cause: LoomError,
) -> None:
    outcomes = [accepted("m-0"), refused(INVALID), Outcome("m-2", None, GPS_TOPIC, cause)]

    with pytest.raises(BatchFailed) as caught:
        result_response(Result(True, outcomes))

    error = caught.value
    assert (error.status, error.problem_type, error.title, error.detail) == (
        503,
        cause.problem_type,
        cause.title,
        cause.detail,
    )
    assert error.retry_after == cause.retry_after
    assert error.retry_after is not None
    assert error.summary == {
        "total": 3,
        "processed": 1,
        "failed": 2,
        "errors": [f"item 1: {INVALID.detail}", f"item 2: {cause.detail}"],
        "trace_id": None,
        "results": [
            accepted_item(0, "m-0"),
            {"index": 1, **INVALID_ITEM},
            {
                "index": 2,
                "status": "failed",
                "error": {"type": cause.problem_type, "status": 503, "detail": cause.detail},
            },
        ],
    }


def test_a_5xx_outranks_refusals_and_the_first_5xx_is_the_cause() -> None:
    first, second = Overloaded("the producer queue is full"), BrokerUnavailable("no delivery report")
    outcomes = [
        refused(INVALID),
        Outcome("m-1", None, GPS_TOPIC, first),
        Outcome("m-2", None, GPS_TOPIC, second),
    ]

    with pytest.raises(BatchFailed) as caught:
        result_response(Result(True, outcomes))

    assert (caught.value.status, caught.value.retry_after, caught.value.detail) == (503, 1, first.detail)
    assert caught.value.summary["processed"] == 0
    assert caught.value.summary["failed"] == 3
