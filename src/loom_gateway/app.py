"""Assembling the Litestar app: catalog routes, operations endpoints, and the resources' lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from loom_gateway import __version__
from loom_gateway.catalog import Catalog, load_catalog
from loom_gateway.devices import DeviceRegistry, device_handlers
from loom_gateway.errors import ConfigurationError
from loom_gateway.http.auth import header_authenticator, key_guard, request_authenticator
from loom_gateway.http.ingest_routes import IngestRoutesPlugin
from loom_gateway.http.openapi import openapi_handler
from loom_gateway.http.operations import metrics_lifespan, operations_handlers
from loom_gateway.http.problems import exception_handlers
from loom_gateway.http.schema_registry import SchemaRegistry, schema_registry_router
from loom_gateway.http.telemetry import Telemetry
from loom_gateway.ingest.admission import DeviceRateLimiter, InFlightLimit
from loom_gateway.ingest.avro import AvroIngestor, avro_values
from loom_gateway.ingest.dedupe import RecentMessages
from loom_gateway.ingest.dispatch import Dispatcher
from loom_gateway.ingest.quarantine import Quarantine
from loom_gateway.ingest.service import Ingestor, Settler
from loom_gateway.kafka.bootstrap import TOPICS_HOLDER, ensure_topics
from loom_gateway.kafka.producer import Publisher
from loom_gateway.kafka.topics import TopicAdmin, desired_topics
from loom_gateway.kafka.watch import watch_kafka
from loom_gateway.logs import configure_logging
from loom_gateway.metrics import Metrics, multiprocess_dir
from loom_gateway.readiness import Readiness
from loom_gateway.settings import Settings, load_settings
from loom_gateway.state.fleet import FleetAdmission

__all__ = ["create_app", "create_app_from_env"]

logger = logging.getLogger(__name__)

_GC_YOUNG_OBJECTS = 20_000


def create_app(settings: Settings, catalog: Catalog) -> Litestar:
    """The gateway for ``catalog``; nothing connects to Kafka until the app starts."""
    catalog = catalog.renamed(settings.topic_name)
    authenticator = settings.authenticator()
    guard = key_guard(request_authenticator(authenticator))
    readiness = Readiness(TOPICS_HOLDER)
    metrics = Metrics(multiprocess_dir())
    publisher = Publisher(
        settings,
        codecs={topic.name: topic.compression for topic in catalog.topics()},
        max_message_bytes=max(topic.max_message_bytes for topic in catalog.topics()),
        metrics=metrics,
    )
    devices = _device_registry(settings, catalog, publisher, readiness)
    recent = (
        RecentMessages(settings.idempotency_window_s, settings.idempotency_max_entries)
        if settings.idempotency_window_s > 0
        else None
    )
    rate_limiter = (
        DeviceRateLimiter(settings.device_rate_limit, settings.device_rate_burst)
        if settings.device_rate_limit > 0
        else None
    )
    fleet = FleetAdmission.from_settings(settings, metrics, recent, rate_limiter)
    settler = Settler(publisher, metrics, devices, recent, rate_limiter, fleet)
    ingestors = {
        data_type: Ingestor(data_type, settler)
        if settings.value_format == "json"
        else AvroIngestor(data_type, settler, avro_values(catalog, data_type))
        for data_type in catalog.readings()
    }
    dispatchers = {dispatch.path: Dispatcher(dispatch, ingestors, settler) for dispatch in catalog.dispatches}

    async def ensure() -> None:
        # Each call has its own admin client, released once topics are ensured.
        await ensure_topics(
            TopicAdmin(settings),
            desired_topics(catalog, settings),
            readiness,
            auto_create=settings.kafka_auto_create_topics,
            metrics=metrics,
        )

    @contextlib.asynccontextmanager
    async def kafka_lifespan(_: Litestar) -> AsyncIterator[None]:
        await publisher.start()
        bootstrap = asyncio.create_task(ensure(), name="topic-bootstrap")
        watch = asyncio.create_task(watch_kafka(publisher, readiness, ensure), name="kafka-watch")
        if devices is not None:
            # The registry reads its topics once the bootstrap has ensured them; shielded, so
            # that stopping the registry does not cancel the bootstrap.
            devices.start(asyncio.shield(bootstrap))
        # What start-up built (catalog, models, routes, clients) lives as long as the process:
        # frozen out of the cyclic collector's sight. And a young generation of 20,000 objects
        # instead of 700: the collector otherwise ran every few requests over the in-flight
        # requests' readings (all alive, nothing to collect): 6-10% of a batch's CPU, measured.
        # The request path makes no reference cycles worth collecting sooner.
        thresholds = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(_GC_YOUNG_OBJECTS, 10, 10)
        try:
            yield
        finally:
            # As before start-up (an app started again in the same process, as tests do).
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            readiness.hold("shutdown", "shutting down")
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
            if devices is not None:
                await devices.close(timeout_s=settings.kafka_delivery_timeout_ms / 1000)
            bootstrap.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await bootstrap
            await publisher.close(timeout_s=settings.kafka_delivery_timeout_ms / 1000)

    app = Litestar(
        route_handlers=[
            *operations_handlers(readiness, metrics, publisher.queued),
            openapi_handler(catalog),
            # With Avro values, the schemas their ids name (read-only, no key needed).
            *(
                [schema_registry_router(SchemaRegistry(catalog, catalog.readings()))]
                if settings.value_format == "avro"
                else []
            ),
            *([Router(path="/", route_handlers=device_handlers(devices), guards=[guard])] if devices else []),
        ],
        plugins=[
            IngestRoutesPlugin(
                catalog,
                ingestors,
                dispatchers,
                readiness,
                header_authenticator(authenticator),
                guard,
                InFlightLimit(settings.max_in_flight_requests),
                _quarantine(settings, catalog, publisher, metrics),
            )
        ],
        lifespan=[
            *([fleet.lifespan] if fleet is not None else []),
            kafka_lifespan,
            metrics_lifespan(readiness, metrics, publisher.queued),
        ],
        # For operators' tools and tests (e.g. forcing an activity flush); handlers close over it.
        state=State({"device_registry": devices}),
        exception_handlers=exception_handlers(),
        openapi_config=OpenAPIConfig(
            title="Loom Gateway",
            version=__version__,
            path="/openapi",
            description="Schema-first ingestion of personal-informatics readings into Kafka.",
        ),
        logging_config=None,
    )
    # Outside routing and the exception handlers: every answer is counted and logged, 404s included.
    app.asgi_handler = Telemetry(app.asgi_handler, metrics, settings.access_log)
    return app


def _quarantine(
    settings: Settings, catalog: Catalog, publisher: Publisher, metrics: Metrics
) -> Quarantine | None:
    """Where refused readings go, when enabled (the catalog must then have a quarantine type)."""
    if not settings.quarantine_enabled:
        return None
    data_type = catalog.of_kind("quarantine")
    if data_type is None:
        raise ConfigurationError(
            "LOOM_QUARANTINE_ENABLED is on, but the catalog has no data type of kind quarantine"
        )
    return Quarantine(data_type, publisher, metrics)


def _device_registry(
    settings: Settings, catalog: Catalog, publisher: Publisher, readiness: Readiness
) -> DeviceRegistry | None:
    """The device registry, when the catalog has its two data types."""
    devices, activity = catalog.of_kind("device-registry"), catalog.of_kind("device-activity")
    if devices is None or activity is None:
        return None
    return DeviceRegistry(settings, devices, activity, publisher, readiness)


def create_app_from_env() -> Litestar:
    """App factory for the server processes: settings from ``LOOM_*``, catalog from ``LOOM_CATALOG``."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, load_catalog(settings.catalog))
