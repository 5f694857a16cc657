"""Typed consumers of the gateway's topics, from the same generated catalog.

Subscribe by data type, register an async handler per data type and version, and receive each
reading as its generated Pydantic model, with the record's key, headers and offsets::

    handlers = Handlers()

    @handlers.on("device.sensor.gps", 1)
    async def on_gps(reading: Consumed[GPSReading]) -> None: ...

    consumer = ReadingConsumer(CATALOG, handlers, load_consumer_settings(group_id="maps"), load_settings())
    await run_until_signalled(consumer)

A handler of version M also receives records written as a version N that M can read (the
catalog says so: every vN reading is a valid vM reading), decoded as M; ``Consumed.written`` says
which version was written. Optional fields a device left out read as None.

At-least-once: offsets are committed only after the handler succeeded (handlers must be
idempotent; ``loom.message_id`` and the optional dedupe window help). Records that cannot be
decoded, or whose handler keeps failing after its retries, go to a dead-letter topic.
"""

from loom_gateway.consumer.avro import AVRO_MEDIA_TYPE, AvroDecoder
from loom_gateway.consumer.dead_letter import DEAD_LETTER_HEADER_PREFIX, DeadLetterProducer, DeadLetterSink
from loom_gateway.consumer.decoding import JSON_CONTENT_TYPE, Decoder, Decoders, JsonDecoder
from loom_gateway.consumer.errors import ConsumerError, DeadLetterFailed, UndecodableRecord
from loom_gateway.consumer.handlers import Handler, Handlers
from loom_gateway.consumer.metrics import ConsumerMetrics
from loom_gateway.consumer.records import Consumed, RawRecord
from loom_gateway.consumer.retry import RetryPolicy
from loom_gateway.consumer.runner import ReadingConsumer, run_until_signalled
from loom_gateway.consumer.settings import ConsumerSettings, load_consumer_settings
from loom_gateway.consumer.subscription import Subscription

__all__ = [
    "AVRO_MEDIA_TYPE",
    "DEAD_LETTER_HEADER_PREFIX",
    "JSON_CONTENT_TYPE",
    "AvroDecoder",
    "Consumed",
    "ConsumerError",
    "ConsumerMetrics",
    "ConsumerSettings",
    "DeadLetterFailed",
    "DeadLetterProducer",
    "DeadLetterSink",
    "Decoder",
    "Decoders",
    "Handler",
    "Handlers",
    "JsonDecoder",
    "RawRecord",
    "ReadingConsumer",
    "RetryPolicy",
    "Subscription",
    "UndecodableRecord",
    "load_consumer_settings",
    "run_until_signalled",
]
