"""Typed settings, read from ``LOOM_*`` environment variables and checked at start-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from loom_gateway.auth import Authenticator, parse_keys, read_keys_file
from loom_gateway.errors import ConfigurationError

__all__ = ["Settings", "load_settings"]

_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


class Settings(BaseSettings):
    """Every knob of the gateway. Each field is the env var ``LOOM_<FIELD NAME>``."""

    model_config = SettingsConfigDict(env_prefix="LOOM_", extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    """Address ``serve`` binds to."""
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    """Port ``serve`` listens on."""
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    """Server worker processes for ``serve``; each owns one producer."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    """``json``: one JSON object per line (for log collectors); ``console``: for people (``dev`` uses it)."""
    access_log: Literal["off", "errors", "all"] = "errors"
    """One line per HTTP request: never (``off``), for answers of 400 and above (``errors``), or for
    every request (``all``; a line costs about 30 µs)."""

    catalog: str = "loom_catalog:CATALOG"
    """Where the generated catalog lives, as ``module:ATTRIBUTE``."""

    api_keys: SecretStr | None = None
    """API keys, in either form: a comma-separated list, each key for any device (``key1,key2``), or a
    JSON object: ``{"<key>": "*"}`` for any device, ``{"<key>": ["<device id>", ...]}`` to bind a key to
    devices. Never logged."""
    api_keys_file: Path | None = None
    """A file holding keys in either form (a mounted secret); its keys add to LOOM_API_KEYS."""
    auth_disabled: bool = False
    """Accept requests without a key. Only for development: ``serve`` refuses to start with no
    keys unless this is set."""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    """Comma-separated ``host:port`` list of brokers."""
    kafka_client_config: dict[str, str | int | float | bool] = {}
    """Extra librdkafka properties as a JSON object (SASL, TLS, …), applied to every client."""
    kafka_auto_create_topics: bool = True
    """Create missing catalog topics at start-up. When false, missing topics keep the gateway not-ready."""
    kafka_default_partitions: Annotated[int, Field(ge=1, le=1024)] = 6
    """Partitions for catalog topics whose schema names no count."""
    kafka_default_replication_factor: Annotated[int, Field(ge=1, le=16)] = 1
    """Replication factor of created topics."""
    kafka_topic_prefix: str = ""
    """Prepended to every catalog topic name (e.g. ``staging.``), after any override."""
    kafka_topic_overrides: dict[str, str] = {}
    """Catalog topic name → real topic name, as a JSON object, for clusters with their own naming."""
    kafka_delivery_timeout_ms: Annotated[int, Field(ge=1000, le=300_000)] = 10_000
    """How long a record may wait for the broker's acknowledgement before the request fails with 503."""
    kafka_linger_ms: Annotated[float, Field(ge=0, le=1000)] = 1.0
    """librdkafka linger.ms: how long to wait to fill a batch."""
    kafka_queue_max_messages: Annotated[int, Field(ge=1000)] = 100_000
    """Records the producer may hold before new requests get 503 (librdkafka queue.buffering.max.messages)."""
    max_in_flight_requests: Annotated[int, Field(ge=1)] = 1000
    """Requests one worker ingests at once; beyond, 503 with Retry-After rather than a queue."""
    device_rate_limit: Annotated[float, Field(ge=0)] = 0.0
    """Readings per second one device may send (0: no limit); beyond, 429 with Retry-After. For the whole
    deployment with LOOM_STATE_URL, per worker without."""
    device_rate_burst: Annotated[int, Field(ge=1)] = 1000
    """Readings a device may send at once before its rate applies (a batch counts each reading)."""
    idempotency_window_s: Annotated[float, Field(ge=0, le=86_400)] = 600.0
    """How long a client message_id that was published is remembered (with its device and topic), so a
    retry is answered without publishing it again: by every worker with LOOM_STATE_URL, by the worker
    that published it without. 0 turns it off."""
    idempotency_max_entries: Annotated[int, Field(ge=1)] = 100_000
    """At most this many ids remembered in a worker's memory (about 30 MB per worker); the oldest are
    forgotten first. The state store keeps its own for the window."""
    state_url: SecretStr | None = None
    """The shared state store, a Redis or Valkey server: ``redis://[:password@]host:port[/db]``, or
    ``rediss://`` for TLS. Set, retries and device rate limits hold for every worker of every replica;
    unset, each worker decides them from its own memory. Never logged."""
    state_timeout_ms: Annotated[int, Field(ge=10, le=10_000)] = 500
    """How long a call to the state store may take before the worker decides from its own memory."""
    state_key_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{0,64}$")] = "loom:"
    """Prepended to every key the gateway writes to the state store (deployments sharing one server)."""
    quarantine_enabled: bool = False
    """Also write each refused reading (after authentication: 4xx other than 401 and 429) to the
    catalog's quarantine topic, with the error and schema id, so operators can see what devices
    send wrong. The topic is created only when this is on."""
    value_format: Literal["json", "avro"] = "json"
    """How readings are written to Kafka: ``json`` (the document as JSON), or ``avro``: the same
    document as Avro in the Confluent wire format (magic byte, 4-byte schema id, binary body) under
    the catalog's generated schema, which ``GET /schemas/ids/{id}`` serves."""
    kafka_bootstrap_timeout_s: Annotated[float, Field(gt=0)] = 10.0
    """Per-attempt timeout of admin requests during topic bootstrap."""
    kafka_statistics_interval_ms: Annotated[int, Field(ge=0, le=3_600_000)] = 15_000
    """How often librdkafka reports its statistics (broker round-trip times, retries) to the metrics;
    0 turns them off (librdkafka statistics.interval.ms)."""

    device_replica_id: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9._:-]{1,128}$")] = None
    """This process's name in the device-activity slots (``<device_id>/<replica_id>``). Unset: a random
    id per process, so that restarts and worker processes never overwrite each other's counts. Set it
    only to a name unique to one process (e.g. a StatefulSet pod's): a restart then continues its counts."""
    device_activity_flush_s: Annotated[float, Field(gt=0, le=3600)] = 5.0
    """How often each process writes the device activity it counted since the last write."""

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _servers_are_host_ports(cls, value: str) -> str:
        for server in value.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"{server!r} is not host:port")
        return value

    @field_validator("kafka_topic_overrides")
    @classmethod
    def _overrides_are_topic_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value.values():
            if not _TOPIC_NAME.match(name):
                raise ValueError(f"{name!r} is not a valid Kafka topic name")
        return value

    @field_validator("state_url")
    @classmethod
    def _state_url_is_redis(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("redis://", "rediss://")):
            raise ValueError("must start with redis:// (or rediss:// for TLS)")
        return value

    @field_validator("device_replica_id")
    @classmethod
    def _replica_id_names_one_process(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("workers", 1) > 1:
            raise ValueError("it names one process, but LOOM_WORKERS starts several; leave it unset")
        return value

    def authenticator(self) -> Authenticator | None:
        """None when auth is disabled; otherwise the configured keys (at least one)."""
        if self.auth_disabled:
            return None
        keys = parse_keys(self.api_keys.get_secret_value(), "LOOM_API_KEYS") if self.api_keys else {}
        if self.api_keys_file is not None:
            keys |= read_keys_file(self.api_keys_file)
        return Authenticator(keys)

    def topic_name(self, catalog_name: str) -> str:
        return self.kafka_topic_prefix + self.kafka_topic_overrides.get(catalog_name, catalog_name)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and ``overrides``), or a ConfigurationError that says what is wrong."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigurationError(f"invalid settings: {'; '.join(map(_reason, error.errors()))}") from error
    except SettingsError as error:
        # Raised before validation when a variable is not the JSON its setting needs.
        field = _SETTINGS_ERROR_FIELD.search(str(error))
        variable = f"LOOM_{field.group(1).upper()}" if field else "a LOOM_ variable"
        raise ConfigurationError(f"invalid settings: {variable} is not valid JSON") from error


def _reason(problem: ErrorDetails) -> str:
    variable, *inside = problem["loc"]
    where = f" (at {'.'.join(str(part) for part in inside)})" if inside else ""
    return f"LOOM_{str(variable).upper()}{where}: {problem['msg']}"


_SETTINGS_ERROR_FIELD = re.compile(r'field "([a-z_]+)"')
