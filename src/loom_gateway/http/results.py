"""How an ingestion result is answered: one reading, or a JSON array reported per reading."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response

from loom_gateway.errors import BatchFailed, InvalidReading, LoomError
from loom_gateway.http.media import JSON_MEDIA_TYPE
from loom_gateway.ingest.service import Outcome, Result

__all__ = ["accepted_reading", "result_answer", "result_response"]


def accepted_reading(outcome: Outcome) -> dict[str, Any]:
    """What the Loom mobile client needs back: ``status`` "success", and the ids it logs."""
    return {
        "status": "success",
        "message_id": outcome.message_id,
        "topic": outcome.topic,
        "trace_id": outcome.trace_id,
    }


def result_response(result: Result) -> Response[bytes]:
    """202 when every reading landed; 207 when some were refused; raises otherwise."""
    status, body = result_answer(result)
    return Response(body, status_code=status, media_type=JSON_MEDIA_TYPE)


def result_answer(result: Result) -> tuple[int, bytes]:
    """``result_response`` as a status and a JSON body, for handlers that answer in raw ASGI."""
    if not result.is_array:
        return 202, msgspec.json.encode(accepted_reading(result.outcomes[0]))
    accepted = sum(1 for outcome in result.outcomes if outcome.error is None)
    failed = [outcome.error for outcome in result.outcomes if outcome.error is not None]
    summary: dict[str, object] = {
        "total": len(result.outcomes),
        "processed": accepted,
        "failed": len(failed),
        "errors": [f"item {index}: {error.detail}" for index, error in _failures(result)],
        "trace_id": None,
        "results": [_item(index, outcome) for index, outcome in enumerate(result.outcomes)],
    }
    unavailable = next((error for error in failed if error.status >= 500), None)
    if unavailable is not None:
        # Some readings did not reach Kafka: the whole request is retryable, and message ids
        # let the retry be recognised. Readings that did land are listed as accepted.
        raise BatchFailed(unavailable, summary)
    if failed and accepted == 0:
        raise BatchFailed(failed[0], summary, refused=True)
    return 202 if not failed else 207, msgspec.json.encode(
        {"status": "success" if not failed else "partial", **summary}
    )


def _failures(result: Result) -> list[tuple[int, LoomError]]:
    outcomes = enumerate(result.outcomes)
    return [(index, outcome.error) for index, outcome in outcomes if outcome.error is not None]


def _item(index: int, outcome: Outcome) -> dict[str, object]:
    if outcome.error is None:
        return {
            "index": index,
            "status": "accepted",
            "message_id": outcome.message_id,
            "topic": outcome.topic,
        }
    item: dict[str, object] = {
        "index": index,
        "status": "refused" if outcome.error.status < 500 else "failed",
        "error": {
            "type": outcome.error.problem_type,
            "status": outcome.error.status,
            "detail": outcome.error.detail,
        },
    }
    if isinstance(outcome.error, InvalidReading):
        item["errors"] = outcome.error.extensions()["errors"]
    return item
