"""loom_gateway.http.problems: every error becomes an RFC 9457 problem document."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from litestar import Litestar, Request, get, post
from litestar.exceptions import HTTPException
from litestar.testing import TestClient

from loom_gateway.errors import (
    BatchFailed,
    BrokerUnavailable,
    FieldError,
    GatewayNotReady,
    InvalidReading,
    LoomError,
    MalformedBody,
)
from loom_gateway.http.problems import PROBLEM_TYPE_BASE, exception_handlers, problem_response

PROBLEM_JSON = "application/problem+json"


def test_problem_type_base() -> None:
    assert PROBLEM_TYPE_BASE == "https://loom-gateway.dev/problems/"


def test_problem_response_carries_the_rfc_9457_members_and_extensions() -> None:
    response = problem_response(
        422,
        "invalid-reading",
        "Reading does not match its schema",
        "GPS reading is invalid at /latitude",
        "/sensor/gps",
        extensions={"schema": "s", "errors": [{"pointer": "/latitude"}]},
    )

    assert response.status_code == 422
    assert response.media_type == PROBLEM_JSON
    assert "Retry-After" not in response.headers
    assert isinstance(response.content, bytes)
    assert json.loads(response.content) == {
        "type": "https://loom-gateway.dev/problems/invalid-reading",
        "title": "Reading does not match its schema",
        "status": 422,
        "detail": "GPS reading is invalid at /latitude",
        "instance": "/sensor/gps",
        "schema": "s",
        "errors": [{"pointer": "/latitude"}],
    }


def test_problem_response_sets_retry_after_only_when_given() -> None:
    response = problem_response(503, "broker-unavailable", "Kafka unavailable", "down", "/x", retry_after=5)

    assert response.headers["Retry-After"] == "5"
    assert json.loads(response.content)["status"] == 503


def test_problem_response_with_retry_after_zero_still_sends_the_header() -> None:
    response = problem_response(503, "overloaded", "Gateway overloaded", "full", "/x", retry_after=0)

    assert response.headers["Retry-After"] == "0"


# The handlers, through a tiny app.


class Teapot(LoomError):
    status = 418
    title = "I am a teapot"
    problem_type = "teapot"


_RAISED: dict[str, Exception] = {
    "/not-ready": GatewayNotReady("topics are not ensured yet"),
    "/broker": BrokerUnavailable("no delivery report from Kafka in time"),
    "/malformed": MalformedBody("the body is not valid JSON: EOF"),
    "/invalid": InvalidReading(
        "GPS reading is invalid at /latitude",
        [FieldError("/latitude", "maximum", "Input should be less than or equal to 90")],
        "https://schemas.loom-gateway.dev/device/sensor/gps/v1.json",
    ),
    "/teapot": Teapot("short and stout"),
    "/batch": BatchFailed(
        BrokerUnavailable("Kafka did not acknowledge the record"),
        {"total": 2, "processed": 1, "failed": 1},
    ),
    "/http": HTTPException(status_code=429, detail="slow down", headers={"Retry-After": "7"}),
    "/boom": RuntimeError("secret internals"),
}


@get(list(_RAISED), sync_to_thread=False)
def _raise(request: Request) -> None:  # type: ignore[type-arg]
    raise _RAISED[request.url.path]


@post("/small", request_max_body_size=10)
async def _small(request: Request) -> None:  # type: ignore[type-arg]
    await request.body()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar([_raise, _small], exception_handlers=exception_handlers(), logging_config=None)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "status", "document", "retry_after"),
    [
        (
            "/not-ready",
            503,
            {"type": "not-ready", "title": "Gateway not ready", "detail": "topics are not ensured yet"},
            "2",
        ),
        (
            "/broker",
            503,
            {
                "type": "broker-unavailable",
                "title": "Kafka unavailable",
                "detail": "no delivery report from Kafka in time",
            },
            "5",
        ),
        (
            "/malformed",
            400,
            {
                "type": "malformed-body",
                "title": "Malformed request body",
                "detail": "the body is not valid JSON: EOF",
            },
            None,
        ),
        (
            "/invalid",
            422,
            {
                "type": "invalid-reading",
                "title": "Reading does not match its schema",
                "detail": "GPS reading is invalid at /latitude",
                "schema": "https://schemas.loom-gateway.dev/device/sensor/gps/v1.json",
                "errors": [
                    {
                        "pointer": "/latitude",
                        "rule": "maximum",
                        "message": "Input should be less than or equal to 90",
                    }
                ],
            },
            None,
        ),
        ("/teapot", 418, {"type": "teapot", "title": "I am a teapot", "detail": "short and stout"}, None),
        (
            "/batch",
            503,
            {
                "type": "broker-unavailable",
                "title": "Kafka unavailable",
                "detail": "Kafka did not acknowledge the record",
                "total": 2,
                "processed": 1,
                "failed": 1,
            },
            "5",
        ),
    ],
)
def test_a_loom_error_becomes_its_problem(
    client: TestClient[Litestar], path: str, status: int, document: dict[str, object], retry_after: str | None
) -> None:
    response = client.get(path)

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers.get("retry-after") == retry_after
    assert response.json() == {
        **document,
        "type": PROBLEM_TYPE_BASE + str(document["type"]),
        "status": status,
        "instance": path,
    }


def test_an_unknown_route_is_a_404_problem(client: TestClient[Litestar]) -> None:
    response = client.get("/nowhere")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "https://loom-gateway.dev/problems/http-404",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
        "instance": "/nowhere",
    }


def test_a_body_over_the_route_limit_is_a_413_problem(client: TestClient[Litestar]) -> None:
    response = client.post(
        "/small", content=b'{"a": "0123456789"}', headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "https://loom-gateway.dev/problems/http-413",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "Request Entity Too Large",
        "instance": "/small",
    }


def test_an_http_exception_keeps_its_headers(client: TestClient[Litestar]) -> None:
    response = client.get("/http")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json() == {
        "type": "https://loom-gateway.dev/problems/http-429",
        "title": "slow down",
        "status": 429,
        "detail": "slow down",
        "instance": "/http",
    }


def test_a_wrong_method_is_a_405_problem_with_allow(client: TestClient[Litestar]) -> None:
    response = client.post("/broker")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "OPTIONS"}
    assert response.json()["type"] == "https://loom-gateway.dev/problems/http-405"


def test_an_unexpected_exception_is_a_500_problem_that_hides_the_cause(
    client: TestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="loom_gateway.http.problems"):
        response = client.get("/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "https://loom-gateway.dev/problems/internal",
        "title": "Internal error",
        "status": 500,
        "detail": "the gateway failed unexpectedly",
        "instance": "/boom",
    }
    assert "secret internals" not in response.text
    [logged] = [r for r in caplog.records if r.name == "loom_gateway.http.problems"]
    assert logged.getMessage() == "unhandled error on GET /boom"
    assert logged.exc_info is not None
    assert isinstance(logged.exc_info[1], RuntimeError)


@pytest.fixture
def fresh_client() -> Iterator[TestClient[Litestar]]:
    """An app of its own: the log limiter belongs to the app."""
    app = Litestar([_raise, _small], exception_handlers=exception_handlers(), logging_config=None)
    with TestClient(app) as client:
        yield client


def test_server_side_loom_errors_are_logged_and_client_errors_are_not(
    fresh_client: TestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="loom_gateway.http.problems"):
        fresh_client.get("/malformed")
        fresh_client.get("/broker")

    assert [
        (r.levelno, r.getMessage()) for r in caplog.records if r.name == "loom_gateway.http.problems"
    ] == [(logging.WARNING, "GET /broker: no delivery report from Kafka in time")]


def test_a_burst_of_the_same_server_side_error_is_logged_once(
    fresh_client: TestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="loom_gateway.http.problems"):
        statuses = [fresh_client.get("/broker").status_code for _ in range(5)]

    assert statuses == [503] * 5
    assert len([r for r in caplog.records if r.name == "loom_gateway.http.problems"]) == 1
