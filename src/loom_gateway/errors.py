"""The gateway's exceptions: one root, typed subclasses that carry their context.

Each subclass knows how it should reach a client (``status``, ``retry_after``), so that
one exception handler (``loom_gateway.http.problems``) can turn any of them into an
RFC 9457 problem response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BatchFailed",
    "BatchTooLarge",
    "BrokerUnavailable",
    "ClientDisconnected",
    "ConfigurationError",
    "DeviceDeleted",
    "DeviceNotAllowed",
    "DeviceNotFound",
    "DeviceRecordTooLarge",
    "FieldError",
    "GatewayNotReady",
    "InvalidDevice",
    "InvalidQuery",
    "InvalidReading",
    "LoomError",
    "MalformedBody",
    "Overloaded",
    "RateLimited",
    "ReadingTooLarge",
    "RegistryBehind",
    "RequestBodyTimeout",
    "StateUnavailable",
    "TopicBootstrapError",
    "Unauthenticated",
    "UnsupportedMediaType",
]


class LoomError(Exception):
    """Root of every error the gateway raises on purpose."""

    status: int = 500
    title: str = "Internal error"
    problem_type: str = "internal"
    retry_after: int | None = None
    """Seconds a client should wait before retrying; set on errors worth retrying."""
    quarantined: bool = False
    """Whether a reading refused with it goes to the quarantine topic (when enabled): what a
    device sent wrong, not a transient refusal (overload, rate limits) or a missing key."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def extensions(self) -> dict[str, object]:
        """Extra members of the problem document."""
        return {}


class ConfigurationError(LoomError):
    """A setting or the catalog is unusable; raised at start-up."""

    title = "Invalid configuration"
    problem_type = "configuration"


class StateUnavailable(LoomError):
    """The shared state store (LOOM_STATE_URL) did not answer. Never a client's answer: the worker
    then decides retries and rate limits from its own memory."""

    status = 503
    title = "State store unavailable"
    problem_type = "state-unavailable"
    retry_after = 1


class StateServerError(StateUnavailable):
    """The state store answered a command with an error reply (NOSCRIPT, WRONGPASS, OOM…)."""


class TopicBootstrapError(LoomError):
    """A catalog topic could not be created or inspected."""

    title = "Topic bootstrap failed"
    problem_type = "topic-bootstrap"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule, located by a JSON pointer into the request body."""

    pointer: str
    rule: str
    message: str


class InvalidReading(LoomError):
    """The body is JSON but does not match the data type's schema."""

    quarantined = True
    status = 422
    title = "Reading does not match its schema"
    problem_type = "invalid-reading"

    def __init__(self, detail: str, errors: Sequence[FieldError], schema_id: str) -> None:
        super().__init__(detail)
        self.errors = tuple(errors)
        self.schema_id = schema_id

    def extensions(self) -> dict[str, object]:
        return {
            "schema": self.schema_id,
            "errors": [{"pointer": e.pointer, "rule": e.rule, "message": e.message} for e in self.errors],
        }


class MalformedBody(LoomError):
    """The body is not valid UTF-8 JSON."""

    quarantined = True
    status = 400
    title = "Malformed request body"
    problem_type = "malformed-body"


class UnsupportedMediaType(LoomError):
    status = 415
    title = "Unsupported media type"
    problem_type = "unsupported-media-type"


class ReadingTooLarge(LoomError):
    """A reading would exceed its topic's record size limit."""

    quarantined = True
    status = 413
    title = "Reading too large"
    problem_type = "reading-too-large"


class BatchTooLarge(LoomError):
    quarantined = True
    status = 413
    title = "Batch too large"
    problem_type = "batch-too-large"


class GatewayNotReady(LoomError):
    """Topics are not ensured yet; nothing is accepted until they are."""

    status = 503
    title = "Gateway not ready"
    problem_type = "not-ready"
    retry_after = 2


class BrokerUnavailable(LoomError):
    """Kafka did not acknowledge a record in time, or refused it."""

    status = 503
    title = "Kafka unavailable"
    problem_type = "broker-unavailable"
    retry_after = 5


class Overloaded(LoomError):
    """The producer's queue is full."""

    status = 503
    title = "Gateway overloaded"
    problem_type = "overloaded"
    retry_after = 1


class BatchFailed(LoomError):
    """A JSON-array request answered with an error status; carries the per-reading results.

    Either some readings did not reach Kafka (the cause's 503: retry the batch, message ids
    make the retry recognisable), or every reading was refused (422).
    """

    def __init__(self, cause: LoomError, summary: dict[str, object], *, refused: bool = False) -> None:
        if refused:
            super().__init__(f"{summary['failed']} of {summary['total']} readings refused")
            self.status = 422
            self.title = "No reading in the batch was accepted"
            self.problem_type = "invalid-batch"
        else:
            super().__init__(cause.detail)
            self.status = cause.status
            self.title = cause.title
            self.problem_type = cause.problem_type
            self.retry_after = cause.retry_after
        self.summary = summary

    def extensions(self) -> dict[str, object]:
        return self.summary


class InvalidDevice(InvalidReading):
    """A device registration or patch that does not match the device record's schema."""

    title = "Device does not match its schema"
    problem_type = "invalid-device"


class InvalidQuery(LoomError):
    """A query parameter has a value the endpoint cannot use."""

    status = 400
    title = "Invalid query parameter"
    problem_type = "invalid-query"

    def __init__(self, detail: str, parameter: str) -> None:
        super().__init__(detail)
        self.parameter = parameter

    def extensions(self) -> dict[str, object]:
        return {"parameter": self.parameter}


class DeviceNotFound(LoomError):
    """No device of that id is registered, or it was deleted."""

    status = 404
    title = "Device not found"
    problem_type = "device-not-found"

    def __init__(self, device_id: str) -> None:
        super().__init__(f"no device {device_id!r} is registered")
        self.device_id = device_id

    def extensions(self) -> dict[str, object]:
        return {"device_id": self.device_id}


class DeviceDeleted(LoomError):
    """The device was soft-deleted: its readings and its re-registration are refused."""

    quarantined = True
    status = 403
    title = "Device deleted"
    problem_type = "device-deleted"

    def __init__(self, device_id: str, deleted_at: str | None, refused: str) -> None:
        when = f" at {deleted_at}" if deleted_at else ""
        super().__init__(f"device {device_id!r} was deleted{when}; {refused}")
        self.device_id = device_id
        self.deleted_at = deleted_at

    def extensions(self) -> dict[str, object]:
        return {"device_id": self.device_id, "deleted_at": self.deleted_at}


class DeviceRecordTooLarge(LoomError):
    """A device record would exceed its registry topic's record size limit."""

    status = 413
    title = "Device record too large"
    problem_type = "device-record-too-large"


class RegistryBehind(LoomError):
    """This replica could not confirm, in time, that it has read every registry write acknowledged
    before the request (the broker did not answer, or its copy is lagging): answering from it could
    miss a write another replica already confirmed."""

    status = 503
    title = "Device registry not current"
    problem_type = "registry-behind"
    retry_after = 1


class Unauthenticated(LoomError):
    """No API key, or one the gateway does not know."""

    status = 401
    title = "Authentication required"
    problem_type = "unauthenticated"


class DeviceNotAllowed(LoomError):
    """The API key is bound to other devices."""

    quarantined = True
    status = 403
    title = "Device not allowed for this key"
    problem_type = "device-not-allowed"


class RateLimited(LoomError):
    """One device sends faster than its configured rate."""

    status = 429
    title = "Too many readings from this device"
    problem_type = "rate-limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class RequestBodyTimeout(LoomError):
    """The client did not send its whole body within LOOM_BODY_READ_TIMEOUT_S."""

    status = 408
    title = "Request body too slow"
    problem_type = "body-timeout"


class ClientDisconnected(LoomError):
    """The client closed the connection before its body was in: nobody reads the answer. Counted
    as 499 (nginx's "client closed request") in metrics and logs, never as the gateway's failure."""

    status = 499
    title = "Client closed request"
    problem_type = "client-closed-request"
