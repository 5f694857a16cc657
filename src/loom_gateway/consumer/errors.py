"""The consumer's exceptions: what became of a record that could not be handled."""

from __future__ import annotations

from loom_gateway.errors import LoomError

__all__ = ["ConsumerError", "DeadLetterFailed", "UndecodableRecord"]


class ConsumerError(LoomError):
    """Root of the errors the consumer raises on purpose."""

    title = "Consumer error"
    problem_type = "consumer"


class UndecodableRecord(ConsumerError):
    """A record no handler can be given: its data type, its content type or its value is not
    what the catalog says. Retrying cannot help, so it goes straight to the dead-letter topic."""

    title = "Undecodable record"
    problem_type = "undecodable-record"


class DeadLetterFailed(ConsumerError):
    """A record could not be written to the dead-letter topic. The consumer stops without
    committing it: it is read again after a restart rather than lost."""

    title = "Dead-letter write failed"
    problem_type = "dead-letter-failed"
