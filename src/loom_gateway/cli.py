"""The ``loom-gateway`` command: dev, serve, topics."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import click

from loom_gateway.catalog import Catalog, load_catalog
from loom_gateway.embedded_broker import EmbeddedBroker
from loom_gateway.errors import LoomError
from loom_gateway.kafka.topics import Action, PlannedTopic, TopicAdmin, desired_topics
from loom_gateway.logs import configure_logging
from loom_gateway.settings import Settings, load_settings
from loom_gateway.state.notice import warn_if_decided_per_worker

__all__ = ["main"]

T = TypeVar("T")

_APP_FACTORY = "loom_gateway.app:create_app_from_env"
# prometheus_client's variable (named here: importing loom_gateway.metrics would import prometheus_client,
# which reads it once, at import, and it must be set by then).
_METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@click.group()
def main() -> None:
    """Loom Gateway: schema-first ingestion of device readings into Kafka."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve HTTP on.")
@click.option("--port", default=8000, show_default=True, help="HTTP port.")
@click.option("--broker-port", default=9092, show_default=True, help="Port of the embedded Kafka broker.")
def dev(host: str, port: int, broker_port: int) -> None:
    """Serve on an embedded, in-memory Kafka broker: nothing to install, nothing kept."""
    broker = EmbeddedBroker(broker_port)
    try:
        broker.start()
    except LoomError as error:
        raise click.ClickException(error.detail) from error
    os.environ["LOOM_KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
    keyed = bool(os.environ.get("LOOM_API_KEYS") or os.environ.get("LOOM_API_KEYS_FILE"))
    click.secho(
        f"DEVELOPMENT MODE: embedded in-memory Kafka on {broker.bootstrap_servers}; "
        "every reading is lost when this process stops."
        + ("" if keyed else " AUTHENTICATION IS OFF: anyone who can reach this port can write."),
        fg="yellow",
        bold=True,
        err=True,
    )
    try:
        log_format = os.environ.get("LOOM_LOG_FORMAT", "console")  # for people, unless asked otherwise
        _serve(_settings(host=host, port=port, workers=1, auth_disabled=not keyed, log_format=log_format))
    finally:
        broker.stop()


@main.command()
def serve() -> None:
    """Serve against the Kafka cluster in LOOM_KAFKA_BOOTSTRAP_SERVERS (settings from LOOM_* variables)."""
    _serve(_settings())


@main.group()
def topics() -> None:
    """Compare the catalog's topics with the cluster's, and create what is missing."""


@topics.command("list")
def topics_list() -> None:
    """The catalog's topics with their partitions and settings."""
    settings = _settings()
    for topic in desired_topics(_catalog(settings), settings):
        configs = " ".join(f"{key}={value}" for key, value in sorted(topic.configs.items()))
        click.echo(
            f"{topic.name}\tpartitions={topic.partitions}\treplication={topic.replication_factor}\t{configs}"
        )


@topics.command("plan")
@click.option("--json", "as_json", is_flag=True, help="One JSON document, for CI and scripts.")
def topics_plan(as_json: bool) -> None:
    """What `apply` would do: create, ok, or drift (reported, never changed)."""
    settings = _settings()
    plan = _run(lambda: TopicAdmin(settings).plan(desired_topics(_catalog(settings), settings)))
    click.echo(_plan_json(plan) if as_json else _plan_table(plan))


def _plan_table(plan: Sequence[PlannedTopic]) -> str:
    """One aligned line per topic, then a summary: for people."""
    width = max((len(item.desired.name) for item in plan), default=0)
    lines = []
    for item in plan:
        if item.action is Action.CREATE:
            topic = item.desired
            configs = " ".join(f"{key}={value}" for key, value in sorted(topic.configs.items()))
            details = f"partitions={topic.partitions} replication={topic.replication_factor} {configs}"
        else:
            details = "; ".join(item.differences)
        lines.append(f"{item.action.value:<6}  {item.desired.name:<{width}}  {details}".rstrip())
    counts = {action: sum(item.action is action for item in plan) for action in Action}
    lines.append(
        f"{counts[Action.CREATE]} to create, {counts[Action.OK]} as the catalog wants, "
        f"{counts[Action.DRIFT]} drifted (reported; apply never changes an existing topic)."
    )
    return "\n".join(lines)


def _plan_json(plan: Sequence[PlannedTopic]) -> str:
    """``{"topics": [...], "summary": {"create": n, "ok": n, "drift": n}}``, keys sorted."""
    topics = [
        {
            "name": item.desired.name,
            "action": item.action.value,
            "partitions": item.desired.partitions,
            "replication_factor": item.desired.replication_factor,
            "configs": dict(item.desired.configs),
            "differences": list(item.differences),
        }
        for item in plan
    ]
    summary = {action.value: sum(item.action is action for item in plan) for action in Action}
    return json.dumps({"topics": topics, "summary": summary}, indent=2, sort_keys=True)


@topics.command("apply")
def topics_apply() -> None:
    """Create every missing catalog topic; exits 1 on failure, 0 when all exist."""
    settings = _settings()
    admin = TopicAdmin(settings)
    plan = _run(lambda: admin.plan(desired_topics(_catalog(settings), settings)))
    missing = [item.desired for item in plan if item.action is Action.CREATE]
    _run(lambda: admin.create(missing))
    for item in plan:
        click.echo(f"{item.desired.name}: created" if item.action is Action.CREATE else item.describe())


def _serve(settings: Settings) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    # Fail here, with a sentence, rather than in every worker: no catalog, or no keys.
    _catalog(settings)
    try:
        settings.authenticator()
    except LoomError as error:
        raise click.ClickException(error.detail) from error
    os.environ.update(_as_environment(settings))
    warn_if_decided_per_worker(settings)
    with _metrics_directory(settings.workers):
        Granian(
            _APP_FACTORY,
            factory=True,
            address=settings.host,
            port=settings.port,
            interface=Interfaces.ASGI,
            workers=settings.workers,
            log_access=False,
            # The server's own lines through our handler (JSON or console), at our level.
            log_level=LogLevels(settings.log_level.lower()),
            log_dictconfig={"loggers": {"_granian": {"handlers": [], "propagate": True}}},
        ).serve()


@contextlib.contextmanager
def _metrics_directory(workers: int) -> Iterator[None]:
    """Where the workers share their metrics, so that /metrics adds up all of them (prometheus_client's
    multiprocess mode): PROMETHEUS_MULTIPROC_DIR when set (emptied of an earlier run's files first);
    otherwise, with several workers, a new temporary directory, removed on exit. One worker needs none."""
    configured = os.environ.get(_METRICS_DIR_VARIABLE)
    if configured:
        for stale in Path(configured).glob("*.db"):
            stale.unlink()
        yield
        return
    if workers == 1:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="loom-metrics-") as directory:
        os.environ[_METRICS_DIR_VARIABLE] = directory
        try:
            yield
        finally:
            del os.environ[_METRICS_DIR_VARIABLE]


def _as_environment(settings: Settings) -> dict[str, str]:
    """What the command line decided, as LOOM_* variables for the worker processes (which inherit
    the rest of the environment, secrets included, as it is)."""
    return {
        "LOOM_HOST": settings.host,
        "LOOM_PORT": str(settings.port),
        "LOOM_WORKERS": str(settings.workers),
        "LOOM_AUTH_DISABLED": json.dumps(settings.auth_disabled),
        "LOOM_LOG_FORMAT": settings.log_format,
    }


def _settings(**overrides: object) -> Settings:
    try:
        settings = load_settings(**overrides)
    except LoomError as error:
        raise click.ClickException(error.detail) from error
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _catalog(settings: Settings) -> Catalog:
    try:
        return load_catalog(settings.catalog).renamed(settings.topic_name)
    except LoomError as error:
        raise click.ClickException(error.detail) from error


def _run(operation: Callable[[], T]) -> T:
    try:
        return operation()
    except LoomError as error:
        click.secho(error.detail, fg="red", err=True)
        sys.exit(1)
