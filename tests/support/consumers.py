"""A typed consumer running as a service would: in a thread of its own, with its own event loop."""

from __future__ import annotations

import asyncio
import threading

from loom_gateway.consumer import ReadingConsumer

__all__ = ["RunningConsumer"]


class RunningConsumer:
    """``consumer.run()`` in a thread; ``stop`` stops it and raises what ``run`` raised, if anything."""

    def __init__(self, consumer: ReadingConsumer) -> None:
        self.consumer = consumer
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self.consumer.run())
        except BaseException as error:
            self.error = error

    def stop(self) -> None:
        self.consumer.stop()
        self._thread.join(20)
        assert not self._thread.is_alive(), "the consumer did not stop"
        if self.error is not None:
            raise self.error
