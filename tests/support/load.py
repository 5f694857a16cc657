"""Client threads posting readings with unique message_ids, recording every answer and its timing."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

__all__ = ["Answer", "Load", "by_status", "heartrate", "post_reading"]

HEARTRATE = "/sensor/heartrate"
HEARTRATE_TOPIC = "device.health.heartrate.raw"


def heartrate(message_id: str, device_id: str = "watch-1") -> dict[str, Any]:
    return {"device_id": device_id, "recorded_at": "2025-07-08T16:53:08", "message_id": message_id, "bpm": 61}


@dataclass(frozen=True, slots=True)
class Answer:
    """One request: when it started and finished (``time.monotonic()``) and what came back."""

    message_id: str
    started: float
    finished: float
    status: int | None
    """None: no HTTP answer at all (``error`` says what happened instead)."""
    retry_after: str | None = None
    problem_type: str | None = None
    error: str | None = None

    @property
    def elapsed(self) -> float:
        return self.finished - self.started

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def outcome(self) -> str:
        """The status, with the problem type for errors (``503 not-ready``), or the transport error."""
        if self.status is None:
            return f"no answer ({self.error})"
        return f"{self.status} {self.problem_type}" if self.problem_type else str(self.status)


def post_reading(client: httpx.Client, path: str = HEARTRATE, device_id: str = "watch-1") -> Answer:
    """Post one reading with a fresh message_id; transport errors become an Answer too."""
    message_id = str(uuid.uuid4())
    started = time.monotonic()
    try:
        response = client.post(path, json=heartrate(message_id, device_id))
    except httpx.HTTPError as error:
        return Answer(message_id, started, time.monotonic(), None, error=f"{type(error).__name__}: {error}")
    finished = time.monotonic()
    problem = None
    if response.headers.get("content-type") == "application/problem+json":
        problem = str(response.json().get("type", "")).rpartition("/")[2]
    return Answer(
        message_id, started, finished, response.status_code, response.headers.get("retry-after"), problem
    )


def by_status(answers: Iterable[Answer]) -> dict[str, int]:
    """How many answers of each outcome, for the report."""
    return dict(sorted(Counter(answer.outcome for answer in answers).items()))


class Load:
    """``threads`` clients, each posting one reading every ``interval_s`` (or as fast as answers
    come, when slower), each on its own keep-alive connection, until stopped."""

    def __init__(
        self,
        base_url: str,
        *,
        threads: int,
        interval_s: float,
        timeout_s: float,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._base_url = base_url
        self._interval_s = interval_s
        self._timeout_s = timeout_s
        self._headers = dict(headers or {})
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._answers: list[Answer] = []
        self._threads = [
            threading.Thread(target=self._run, args=(index,), name=f"load-{index}", daemon=True)
            for index in range(threads)
        ]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop posting; returns once every request in flight has its answer."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(self._timeout_s + 5)

    @property
    def answers(self) -> list[Answer]:
        with self._lock:
            return list(self._answers)

    def wait_for(self, what: str, condition: Callable[[list[Answer]], bool], within_s: float = 30.0) -> None:
        """Until ``condition(answers so far)`` holds; fails, saying ``what``, after ``within_s``."""
        deadline = time.monotonic() + within_s
        while not condition(self.answers):
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {within_s}s: {what}; answers: {by_status(self.answers)}")
            time.sleep(0.02)

    def _run(self, index: int) -> None:
        # Each client its own device: one device's readings keep their order on one partition.
        device_id = f"watch-{index}"
        with httpx.Client(base_url=self._base_url, timeout=self._timeout_s, headers=self._headers) as client:
            next_at = time.monotonic()
            while not self._stopping.is_set():
                answer = post_reading(client, device_id=device_id)
                with self._lock:
                    self._answers.append(answer)
                next_at = max(next_at + self._interval_s, time.monotonic())
                self._stopping.wait(next_at - time.monotonic())
